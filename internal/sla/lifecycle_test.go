package sla_test

import (
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

func TestLifecycleTimers(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("each event writes or clears the right timers", func(t *testing.T) { testLifecycle(t, b) })
			t.Run("entered days and rules change the deadlines", func(t *testing.T) { testConfiguration(t, b) })
		})
	}
}

// unfired lists a ticket's timers still to fire, by kind.
func unfired(t *testing.T, st *store.Store, tk *ticket.Ticket) map[string]time.Time {
	t.Helper()
	ts, err := st.TicketTimers(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, tm := range ts {
		if tm.FiredAt == nil {
			out[tm.Kind] = tm.DueAt
		}
	}
	return out
}

func testLifecycle(t *testing.T, b storetest.Backend) {
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	d := newDesk(t, b.Open(t), clock)
	act := func(tk *ticket.Ticket, who string, cmd ticket.Command) *ticket.Ticket {
		t.Helper()
		pr := d.disp
		if who == "handler" {
			pr = d.handler
		}
		got, _, err := d.svc.Act(ctx, pr, tk.Number, cmd)
		if err != nil {
			t.Fatalf("%s: %v", cmd.Action, err)
		}
		return got
	}
	tk := d.dispatched(t, "井盖缺失")
	if n := len(unfired(t, d.st, tk)); n != 5 {
		t.Fatalf("after dispatch: %d timers, want 5", n)
	}
	tk = act(tk, "handler", ticket.Command{Action: ticket.ActAccept})
	if u := unfired(t, d.st, tk); len(u) != 3 || !u[ticket.TimerOverdue].Equal(*tk.HandleDeadline) {
		t.Fatalf("after accept: %v, want warning, overdue at %v, supervise", u, tk.HandleDeadline)
	}
	// 延期 3 days, approved: counted in working days (14 Dec 2026 is a Monday → Thursday 17th).
	tk = act(tk, "handler", ticket.Command{Action: ticket.ActRequestExtension, Days: 3, Note: "需协调供水公司"})
	tk = act(tk, "disp", ticket.Command{Action: ticket.ActApproveExtension})
	want := time.Date(2026, 12, 17, 10, 0, 0, 0, shanghai)
	stored, _ := d.st.TicketByID(ctx, tk.ID)
	if !tk.HandleDeadline.Equal(want) || !stored.HandleDeadline.Equal(want) {
		t.Fatalf("extended deadline %v (stored %v), want %v", tk.HandleDeadline.In(shanghai), stored.HandleDeadline.In(shanghai), want)
	}
	if u := unfired(t, d.st, tk); len(u) != 3 || !u[ticket.TimerOverdue].Equal(want) {
		t.Fatalf("after the extension: %v", u)
	}
	tk = act(tk, "handler", ticket.Command{Action: ticket.ActReply, Note: "已补装井盖"})
	if u := unfired(t, d.st, tk); len(u) != 0 {
		t.Fatalf("after reply: %v, want none (the department's clock stops)", u)
	}
	tk = act(tk, "disp", ticket.Command{Action: ticket.ActRejectReply, Note: "请附现场照片"})
	if u := unfired(t, d.st, tk); len(u) != 3 || !u[ticket.TimerOverdue].Equal(want) {
		t.Fatalf("after the review sent it back: %v", u)
	}
	tk = act(tk, "handler", ticket.Command{Action: ticket.ActReply, Note: "已补装井盖，附照片"})
	tk = act(tk, "disp", ticket.Command{Action: ticket.ActApproveReply})
	clock.Advance(24 * time.Hour)
	tk = act(tk, "disp", ticket.Command{Action: ticket.ActCallback, Satisfaction: ticket.Unsatisfied, Note: "井盖松动"})
	u := unfired(t, d.st, tk)
	// 重办: 15 working days from the reopen instant, Tue 24 Nov 10:00 → Tue 15 Dec 10:00.
	if reopen := time.Date(2026, 12, 15, 10, 0, 0, 0, shanghai); len(u) != 3 || !u[ticket.TimerOverdue].Equal(reopen) {
		t.Fatalf("after the reopen: %v, want handling timers due %v", u, reopen)
	}
	if _, ok := u[ticket.TimerSignOverdue]; ok {
		t.Error("a reopened ticket is already signed for")
	}
	tk = act(tk, "handler", ticket.Command{Action: ticket.ActReply, Note: "已加固"})
	tk = act(tk, "disp", ticket.Command{Action: ticket.ActApproveReply})
	act(tk, "disp", ticket.Command{Action: ticket.ActCallback, Satisfaction: ticket.Satisfied})
	if u := unfired(t, d.st, tk); len(u) != 0 {
		t.Fatalf("after closing: %v", u)
	}
	// The citizen got the receipt, two results and two surveys; the department the dispatch.
	for tpl, n := range map[string]int{"received": 1, "dispatched": 1, "result": 2, "survey": 2} {
		if got := len(outboxFor(t, d.st, tk, tpl)); got != n {
			t.Errorf("%d %s messages, want %d", got, tpl, n)
		}
	}
}

func testConfiguration(t *testing.T, b storetest.Backend) {
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	st := b.Open(t)
	// The city declares Tuesday 24 November a holiday and consultations 3 working hours.
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveCalendarDays(ctx, []store.CalendarDay{{Date: "2026-11-24", Kind: "holiday", Name: "测试假日"}}, "test"); err != nil {
			return err
		}
		return tx.SaveSetting(ctx, sla.RulesKey, []sla.RuleDoc{{Type: "consult", Handling: "3wh", SignFor: "1wh"}}, "test")
	}); err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, st, clock)
	tk, err := d.svc.Register(ctx, d.agent, &ticket.Ticket{Subject: "社保咨询", RequestType: ticket.Consult}, "")
	if err != nil {
		t.Fatal(err)
	}
	tk, _, err = d.svc.Act(ctx, d.disp, tk.Number, ticket.Command{Action: ticket.ActDispatch, DepartmentID: "water"})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 23, 11, 0, 0, 0, shanghai); !tk.SignDeadline.Equal(want) {
		t.Errorf("sign-for %v, want %v", tk.SignDeadline.In(shanghai), want)
	}
	// 10–12 is two hours, 13:30–14:30 the third.
	if want := time.Date(2026, 11, 23, 14, 30, 0, 0, shanghai); !tk.HandleDeadline.Equal(want) {
		t.Errorf("handling %v, want %v", tk.HandleDeadline.In(shanghai), want)
	}
	if got := d.sla.Calendar().AddWorkingDays(clock.Now(), 1); !got.Equal(time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)) {
		t.Errorf("one working day after Monday 10:00 is %v, want Wednesday (Tuesday entered as a holiday)", got)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveSetting(ctx, sla.RulesKey, []sla.RuleDoc{{Type: "consult", Handling: "3 days"}}, "test")
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.sla.Reload(ctx, st); err == nil {
		t.Error("a bad limit was accepted on reload")
	}
}
