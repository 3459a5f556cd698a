package acd

import (
	"errors"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func newTestCenter(t *testing.T, cfg Config, s Strategy, exts ...string) *Center {
	t.Helper()
	c := NewCenter(cfg)
	if err := c.AddQueue(QueueConfig{Name: "q12345", Group: "12345", Strategy: s}); err != nil {
		t.Fatal(err)
	}
	for i, e := range exts {
		c.PutAgent(Agent{Ext: e, Order: i + 1, Skills: map[string]int{"12345": 1}})
		if err := c.SetState(e, Ready, t0); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func state(t *testing.T, c *Center, ext string) AgentState {
	t.Helper()
	a, ok := c.Agent(ext)
	if !ok {
		t.Fatalf("no agent %s", ext)
	}
	return a.State
}

func TestAnsweredCallLifecycle(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 15 * time.Second, WrapUp: 30 * time.Second}, AgentOrder, "1001")
	if pos, err := c.Enqueue("c1", "13800000000", "q12345", 0, t0); err != nil || pos != 1 {
		t.Fatalf("enqueue: %d %v", pos, err)
	}
	offers := c.Dispatch(t0)
	if len(offers) != 1 || !slices.Equal(offers[0].Agents, []string{"1001"}) {
		t.Fatalf("offers %+v", offers)
	}
	if s := state(t, c, "1001"); s != Ringing {
		t.Fatalf("state %s, want ringing", s)
	}
	if cancel, err := c.Answer("c1", "1001", t0.Add(2*time.Second)); err != nil || len(cancel) != 0 {
		t.Fatalf("answer: %v %v", cancel, err)
	}
	if s := state(t, c, "1001"); s != Busy {
		t.Fatalf("state %s, want busy", s)
	}
	c.Hangup("c1", t0.Add(62*time.Second))
	a, _ := c.Agent("1001")
	if a.State != WrapUp || a.CallsTaken != 1 || a.TalkTime != time.Minute {
		t.Fatalf("after hangup %+v", a)
	}
	c.Tick(t0.Add(80 * time.Second))
	if s := state(t, c, "1001"); s != WrapUp {
		t.Fatalf("wrap-up ended early: %s", s)
	}
	c.Tick(t0.Add(92 * time.Second))
	a, _ = c.Agent("1001")
	if a.State != Ready || !a.IdleSince.Equal(t0.Add(92*time.Second)) {
		t.Fatalf("after wrap-up %+v", a)
	}
}

func TestNeverOfferSecondCallToRingingOrBusyAgent(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 15 * time.Second}, FewestCalls, "1001")
	c.Enqueue("c1", "a", "q12345", 0, t0)
	c.Enqueue("c2", "b", "q12345", 0, t0.Add(time.Second))
	if offers := c.Dispatch(t0); len(offers) != 1 || offers[0].CallID != "c1" {
		t.Fatalf("offers %+v", offers)
	}
	if offers := c.Dispatch(t0.Add(time.Second)); len(offers) != 0 {
		t.Fatalf("ringing agent offered again: %+v", offers)
	}
	c.Answer("c1", "1001", t0.Add(2*time.Second))
	if offers := c.Dispatch(t0.Add(3 * time.Second)); len(offers) != 0 {
		t.Fatalf("busy agent offered: %+v", offers)
	}
	if pos, _ := c.Position("c2"); pos != 1 {
		t.Fatalf("c2 position %d", pos)
	}
}

func TestRingAllFirstAnswerWins(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 15 * time.Second}, RingAll, "1001", "1002", "1003")
	c.Enqueue("c1", "a", "q12345", 0, t0)
	offers := c.Dispatch(t0)
	if len(offers) != 1 || len(offers[0].Agents) != 3 {
		t.Fatalf("offers %+v", offers)
	}
	cancel, err := c.Answer("c1", "1002", t0.Add(time.Second))
	if err != nil || !slices.Equal(cancel, []string{"1001", "1003"}) {
		t.Fatalf("first answer: cancel %v err %v", cancel, err)
	}
	// 1003's 200 OK crossed our CANCEL: it must be refused, not bridged.
	if _, err := c.Answer("c1", "1003", t0.Add(time.Second)); !errors.Is(err, ErrAlreadyAnswered) {
		t.Fatalf("second answer: %v, want ErrAlreadyAnswered", err)
	}
	for ext, want := range map[string]AgentState{"1001": Ready, "1002": Busy, "1003": Ready} {
		if s := state(t, c, ext); s != want {
			t.Errorf("%s: %s, want %s", ext, s, want)
		}
	}
}

