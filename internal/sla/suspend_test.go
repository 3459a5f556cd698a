package sla_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

func TestSuspendAndSignFor(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("suspend stops the clock, resume moves the deadlines by the working time paused", func(t *testing.T) { testSuspend(t, b) })
			t.Run("suspend refused where the policy keeps the clock running", func(t *testing.T) { testSuspendDenied(t, b) })
			t.Run("sign-for deadline passes without accept", func(t *testing.T) { testSignOverdue(t, b) })
		})
	}
}

// count counts the ticket's events of each action.
func count(t *testing.T, st *store.Store, tk *ticket.Ticket) map[ticket.Action]int {
	t.Helper()
	evs, err := st.TicketEvents(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	m := map[ticket.Action]int{}
	for _, e := range evs {
		m[e.Action]++
	}
	return m
}

func testSuspend(t *testing.T, b storetest.Backend) {
	// Monday 23 November 2026, 10:00. Working time 09:00–12:00, 13:30–17:30 (7 hours a day).
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	d := newDesk(t, b.Open(t), clock)
	stop := run(t, d.scheduler("n1"))

	tk, err := d.svc.Register(ctx, d.agent, &ticket.Ticket{Subject: "咨询公租房申请条件", RequestType: ticket.Consult,
		Phone: "13812341234"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if tk, _, err = d.svc.Act(ctx, d.disp, tk.Number, ticket.Command{Action: ticket.ActDispatch, DepartmentID: "water"}); err != nil {
		t.Fatal(err)
	}
	// 咨询: handle within 2 working days, Wednesday 25th 10:00; warning 3.5 working hours
	// before (Tuesday 15:00); supervision one working day after (Thursday 10:00).
	oldDue := time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)
	if !tk.HandleDeadline.Equal(oldDue) || tk.PauseDenied {
		t.Fatalf("handle deadline %v pause_denied %v", tk.HandleDeadline.In(shanghai), tk.PauseDenied)
	}
	clock.Set(time.Date(2026, 11, 23, 11, 0, 0, 0, shanghai))
	if _, _, err = d.svc.Act(ctx, d.handler, tk.Number, ticket.Command{Action: ticket.ActAccept}); err != nil {
		t.Fatal(err)
	}
	old := unfired(t, d.st, tk)
	if len(old) != 3 {
		t.Fatalf("after accept: %v", old)
	}

	// 挂起 at 14:00 on Monday: the citizen is to bring a residence certificate.
	suspendAt := time.Date(2026, 11, 23, 14, 0, 0, 0, shanghai)
	clock.Set(suspendAt)
	if _, _, err := d.svc.Act(ctx, d.handler, tk.Number, ticket.Command{Action: ticket.ActSuspend}); err == nil {
		t.Fatal("suspend without a reason was accepted")
	}
	tk, ev, err := d.svc.Act(ctx, d.handler, tk.Number, ticket.Command{Action: ticket.ActSuspend, Note: "等待市民补充居住证明"})
	if err != nil {
		t.Fatal(err)
	}
	if !tk.Suspended || !tk.SuspendedAt.Equal(suspendAt) || ev.Action != ticket.ActSuspend {
		t.Fatalf("suspended: %+v", tk)
	}
	if u := unfired(t, d.st, tk); len(u) != 0 {
		t.Fatalf("timers left armed while suspended: %v", u)
	}
	// The node restarts during the pause, and the clock runs past the old warning, deadline
	// and supervision: nothing fires, the suspension is in the database.
	stop()
	resumeAt := time.Date(2026, 11, 26, 11, 0, 0, 0, shanghai)
	clock.Set(resumeAt)
	stop = run(t, d.scheduler("n2"))
	defer func() { stop() }()
	time.Sleep(300 * time.Millisecond)
	if _, _, err := d.svc.Act(ctx, d.handler, tk.Number, ticket.Command{Action: ticket.ActReply, Note: "已答复"}); err == nil {
		t.Fatal("a suspended ticket was replied")
	}
	if _, _, err := d.svc.Act(ctx, d.disp, tk.Number, ticket.Command{Action: ticket.ActUrge, Note: "请尽快联系市民"}); err != nil {
		t.Fatalf("urge while suspended: %v", err)
	}
	stored, err := d.st.TicketByID(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !stored.Suspended || !stored.SuspendedAt.Equal(suspendAt) || stored.SuspendReason != "等待市民补充居住证明" {
		t.Fatalf("stored suspension: %+v", stored)
	}
	if c := count(t, d.st, tk); c[ticket.ActWarn] != 0 || c[ticket.ActMarkOverdue] != 0 || c[ticket.ActSupervise] != 0 || stored.Overdue {
		t.Fatalf("the clock ran while suspended: %v, overdue %v", c, stored.Overdue)
	}

	// 恢复 on Thursday 11:00. Paused: Mon 14:00–17:30 (3.5h) + Tue 7h + Wed 7h + Thu 09:00–11:00
	// (2h) = 19.5 working hours. Wed 10:00 + 19.5h: Wed 6h, Thu 7h, Fri 09:00–12:00 and
	// 13:30–17:00 → Friday 27th 17:00.
	tk, ev, err = d.svc.Act(ctx, d.disp, tk.Number, ticket.Command{Action: ticket.ActResume, Note: "市民已补充材料"})
	if err != nil {
		t.Fatal(err)
	}
	paused := 19*time.Hour + 30*time.Minute
	newDue := time.Date(2026, 11, 27, 17, 0, 0, 0, shanghai)
	if got := d.sla.Calendar().WorkingTimeBetween(suspendAt, resumeAt); got != paused {
		t.Fatalf("working time paused %v, want %v", got, paused)
	}
	if !tk.HandleDeadline.Equal(newDue) || tk.Suspended || tk.SuspendedAt != nil {
		t.Fatalf("after resume: deadline %v suspended %v", tk.HandleDeadline.In(shanghai), tk.Suspended)
	}
	if got := d.sla.Calendar().WorkingTimeBetween(oldDue, *tk.HandleDeadline); got != paused {
		t.Errorf("the deadline moved by %v of working time, want %v", got, paused)
	}
	if ev.Data["paused_seconds"] != int64(paused/time.Second) || ev.Data["handle_deadline_before"] != oldDue.UTC().Format(time.RFC3339) ||
		ev.Data["suspended_at"] != suspendAt.UTC().Format(time.RFC3339) {
		t.Errorf("resume event data %v", ev.Data)
	}
	stored, _ = d.st.TicketByID(ctx, tk.ID)
	if !stored.HandleDeadline.Equal(newDue) || stored.Suspended || stored.SuspendedAt != nil || stored.SuspendReason != "" {
		t.Fatalf("stored after resume: %+v", stored)
	}
	evs, _ := d.st.TicketEvents(ctx, tk.ID)
	last := evs[len(evs)-1]
	if last.Action != ticket.ActResume || last.Data["handle_deadline"] != newDue.UTC().Format(time.RFC3339) || last.Data["paused_seconds"] != float64(70200) {
		t.Errorf("stored resume event %+v", last)
	}

	// The timers are re-armed from the new deadline: warning 3.5 working hours before
	// (Friday 13:30), supervision a working day after (Monday 30th 17:00).
	u := unfired(t, d.st, tk)
	want := map[string]time.Time{
		ticket.TimerWarning:   time.Date(2026, 11, 27, 13, 30, 0, 0, shanghai),
		ticket.TimerOverdue:   newDue,
		ticket.TimerSupervise: time.Date(2026, 11, 30, 17, 0, 0, 0, shanghai),
	}
	if len(u) != len(want) {
		t.Fatalf("timers after resume: %v", u)
	}
	for k, at := range want {
		if !u[k].Equal(at) {
			t.Errorf("%s at %v, want %v", k, u[k].In(shanghai), at)
		}
	}
	clock.Set(want[ticket.TimerWarning].Add(-time.Minute))
	time.Sleep(200 * time.Millisecond)
	if c := count(t, d.st, tk); c[ticket.ActWarn] != 0 {
		t.Fatalf("warning before its new time: %v", c)
	}
	clock.Set(want[ticket.TimerWarning])
	waitEvent(t, d.st, tk, ticket.ActWarn, 1, 2*time.Second)
	clock.Set(newDue)
	evs = waitEvent(t, d.st, tk, ticket.ActMarkOverdue, 1, 2*time.Second)
	if !evs[0].At.Equal(newDue) {
		t.Errorf("overdue at %v, want %v", evs[0].At.In(shanghai), newDue)
	}
	if got, _ := d.st.TicketByID(ctx, tk.ID); !got.Overdue {
		t.Error("the ticket is not flagged overdue at its new deadline")
	}
	if n := len(outboxFor(t, d.st, tk, "warning")); n != 1 {
		t.Errorf("%d warning messages, want 1 (none during the pause)", n)
	}
}

func testSuspendDenied(t *testing.T, b storetest.Backend) {
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	st := b.Open(t)
	// The city lets no consultation wait on the citizen.
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveSetting(ctx, sla.RulesKey, []sla.RuleDoc{{Type: "consult", Pause: "deny"}}, "test")
	}); err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, st, clock)
	for _, tc := range []struct {
		name string
		tk   ticket.Ticket
	}{
		{"紧急 by default", ticket.Ticket{Subject: "燃气泄漏", RequestType: ticket.Help, Urgency: ticket.Urgent}},
		{"咨询 by the city's rule", ticket.Ticket{Subject: "咨询落户政策", RequestType: ticket.Consult}},
	} {
		tk, err := d.svc.Register(ctx, d.agent, &tc.tk, "")
		if err != nil {
			t.Fatal(err)
		}
		if tk, _, err = d.svc.Act(ctx, d.disp, tk.Number, ticket.Command{Action: ticket.ActDispatch, DepartmentID: "water"}); err != nil {
			t.Fatal(err)
		}
		if tk, _, err = d.svc.Act(ctx, d.handler, tk.Number, ticket.Command{Action: ticket.ActAccept}); err != nil {
			t.Fatal(err)
		}
		if !tk.PauseDenied || slices.Contains(d.handler.ActionsOn(tk), ticket.ActSuspend) {
			t.Errorf("%s: pause_denied %v, actions %v", tc.name, tk.PauseDenied, d.handler.ActionsOn(tk))
		}
		before := unfired(t, d.st, tk)
		_, _, err = d.svc.Act(ctx, d.handler, tk.Number, ticket.Command{Action: ticket.ActSuspend, Note: "等待材料"})
		var ill *ticket.IllegalError
		if !errors.As(err, &ill) || !strings.Contains(ill.Reason, "policy") {
			t.Fatalf("%s: suspend gave %v, want a refusal naming the policy", tc.name, err)
		}
		got, _ := d.st.TicketByID(ctx, tk.ID)
		if got.Suspended || got.Version != tk.Version || len(unfired(t, d.st, tk)) != len(before) {
			t.Errorf("%s: a refused suspend changed the ticket or its timers", tc.name)
		}
	}
	// A complaint keeps the default: it may pause.
	tk := d.dispatched(t, "噪音扰民")
	if tk.PauseDenied {
		t.Error("a normal complaint may not pause")
	}
}

