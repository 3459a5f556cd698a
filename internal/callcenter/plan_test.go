package callcenter

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
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

func TestLoadPlan(t *testing.T) {
	f, err := os.Open("testdata/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := LoadPlan(f)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := p.Route("12345")
	if !ok || r.Default.Kind != ActIVR || r.Periods[Night].Target != "1099" {
		t.Fatalf("route %+v", r)
	}
	if q := p.Queues(); len(q) != 2 || q[1].Overflow.Target != "q12345" || q[0].MaxWait != 3*time.Minute {
		t.Fatalf("queues %+v", q)
	}
	if m, _ := p.Menu("main"); m.Nodes["main"].Timeout != 5*time.Second || m.Nodes["agents"].Target != "q12345" {
		t.Fatalf("menu %+v", m)
	}
	sh := DefaultSchedule().Location
	if got := p.Period(time.Date(2026, 10, 11, 10, 0, 0, 0, sh)); got != WorkHours {
		t.Fatalf("调休 Sunday: %s", got)
	}

	bad := map[string]string{
		"unknown key":      "routes: []\nqueus: []\n",
		"unknown strategy": "queues: [{name: q, group: g, strategy: random}]\n",
		"missing queue":    "routes: [{number: \"1\", default: {kind: queue, target: nope}}]\n",
		"bad clock":        "schedule: {work_start: \"25:99\"}\n",
		"repeated number":  "queues: [{name: q, group: g, strategy: ring-all}]\nroutes: [{number: \"1\", default: {kind: queue, target: q}}, {number: \"1\", default: {kind: hangup}}]\n",
	}
	for name, y := range bad {
		if _, err := LoadPlan(strings.NewReader(y)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

type downAgents struct{}

func (downAgents) Agents(context.Context) ([]AgentInfo, error) {
	return nil, errors.New("database down")
}
func (downAgents) AgentStateChanged(context.Context, string, acd.AgentState, time.Time) error {
	return errors.New("database down")
}

// A node that starts while the database is down still knows the agents it saw last.
func TestAgentDirectoryCachedOnDisk(t *testing.T) {
	dir := t.TempDir()
	ports := func(a AgentDirectory) Ports { return Ports{CDR: newMemCDR(), Agents: a, Plan: DefaultPlan()} }
	up := &memAgents{agents: []AgentInfo{{Ext: "1001", Password: "pw", Skills: map[string]int{"12345": 1}}}}
	s1, err := New(Config{DataDir: dir}, ports(up), quiet)
	if err != nil {
		t.Fatal(err)
	}
	s1.loadAgents(context.Background())
	s2, err := New(Config{DataDir: dir}, ports(downAgents{}), quiet)
	if err != nil {
		t.Fatal(err)
	}
	s2.loadAgents(context.Background())
	if pw, ok := s2.password("1001"); !ok || pw != "pw" {
		t.Fatalf("password from cache: %q %v", pw, ok)
	}
	if _, ok := s2.center.Agent("1001"); !ok {
		t.Fatal("agent not restored")
	}
	s3, _ := New(Config{DataDir: t.TempDir()}, ports(downAgents{}), quiet)
	s3.loadAgents(context.Background())
	if _, ok := s3.password("1001"); ok {
		t.Fatal("agent invented without a cache")
	}
}

// An idle call centre wakes its ACD loop on its ticker (5 times a second) and on events,
// never by itself: a step that woke its own loop spun at two thirds of a core.
func TestIdleACDLoopDoesNotSpin(t *testing.T) {
	up := &memAgents{agents: []AgentInfo{{Ext: "1001", Password: "pw", Skills: map[string]int{"12345": 1}}}}
	s, err := New(Config{DataDir: t.TempDir(), SIPAddr: "127.0.0.1:0", AdvertisedIP: "127.0.0.1"},
		Ports{CDR: newMemCDR(), Agents: up, Plan: DefaultPlan()}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetAgentState("1001", acd.NotReady); err != nil { // one event: one wake-up
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	before := s.steps.Load()
	time.Sleep(time.Second)
	if n := s.steps.Load() - before; n > 20 {
		t.Fatalf("%d ACD steps in a second on an idle server, want about 5", n)
	}
}