func TestRingTimeoutMovesToNextAgentAndMissedOffersSetNotReady(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 10 * time.Second, MaxMissed: 2}, AgentOrder, "1001", "1002")
	c.Enqueue("c1", "a", "q12345", 0, t0)
	if o := c.Dispatch(t0); o[0].Agents[0] != "1001" {
		t.Fatalf("first offer %+v", o)
	}
	r := c.Tick(t0.Add(10 * time.Second))
	if !slices.Equal(r.Expired, []RingExpired{{CallID: "c1", Ext: "1001"}}) {
		t.Fatalf("expired %+v", r.Expired)
	}
	if o := c.Dispatch(t0.Add(10 * time.Second)); len(o) != 1 || o[0].Agents[0] != "1002" {
		t.Fatalf("second offer should go to 1002: %+v", o)
	}
	c.Tick(t0.Add(20 * time.Second))
	// Both tried: the round restarts with 1001, whose second miss makes it 示忙.
	if o := c.Dispatch(t0.Add(20 * time.Second)); len(o) != 1 || o[0].Agents[0] != "1001" {
		t.Fatalf("third offer %+v", o)
	}
	c.Tick(t0.Add(30 * time.Second))
	if s := state(t, c, "1001"); s != NotReady {
		t.Fatalf("1001 after 2 missed offers: %s", s)
	}
	if s := state(t, c, "1002"); s != Ready {
		t.Fatalf("1002 after 1 missed offer: %s", s)
	}
	// A fresh 示闲 clears the missed count.
	c.SetState("1001", Ready, t0.Add(31*time.Second))
	if a, _ := c.Agent("1001"); a.MissedOffers != 0 {
		t.Fatalf("missed not reset: %d", a.MissedOffers)
	}
}

func TestCallerAbandonsWhileRinging(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 10 * time.Second, MaxMissed: 1}, RingAll, "1001", "1002")
	c.Enqueue("c1", "a", "q12345", 0, t0)
	c.Dispatch(t0)
	cancel := c.Leave("c1", t0.Add(3*time.Second))
	if !slices.Equal(cancel, []string{"1001", "1002"}) {
		t.Fatalf("cancel %v", cancel)
	}
	for _, e := range []string{"1001", "1002"} {
		a, _ := c.Agent(e)
		if a.State != Ready || a.MissedOffers != 0 {
			t.Errorf("%s after abandon: %+v", e, a)
		}
	}
	if _, err := c.Answer("c1", "1001", t0.Add(4*time.Second)); !errors.Is(err, ErrUnknownCall) {
		t.Fatalf("answer after abandon: %v", err)
	}
}

func TestPriorityCallersFirst(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 10 * time.Second}, AgentOrder)
	c.Enqueue("normal", "a", "q12345", 0, t0)
	c.Enqueue("vip", "b", "q12345", 5, t0.Add(time.Minute))
	if p, _ := c.Position("vip"); p != 1 {
		t.Fatalf("vip position %d", p)
	}
	if p, _ := c.Position("normal"); p != 2 {
		t.Fatalf("normal position %d", p)
	}
	c.PutAgent(Agent{Ext: "1001", Order: 1, Skills: map[string]int{"12345": 1}})
	c.SetState("1001", Ready, t0.Add(2*time.Minute))
	if o := c.Dispatch(t0.Add(2 * time.Minute)); len(o) != 1 || o[0].CallID != "vip" {
		t.Fatalf("offers %+v", o)
	}
}

func TestOverflow(t *testing.T) {
	tests := []struct {
		name      string
		overflow  Overflow
		wantKind  OverflowKind
		wantQueue string // queue the caller is in afterwards, "" if gone
	}{
		{"voicemail", Overflow{Kind: OverflowVoicemail}, OverflowVoicemail, ""},
		{"other queue", Overflow{Kind: OverflowQueue, Target: "backup"}, OverflowQueue, "backup"},
		{"missing queue hangs up", Overflow{Kind: OverflowQueue, Target: "nowhere"}, OverflowHangup, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCenter(Config{RingTimeout: 10 * time.Second})
			c.AddQueue(QueueConfig{Name: "main", Group: "12345", Strategy: FewestCalls, MaxWait: time.Minute, Overflow: tt.overflow})
			c.AddQueue(QueueConfig{Name: "backup", Group: "backup", Strategy: FewestCalls})
			c.Enqueue("c1", "a", "main", 0, t0)
			if r := c.Tick(t0.Add(59 * time.Second)); len(r.Overflows) != 0 {
				t.Fatalf("overflow before max wait: %+v", r)
			}
			r := c.Tick(t0.Add(time.Minute))
			if len(r.Overflows) != 1 || r.Overflows[0].Overflow.Kind != tt.wantKind {
				t.Fatalf("overflows %+v", r.Overflows)
			}
			q, ok := c.Queued("c1")
			if q != tt.wantQueue || ok != (tt.wantQueue != "") {
				t.Fatalf("queued in %q %v, want %q", q, ok, tt.wantQueue)
			}
		})
	}
}

