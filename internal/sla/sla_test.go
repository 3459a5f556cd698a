package sla_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

var ctx = context.Background()

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// desk is a work-order service wired to the clock as serve wires it.
type desk struct {
	st                   *store.Store
	svc                  *workorder.Service
	sla                  *sla.SLA
	clock                *sla.ManualClock
	agent, disp, handler access.Principal
}

func newDesk(t *testing.T, st *store.Store, clock *sla.ManualClock) *desk {
	t.Helper()
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveDepartment(ctx, &org.Department{ID: "centre", Code: "C", Name: "热线中心", Kind: org.KindCentre}); err != nil {
			return err
		}
		return tx.SaveDepartment(ctx, &org.Department{ID: "water", Code: "W", Name: "市水务集团", ParentID: "centre",
			Kind: org.KindCompany, Phone: "13900000001"})
	}); err != nil {
		t.Fatal(err)
	}
	st.SetClock(clock.Now)
	s, err := sla.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	s.LookupURL = "https://12345.example.gov.cn/q"
	svc := workorder.New(st, t.TempDir(), nil)
	svc.Now, svc.Deadlines, svc.Pause, svc.Hooks = clock.Now, s.Deadlines, s, []workorder.TxHook{s.Hook}
	p := func(role access.Role, dept string) access.Principal {
		pr, err := svc.PrincipalFor(ctx, "u-"+string(role), string(role), string(role), dept, false)
		if err != nil {
			t.Fatal(err)
		}
		return pr
	}
	return &desk{st: st, svc: svc, sla: s, clock: clock, agent: p(access.Agent, ""), disp: p(access.Dispatcher, ""),
		handler: p(access.Handler, "water")}
}

func (d *desk) scheduler(node string) *sla.Scheduler {
	sc := &sla.Scheduler{Store: d.st, SLA: d.sla, Clock: d.clock, Node: node}
	d.sla.OnArm = sc.Notify
	return sc
}

func (d *desk) dispatched(t *testing.T, subject string) *ticket.Ticket {
	t.Helper()
	tk, err := d.svc.Register(ctx, d.agent, &ticket.Ticket{Subject: subject, RequestType: ticket.Complaint,
		Phone: "13812341234"}, "")
	if err != nil {
		t.Fatal(err)
	}
	tk, _, err = d.svc.Act(ctx, d.disp, tk.Number, ticket.Command{Action: ticket.ActDispatch, DepartmentID: "water"})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func run(t *testing.T, sc *sla.Scheduler) (stop func()) {
	c, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sc.Run(c); close(done) }()
	return func() { cancel(); <-done }
}

// waitEvent waits (in real time) for the ticket's archive to hold n events of the action.
func waitEvent(t *testing.T, st *store.Store, tk *ticket.Ticket, a ticket.Action, n int, within time.Duration) []ticket.Event {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		evs, err := st.TicketEvents(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []ticket.Event
		for _, e := range evs {
			if e.Action == a {
				got = append(got, e)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d %s events after %s, want %d", len(got), a, within, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func outboxFor(t *testing.T, st *store.Store, tk *ticket.Ticket, tpl string) []*store.OutboxMessage {
	t.Helper()
	all, err := st.ListOutbox(ctx, store.OutboxFilter{TicketID: tk.ID})
	if err != nil {
		t.Fatal(err)
	}
	var out []*store.OutboxMessage
	for _, m := range all {
		if m.Template == tpl {
			out = append(out, m)
		}
	}
	return out
}

func TestTimers(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("deadlines, warning, overdue and supervision on a moved clock", func(t *testing.T) { testFire(t, b) })
			t.Run("restart misses nothing and fires nothing twice", func(t *testing.T) { testRestart(t, b) })
			if b.Name == "postgres" {
				t.Run("two schedulers on one database fire each timer once", func(t *testing.T) { testTwoNodes(t, b) })
			}
		})
	}
}

