package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// suspendView is the part of a ticket view the suspension test reads.
type suspendView struct {
	Number         string     `json:"number"`
	State          string     `json:"state"`
	Suspended      bool       `json:"suspended"`
	SuspendedAt    *time.Time `json:"suspended_at"`
	SuspendReason  string     `json:"suspend_reason"`
	PauseDenied    bool       `json:"pause_denied"`
	HandleDeadline *time.Time `json:"handle_deadline"`
	AllowedActions []string   `json:"allowed_actions"`
}

func TestSuspendAPI(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testSuspendAPI(t, apitest.New(t, b.Open(t))) })
	}
}

func testSuspendAPI(t *testing.T, e *apitest.Env) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	// The working-time clock as serve wires it, on a clock the test moves.
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	// (The store keeps the real time: the login sessions are reckoned on it.)
	s, err := sla.Load(context.Background(), e.Store)
	if err != nil {
		t.Fatal(err)
	}
	e.Service.Now, e.Service.Deadlines, e.Service.Pause = clock.Now, s.Deadlines, s
	e.Service.Hooks = append(e.Service.Hooks, s.Hook)

	view := func(user, number string) suspendView {
		t.Helper()
		var v suspendView
		if st := e.Do("GET", "/api/v1/tickets/"+number, e.Tokens[user], nil, &v); st != http.StatusOK {
			t.Fatalf("get %s: %d", number, st)
		}
		return v
	}
	post := func(user, number, action string, body any) (int, suspendView, errBody) {
		t.Helper()
		var out struct {
			Ticket suspendView `json:"ticket"`
			errBody
		}
		st := e.Do("POST", "/api/v1/tickets/"+number+"/"+action, e.Tokens[user], body, &out)
		return st, out.Ticket, out.errBody
	}

	// A complaint (投诉, 15 working days) dispatched Monday 23 November 10:00: due 14 December 10:00.
	tick := register(t, e, map[string]any{"dispatch_to": apitest.District})
	mustAct(t, e, "handler_a1", tick.Number, "accept", nil)
	v := view("handler_a1", tick.Number)
	due := time.Date(2026, 12, 14, 10, 0, 0, 0, shanghai)
	if !v.HandleDeadline.Equal(due) || v.PauseDenied || !slices.Contains(v.AllowedActions, "suspend") {
		t.Fatalf("accepted: %+v", v)
	}

	before := len(events(t, e, tick.Number))
	for _, c := range []struct {
		name, user string
		body       any
		status     int
		field      string
	}{
		{"no reason", "handler_a1", nil, http.StatusBadRequest, "note"},
		{"blank reason", "handler_a1", note("  "), http.StatusBadRequest, "note"},
		{"the centre does not suspend", "dispatcher", note("等待材料"), http.StatusForbidden, ""},
		{"another department", "handler_water", note("等待材料"), http.StatusNotFound, ""},
	} {
		st, _, eb := post(c.user, tick.Number, "suspend", c.body)
		if st != c.status || eb.Error == "" || (c.field != "" && eb.Fields[c.field] == "") {
			t.Errorf("%s: status %d %+v, want %d naming %q", c.name, st, eb, c.status, c.field)
		}
	}
	if after := len(events(t, e, tick.Number)); after != before {
		t.Fatalf("refused suspends changed the history: %d events, was %d", after, before)
	}

	// 挂起 Monday 14:00.
	suspendAt := time.Date(2026, 11, 23, 14, 0, 0, 0, shanghai)
	clock.Set(suspendAt)
	st, got, eb := post("handler_a1", tick.Number, "suspend", note("请市民补充现场照片"))
	if st != http.StatusOK || !got.Suspended || !got.SuspendedAt.Equal(suspendAt) || got.SuspendReason != "请市民补充现场照片" ||
		got.State != "processing" {
		t.Fatalf("suspend: %d %+v %+v", st, got, eb)
	}
	if want := []string{"resume", "comment"}; !slices.Equal(got.AllowedActions, want) {
		t.Errorf("the handler may %v on a suspended ticket, want %v", got.AllowedActions, want)
	}
	if want := []string{"resume", "urge", "supervise", "comment"}; !slices.Equal(view("dispatcher", tick.Number).AllowedActions, want) {
		t.Errorf("the centre may %v, want %v", view("dispatcher", tick.Number).AllowedActions, want)
	}
	st, _, eb = post("handler_a1", tick.Number, "reply", note("已处理"))
	if st != http.StatusConflict || !strings.Contains(eb.Error, "suspended") || !slices.Equal(eb.Allowed, []string{"resume", "comment"}) {
		t.Errorf("reply while suspended: %d %+v, want 409 saying why and allowing resume, comment", st, eb)
	}
	if st, _, eb = post("handler_a1", tick.Number, "suspend", note("again")); st != http.StatusConflict {
		t.Errorf("suspend twice: %d %+v", st, eb)
	}
	var list struct {
		Items []suspendView `json:"items"`
	}
	if st := e.Do("GET", "/api/v1/tickets?suspended=true", e.Tokens["dispatcher"], nil, &list); st != http.StatusOK ||
		len(list.Items) != 1 || list.Items[0].Number != tick.Number {
		t.Errorf("suspended list: %d %+v", st, list.Items)
	}
	if st := e.Do("GET", "/api/v1/tickets?suspended=maybe", e.Tokens["dispatcher"], nil, &eb); st != http.StatusBadRequest || eb.Fields["suspended"] == "" {
		t.Errorf("bad suspended filter: %d %+v", st, eb)
	}

	// 恢复 Tuesday 14:00 by the centre: Mon 14:00–17:30 and Tue 09:00–12:00, 13:30–14:00 are
	// one working day (7 hours), so the deadline moves to 15 December 10:00.
	clock.Set(time.Date(2026, 11, 24, 14, 0, 0, 0, shanghai))
	st, got, eb = post("dispatcher", tick.Number, "resume", note("市民已补充照片"))
	newDue := time.Date(2026, 12, 15, 10, 0, 0, 0, shanghai)
	if st != http.StatusOK || got.Suspended || got.SuspendedAt != nil || !got.HandleDeadline.Equal(newDue) {
		t.Fatalf("resume: %d %+v %+v", st, got, eb)
	}
	evs := events(t, e, tick.Number)
	last := evs[len(evs)-1]
	if last.Action != "resume" || last.Data["paused_seconds"] != float64(7*3600) || last.Data["reason"] != "请市民补充现场照片" {
		t.Errorf("resume event %+v", last)
	}
	if evs[len(evs)-2].Action != "suspend" || evs[len(evs)-2].Note != "请市民补充现场照片" {
		t.Errorf("suspend event %+v", evs[len(evs)-2])
	}
	if st, _, eb = post("handler_a1", tick.Number, "resume", nil); st != http.StatusConflict || !strings.Contains(eb.Error, "not suspended") {
		t.Errorf("resume a running ticket: %d %+v", st, eb)
	}
	mustAct(t, e, "handler_a1", tick.Number, "reply", note("已清理占道摊位"))

	// 紧急: the default policy keeps the clock running; suspend is refused and not offered.
	urgent := register(t, e, map[string]any{"dispatch_to": apitest.District, "urgency": "urgent"})
	mustAct(t, e, "handler_a1", urgent.Number, "accept", nil)
	v = view("handler_a1", urgent.Number)
	if !v.PauseDenied || slices.Contains(v.AllowedActions, "suspend") {
		t.Errorf("urgent ticket: %+v", v)
	}
	before = len(events(t, e, urgent.Number))
	st, _, eb = post("handler_a1", urgent.Number, "suspend", note("等待材料"))
	if st != http.StatusConflict || !strings.Contains(eb.Error, "policy") || slices.Contains(eb.Allowed, "suspend") {
		t.Errorf("suspend an urgent ticket: %d %+v, want 409 naming the policy", st, eb)
	}
	if after := len(events(t, e, urgent.Number)); after != before || view("handler_a1", urgent.Number).Suspended {
		t.Error("a refused suspend changed the urgent ticket")
	}
}
