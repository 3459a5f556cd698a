package callcenter

import (
	"context"
	"testing"
	"time"
)

func TestWeekSchedulePeriods(t *testing.T) {
	w := DefaultSchedule()
	w.Exceptions = map[string]Period{"2026-10-01": Holiday, "2026-10-11": WorkHours} // 国庆 and a 调休 Sunday
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, w.Location)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC() // stored in UTC, judged in Asia/Shanghai
	}
	tests := []struct {
		at   string
		want Period
	}{
		{"2026-11-20 08:29", Night},
		{"2026-11-20 08:30", WorkHours},
		{"2026-11-20 11:59", WorkHours},
		{"2026-11-20 12:00", Lunch},
		{"2026-11-20 13:30", WorkHours},
		{"2026-11-20 17:30", Night},
		{"2026-11-21 10:00", Holiday}, // Saturday
		{"2026-10-01 10:00", Holiday}, // Thursday, national day
		{"2026-10-11 10:00", WorkHours},
		{"2026-10-11 20:00", Night},
	}
	for _, tt := range tests {
		if got := w.Period(at(tt.at)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestDefaultPlanIsValid(t *testing.T) {
	p := DefaultPlan()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, h := range HotlineNumbers {
		r, ok := p.Route(h.Number)
		if !ok {
			t.Fatalf("no route for %s", h.Number)
		}
		if r.Periods[Night].Kind != ActVoicemail {
			t.Errorf("%s at night: %+v", h.Number, r.Periods[Night])
		}
	}
	p.Routes["12345"] = Route{Number: "12345", Default: Action{Kind: ActQueue, Target: "nowhere"}}
	if err := p.Validate(); err == nil {
		t.Fatal("route to a missing queue accepted")
	}
}

func TestListBlacklist(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	l := &ListBlacklist{Entries: []BlacklistEntry{
		{Number: "13800000001", Reason: "harassment"},
		{Number: "170", Prefix: true, Reason: "virtual operator range"},
		{Number: "13900000009", Until: now.Add(-time.Minute)},
	}}
	tests := []struct {
		number string
		want   bool
	}{
		{"13800000001", true},
		{"13800000002", false},
		{"17012345678", true},
		{"13900000009", false}, // expired
		{"1380000000", false},  // exact numbers are not prefixes
	}
	for _, tt := range tests {
		got, _, err := l.Blocked(context.Background(), tt.number, now)
		if err != nil || got != tt.want {
			t.Errorf("%s: %v %v", tt.number, got, err)
		}
	}
}