func testFire(t *testing.T, b storetest.Backend) {
	// Monday 23 November 2026, 10:00 in the city.
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	d := newDesk(t, b.Open(t), clock)
	sc := d.scheduler("n1")
	stop := run(t, sc)
	defer stop()

	tk := d.dispatched(t, "自来水管爆裂")
	// 投诉: sign for within 1 working day, handle within 15 (Guangdong).
	wantSign := time.Date(2026, 11, 24, 10, 0, 0, 0, shanghai)
	wantHandle := time.Date(2026, 12, 14, 10, 0, 0, 0, shanghai)
	if !tk.SignDeadline.Equal(wantSign) || !tk.HandleDeadline.Equal(wantHandle) {
		t.Fatalf("deadlines %v / %v, want %v / %v", tk.SignDeadline.In(shanghai), tk.HandleDeadline.In(shanghai), wantSign, wantHandle)
	}
	timers, err := d.st.TicketTimers(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]time.Time{}
	for _, tm := range timers {
		kinds[tm.Kind] = tm.DueAt
	}
	if len(kinds) != 5 {
		t.Fatalf("timers %v, want sign_warning, sign_overdue, warning, overdue, supervise", kinds)
	}
	if len(outboxFor(t, d.st, tk, "dispatched")) != 1 || len(outboxFor(t, d.st, tk, "received")) != 1 {
		t.Fatalf("want a receipt to the citizen and a dispatch notice to the department in the outbox")
	}

	// 签收预警 at 75% of the sign-for day: 5h15 of working time after 10:00 (7 working
	// hours a day: 10–12, 13:30–16:45).
	signWarn := kinds[ticket.TimerSignWarning]
	if want := time.Date(2026, 11, 23, 16, 45, 0, 0, shanghai); !signWarn.Equal(want) {
		t.Errorf("sign warning at %v, want %v", signWarn.In(shanghai), want)
	}
	clock.Set(signWarn)
	start := time.Now()
	evs := waitEvent(t, d.st, tk, ticket.ActWarn, 1, 2*time.Second)
	if took := time.Since(start); took > time.Second {
		t.Errorf("sign warning fired %v after its time, want within 1s", took)
	}
	if evs[0].Data["deadline"] != "sign" || evs[0].Actor != ticket.SystemActor {
		t.Errorf("sign warning event %+v", evs[0])
	}

	// Accepting clears the sign-for timers: moving past the sign deadline does nothing.
	if _, _, err := d.svc.Act(ctx, d.handler, tk.Number, ticket.Command{Action: ticket.ActAccept}); err != nil {
		t.Fatal(err)
	}
	clock.Set(wantSign.Add(time.Minute))
	time.Sleep(200 * time.Millisecond)
	if evs := append(waitEvent(t, d.st, tk, ticket.ActSignOverdue, 0, 0), waitEvent(t, d.st, tk, ticket.ActMarkOverdue, 0, 0)...); len(evs) != 0 {
		t.Fatalf("sign-for overdue fired after acceptance: %+v", evs)
	}

	for _, step := range []struct {
		kind   string
		action ticket.Action
		tpl    string
		n      int
	}{
		{ticket.TimerWarning, ticket.ActWarn, "warning", 2},
		{ticket.TimerOverdue, ticket.ActMarkOverdue, "overdue", 1},
		{ticket.TimerSupervise, ticket.ActSupervise, "supervise", 1},
	} {
		clock.Set(kinds[step.kind])
		start := time.Now()
		evs := waitEvent(t, d.st, tk, step.action, step.n, 2*time.Second)
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s fired %v after its time, want within 1s", step.kind, took)
		}
		if !evs[len(evs)-1].At.Equal(kinds[step.kind]) {
			t.Errorf("%s event at %v, want %v", step.kind, evs[len(evs)-1].At, kinds[step.kind])
		}
		msgs := outboxFor(t, d.st, tk, step.tpl)
		if len(msgs) != step.n {
			t.Fatalf("%s: %d %s messages in the outbox, want %d", step.kind, len(msgs), step.tpl, step.n)
		}
		if m := msgs[0]; m.Recipient != "13900000001" || m.Channel != "sms" || m.Status != store.OutboxQueued {
			t.Fatalf("%s: outbox %+v, want a queued SMS to the department", step.kind, m)
		}
		t.Logf("%s: %s", step.kind, msgs[0].Body)
	}
	got, err := d.st.TicketByID(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Overdue || !got.Supervised {
		t.Errorf("ticket overdue=%v supervised=%v, want both", got.Overdue, got.Supervised)
	}
	if n, _ := d.st.CountUnfiredTimers(ctx); n != 0 {
		t.Errorf("%d timers left unfired", n)
	}
}