func testSignOverdue(t *testing.T, b storetest.Backend) {
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	d := newDesk(t, b.Open(t), clock)
	stop := run(t, d.scheduler("n1"))
	defer stop()
	late := d.dispatched(t, "路面塌陷")
	onTime := d.dispatched(t, "路灯不亮")
	signDue := time.Date(2026, 11, 24, 10, 0, 0, 0, shanghai)
	if !late.SignDeadline.Equal(signDue) || late.SignOverdue {
		t.Fatalf("sign-for deadline %v flag %v", late.SignDeadline.In(shanghai), late.SignOverdue)
	}
	// One department signs for its ticket in time: that cancels its sign-for timers.
	clock.Set(time.Date(2026, 11, 23, 15, 0, 0, 0, shanghai))
	if _, _, err := d.svc.Act(ctx, d.handler, onTime.Number, ticket.Command{Action: ticket.ActAccept}); err != nil {
		t.Fatal(err)
	}
	if u := unfired(t, d.st, onTime); !u[ticket.TimerSignOverdue].IsZero() || !u[ticket.TimerSignWarning].IsZero() {
		t.Fatalf("accept left sign-for timers: %v", u)
	}
	clock.Set(signDue.Add(-time.Second))
	time.Sleep(200 * time.Millisecond)
	if c := count(t, d.st, late); c[ticket.ActSignOverdue] != 0 {
		t.Fatalf("sign-for overdue before its time: %v", c)
	}
	clock.Set(signDue)
	start := time.Now()
	evs := waitEvent(t, d.st, late, ticket.ActSignOverdue, 1, 2*time.Second)
	if took := time.Since(start); took > time.Second {
		t.Errorf("sign-for overdue fired %v after its time", took)
	}
	if e := evs[0]; !e.At.Equal(signDue) || e.Actor != ticket.SystemActor || e.Data["deadline"] != "sign" || e.DepartmentID != "water" {
		t.Errorf("sign-for overdue event %+v", e)
	}
	got, _ := d.st.TicketByID(ctx, late.ID)
	if !got.SignOverdue || got.Overdue || got.State != ticket.Dispatched {
		t.Errorf("after the sign-for deadline: sign_overdue %v overdue %v state %s", got.SignOverdue, got.Overdue, got.State)
	}
	msgs := outboxFor(t, d.st, late, "sign_overdue")
	if len(msgs) != 1 || msgs[0].Recipient != "13900000001" || !strings.Contains(msgs[0].Body, "签收超时") ||
		!strings.Contains(msgs[0].Body, "2026-11-24 10:00") {
		t.Fatalf("sign-for overdue notice: %+v", msgs)
	}
	if len(outboxFor(t, d.st, late, "overdue")) != 0 {
		t.Error("the handling overdue notice went out for a sign-for deadline")
	}
	// The desk lists it; the ticket signed for in time is not there.
	yes := true
	page, err := d.svc.List(ctx, d.handler, store.TicketFilter{SignOverdue: &yes})
	if err != nil || len(page.Tickets) != 1 || page.Tickets[0].Number != late.Number {
		t.Fatalf("sign-for overdue list: %v %+v", err, page.Tickets)
	}
	if c := count(t, d.st, onTime); c[ticket.ActSignOverdue] != 0 {
		t.Errorf("the ticket signed for in time: %v", c)
	}
	// Signing for late keeps the record (it counts against the response rate).
	if _, _, err := d.svc.Act(ctx, d.handler, late.Number, ticket.Command{Action: ticket.ActAccept}); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.st.TicketByID(ctx, late.ID); !got.SignOverdue || got.State != ticket.Processing {
		t.Errorf("late accept: %+v", got)
	}
}
