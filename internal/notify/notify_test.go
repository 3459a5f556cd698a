package notify

import (
	"strings"
	"testing"
)

func TestDefaultsRender(t *testing.T) {
	s, err := NewSet(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := Data{Number: "2026112300001", Subject: "路灯不亮", Department: "市城管局", LookupURL: "https://12345.example/q",
		Deadline: "2026-12-14 10:00", Kind: "办理", Reply: "已修复"}
	for name, want := range map[string]string{
		Received:    "工单号2026112300001。可凭工单号和手机号查询办理进度：https://12345.example/q",
		Survey:      "请回复 1 满意，2 基本满意，3 不满意",
		Warning:     "办理时限将于2026-12-14 10:00到期",
		Overdue:     "已于2026-12-14 10:00到期",
		SignOverdue: "签收时限已于2026-12-14 10:00到期，贵单位尚未签收",
		Supervise:   "已列入督办，请市城管局限期办结",
		Result:      "已办理：已修复",
		Dispatched:  "市城管局：工单2026112300001（路灯不亮）已派至贵单位",
	} {
		subj, body, err := s.Render(name, d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(body, want) || !strings.Contains(subj, "2026112300001") {
			t.Errorf("%s: %q / %q, want %q in the body and the number in the subject", name, subj, body, want)
		}
	}
}

func TestOverrides(t *testing.T) {
	s, err := NewSet(map[string]Template{Survey: {Body: "评价工单{{.Number}}：回1满意"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, body, _ := s.Render(Survey, Data{Number: "7"}); body != "评价工单7：回1满意" {
		t.Errorf("override renders %q", body)
	}
	for name, bad := range map[string]map[string]Template{
		"unknown field":    {Survey: {Body: "{{.Phone}}"}},
		"does not parse":   {Survey: {Body: "{{.Number"}},
		"empty body":       {Survey: {Body: "  "}},
		"unknown template": {"sms_ad": {Body: "x"}},
	} {
		if _, err := NewSet(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A refused replacement leaves the set as it was.
	if err := s.Replace(map[string]Template{Survey: {Body: "{{.Nope}}"}}); err == nil {
		t.Fatal("bad replacement accepted")
	}
	if _, body, _ := s.Render(Survey, Data{Number: "7"}); body != "评价工单7：回1满意" {
		t.Errorf("after a refused replacement: %q", body)
	}
}