func testRestart(t *testing.T, b storetest.Backend) {
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	d := newDesk(t, b.Open(t), clock)
	tk := d.dispatched(t, "路灯不亮")
	// Nobody runs the scheduler while the deadlines pass (the node is down).
	clock.Set(time.Date(2027, 1, 10, 10, 0, 0, 0, shanghai))
	stop := run(t, d.scheduler("n1"))
	// The workers fire in parallel, so the events need not arrive in their due order: wait
	// for each (a worker finding the ticket locked by another retries for up to 5 s).
	for _, want := range []struct {
		a ticket.Action
		n int
	}{{ticket.ActWarn, 2}, {ticket.ActSignOverdue, 1}, {ticket.ActMarkOverdue, 1}, {ticket.ActSupervise, 1}} {
		waitEvent(t, d.st, tk, want.a, want.n, 6*time.Second)
	}
	stop()
	counts := func() map[ticket.Action]int {
		evs, err := d.st.TicketEvents(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := map[ticket.Action]int{}
		for _, e := range evs {
			m[e.Action]++
		}
		return m
	}
	first := counts()
	if first[ticket.ActWarn] != 2 || first[ticket.ActSignOverdue] != 1 || first[ticket.ActMarkOverdue] != 1 || first[ticket.ActSupervise] != 1 {
		t.Fatalf("after the restart: %v, want 2 warnings, sign-for overdue, overdue, 1 supervision", first)
	}
	// A second start finds nothing to fire.
	stop = run(t, d.scheduler("n2"))
	time.Sleep(300 * time.Millisecond)
	stop()
	if again := counts(); again[ticket.ActWarn] != 2 || again[ticket.ActSignOverdue] != 1 || again[ticket.ActMarkOverdue] != 1 || again[ticket.ActSupervise] != 1 {
		t.Fatalf("a second start fired again: %v", again)
	}
}

func testTwoNodes(t *testing.T, b storetest.Backend) {
	dsn := b.DSN(t)
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai))
	d := newDesk(t, storetest.Open(t, dsn), clock)
	const n = 40
	var tks []*ticket.Ticket
	for i := 0; i < n; i++ {
		tks = append(tks, d.dispatched(t, "噪音扰民"))
	}
	other := storetest.Open(t, dsn)
	other.SetClock(clock.Now)
	clock.Set(time.Date(2027, 1, 10, 10, 0, 0, 0, shanghai))
	nodes := []*sla.Scheduler{
		{Store: d.st, SLA: d.sla, Clock: clock, Node: "a"},
		{Store: other, SLA: d.sla, Clock: clock, Node: "b"},
	}
	var wg sync.WaitGroup
	fired := make([]int, 2)
	for i, sc := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			fired[i], err = sc.FireDue(ctx)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if fired[0]+fired[1] != 5*n {
		t.Errorf("fired %d + %d, want %d", fired[0], fired[1], 5*n)
	}
	t.Logf("node a fired %d, node b %d", fired[0], fired[1])
	for _, tk := range tks {
		evs, _ := d.st.TicketEvents(ctx, tk.ID)
		m := map[ticket.Action]int{}
		for _, e := range evs {
			m[e.Action]++
		}
		if m[ticket.ActWarn] != 2 || m[ticket.ActSignOverdue] != 1 || m[ticket.ActMarkOverdue] != 1 || m[ticket.ActSupervise] != 1 {
			t.Fatalf("ticket %s: %v", tk.Number, m)
		}
		if len(outboxFor(t, d.st, tk, "supervise")) != 1 {
			t.Fatalf("ticket %s: want one supervision notice", tk.Number)
		}
	}
}