func TestExpectedWaitUsesHandlingTime(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 10 * time.Second}, AgentOrder, "1001", "1002")
	c.Enqueue("x", "a", "q12345", 0, t0)
	c.Dispatch(t0)
	c.Answer("x", "1001", t0)
	c.Hangup("x", t0.Add(4*time.Minute)) // AHT becomes 4 min
	c.SetState("1001", NotReady, t0.Add(4*time.Minute))
	c.SetState("1002", NotReady, t0.Add(4*time.Minute))
	c.SetState("1001", Ready, t0.Add(4*time.Minute))
	// One staffed agent left ready: 1002 is 示忙 and does not count.
	c.Enqueue("c1", "a", "q12345", 0, t0.Add(5*time.Minute))
	c.Enqueue("c2", "b", "q12345", 0, t0.Add(6*time.Minute))
	pos, wait := c.Position("c2")
	if pos != 2 || wait != 8*time.Minute {
		t.Fatalf("position %d wait %s, want 2 and 8m", pos, wait)
	}
}

func TestSetStateRules(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 10 * time.Second}, AgentOrder, "1001")
	c.Enqueue("c1", "a", "q12345", 0, t0)
	c.Dispatch(t0)
	if err := c.SetState("1001", NotReady, t0); !errors.Is(err, ErrAgentOnCall) {
		t.Fatalf("ringing agent changed state: %v", err)
	}
	if err := c.SetState("1001", Busy, t0); err == nil {
		t.Fatal("agent set itself busy")
	}
	if err := c.SetState("9999", Ready, t0); !errors.Is(err, ErrUnknownAgent) {
		t.Fatalf("unknown agent: %v", err)
	}
	ch := c.Changes()
	if len(ch) != 2 || ch[0].State != Ready || ch[1].State != Ringing {
		t.Fatalf("changes %+v", ch)
	}
	if len(c.Changes()) != 0 {
		t.Fatal("changes not drained")
	}
}

func TestQueueStatus(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 10 * time.Second}, AgentOrder, "1001")
	c.Enqueue("c1", "a", "q12345", 0, t0)
	c.Enqueue("c2", "b", "q12345", 0, t0.Add(10*time.Second))
	c.Dispatch(t0.Add(10 * time.Second))
	st := c.Queues(t0.Add(30 * time.Second))
	want := QueueStatus{Name: "q12345", Group: "12345", Strategy: AgentOrder, Waiting: 2, Ringing: 1, LongestWait: 30 * time.Second, Ready: 0}
	if len(st) != 1 || st[0] != want {
		t.Fatalf("status %+v, want %+v", st, want)
	}
}

func TestDirectCallIsCountedLikeAQueueCall(t *testing.T) {
	c := newTestCenter(t, Config{RingTimeout: 10 * time.Second, WrapUp: time.Second}, AgentOrder, "1001", "1002")
	if err := c.Direct("t1", "1002", t0); err != nil {
		t.Fatal(err)
	}
	if err := c.Direct("t2", "1002", t0); !errors.Is(err, ErrAgentOnCall) {
		t.Fatalf("second direct call to a busy agent: %v", err)
	}
	if err := c.Direct("t3", "9999", t0); !errors.Is(err, ErrUnknownAgent) {
		t.Fatalf("unknown agent: %v", err)
	}
	// Busy through a transfer, 1002 is not offered queue calls.
	c.Enqueue("q1", "a", "q12345", 0, t0)
	c.Enqueue("q2", "b", "q12345", 0, t0)
	for _, o := range c.Dispatch(t0) {
		if o.Agents[0] == "1002" {
			t.Fatalf("busy agent offered %s", o.CallID)
		}
	}
	c.Hangup("t1", t0.Add(time.Minute))
	if a, _ := c.Agent("1002"); a.State != WrapUp || a.CallsTaken != 1 || a.TalkTime != time.Minute {
		t.Fatalf("after direct call %+v", a)
	}
}
