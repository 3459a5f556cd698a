package callcenter

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/ivr"
)

// HotlineNumbers are the government service lines merged into 12345 (热线整合), each
// answered by its own skill group.
var HotlineNumbers = []struct{ Number, Name string }{
	{"12345", "政务服务便民热线"},
	{"12315", "市场监管投诉举报"},
	{"12333", "人力资源和社会保障"},
	{"12329", "住房公积金"},
	{"12320", "卫生健康"},
	{"12350", "安全生产举报"},
	{"12366", "纳税服务"},
	{"12349", "民政公益服务"},
}

// Clock is a time of day, "08:30".
type Clock string

func (c Clock) minutes() (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(string(c), "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 {
		return 0, fmt.Errorf("callcenter: bad time of day %q", c)
	}
	return h*60 + m, nil
}

// WeekSchedule is the plain weekly calendar: work hours with a lunch break on weekdays,
// night otherwise, weekends as holidays. The core wraps it with the statutory holiday
// calendar (法定节假日、调休).
type WeekSchedule struct {
	Location   *time.Location
	WorkStart  Clock // 08:30
	LunchStart Clock // 12:00
	LunchEnd   Clock // 13:30
	WorkEnd    Clock // 17:30
	// Exceptions override whole days, by date "2026-10-01".
	Exceptions map[string]Period
}

// DefaultSchedule is 08:30-12:00 and 13:30-17:30, Monday to Friday, in Asia/Shanghai.
func DefaultSchedule() WeekSchedule {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return WeekSchedule{Location: loc, WorkStart: "08:30", LunchStart: "12:00", LunchEnd: "13:30", WorkEnd: "17:30"}
}

// Period tells which period t is in.
func (w WeekSchedule) Period(t time.Time) Period {
	loc := w.Location
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	day := t.Format("2006-01-02")
	if p, ok := w.Exceptions[day]; ok && p != WorkHours {
		return p
	} else if !ok && (t.Weekday() == time.Saturday || t.Weekday() == time.Sunday) {
		return Holiday
	}
	now := t.Hour()*60 + t.Minute()
	ws, err1 := w.WorkStart.minutes()
	ls, err2 := w.LunchStart.minutes()
	le, err3 := w.LunchEnd.minutes()
	we, err4 := w.WorkEnd.minutes()
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return WorkHours // a broken schedule must not close the hotline
	}
	switch {
	case now < ws || now >= we:
		return Night
	case now >= ls && now < le:
		return Lunch
	}
	return WorkHours
}

// StaticPlan is a NumberPlan held in memory (from YAML or built in code).
type StaticPlan struct {
	Routes   map[string]Route
	QueueSet []acd.QueueConfig
	Menus    map[string]ivr.Menu
	Schedule interface{ Period(time.Time) Period }
}

func (p *StaticPlan) Route(n string) (Route, bool) { r, ok := p.Routes[n]; return r, ok }
func (p *StaticPlan) Queues() []acd.QueueConfig    { return p.QueueSet }
func (p *StaticPlan) Menu(n string) (ivr.Menu, bool) {
	m, ok := p.Menus[n]
	return m, ok
}
func (p *StaticPlan) Period(t time.Time) Period {
	if p.Schedule == nil {
		return WorkHours
	}
	return p.Schedule.Period(t)
}

// Validate checks that routes point at queues and menus that exist.
func (p *StaticPlan) Validate() error {
	queues := map[string]bool{}
	for _, q := range p.QueueSet {
		queues[q.Name] = true
	}
	for name, m := range p.Menus {
		if err := m.Validate(); err != nil {
			return fmt.Errorf("menu %s: %w", name, err)
		}
		for id, n := range m.Nodes {
			if n.Kind == ivr.Queue && !queues[n.Target] {
				return fmt.Errorf("menu %s node %s: no queue %q", name, id, n.Target)
			}
		}
	}
	for num, r := range p.Routes {
		acts := []Action{r.Default}
		for _, a := range r.Periods {
			acts = append(acts, a)
		}
		for _, a := range acts {
			switch a.Kind {
			case ActQueue:
				if !queues[a.Target] {
					return fmt.Errorf("route %s: no queue %q", num, a.Target)
				}
			case ActIVR:
				if _, ok := p.Menus[a.Target]; !ok {
					return fmt.Errorf("route %s: no menu %q", num, a.Target)
				}
			case ActForward:
				if a.Target == "" {
					return fmt.Errorf("route %s: forward without target", num)
				}
			case ActVoicemail, ActHangup:
			default:
				return fmt.Errorf("route %s: unknown action %q", num, a.Kind)
			}
		}
	}
	return nil
}

// DefaultPlan routes each hotline number to its own queue and skill group: 12345 through
// the main menu in work hours, every line to voicemail at lunch, night and holidays.
func DefaultPlan() *StaticPlan {
	p := &StaticPlan{Routes: map[string]Route{}, Menus: map[string]ivr.Menu{}, Schedule: DefaultSchedule()}
	closed := Action{Kind: ActVoicemail, Prompts: []string{"out-of-hours"}}
	for _, h := range HotlineNumbers {
		q := "q" + h.Number
		p.QueueSet = append(p.QueueSet, acd.QueueConfig{Name: q, Group: h.Number, Strategy: acd.LongestIdle,
			MaxWait: 3 * time.Minute, Overflow: acd.Overflow{Kind: acd.OverflowVoicemail}})
		greeting := "greeting"
		if h.Number != "12345" {
			greeting += "-" + h.Number
		}
		r := Route{Number: h.Number, Name: h.Name, Greeting: []string{greeting},
			Default: Action{Kind: ActQueue, Target: q},
			Periods: map[Period]Action{Lunch: closed, Night: closed, Holiday: closed}}
		if h.Number == "12345" {
			r.Default = Action{Kind: ActIVR, Target: "main"}
		}
		p.Routes[h.Number] = r
	}
	p.Menus["main"] = ivr.Menu{Start: "main", Nodes: map[string]ivr.Node{
		"main": {Kind: ivr.Collect, Prompts: []string{"menu-main"}, MaxDigits: 1, Timeout: 5 * time.Second, Retries: 2,
			Invalid: []string{"invalid"}, Var: "choice", Default: "agents",
			Branches: map[string]string{"1": "agents", "2": "ticket", "3": "message"}},
		"agents":  {Kind: ivr.Queue, Target: "q12345"},
		"ticket":  {Kind: ivr.Collect, Prompts: []string{"ticket-enter"}, MaxDigits: 20, Timeout: 8 * time.Second, Terminator: "#", Var: "ticket", Next: "status", Default: "main"},
		"status":  {Kind: ivr.Status, Var: "ticket", Next: "main"},
		"message": {Kind: ivr.Voicemail},
	}}
	return p
}

// BlacklistEntry is one refused number or prefix (e.g. "170" for a whole range).
type BlacklistEntry struct {
	Number string
	Prefix bool
	Until  time.Time // zero = for ever
	Reason string
}

// ListBlacklist is an in-memory Blacklist, for tests and for a node running without the
// database (the core can keep one refreshed as its cache).
type ListBlacklist struct {
	mu      sync.RWMutex
	Entries []BlacklistEntry
}

func (l *ListBlacklist) Blocked(_ context.Context, number string, now time.Time) (bool, string, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, e := range l.Entries {
		if !e.Until.IsZero() && !now.Before(e.Until) {
			continue
		}
		if number == e.Number || (e.Prefix && strings.HasPrefix(number, e.Number)) {
			return true, e.Reason, nil
		}
	}
	return false, "", nil
}

// Set replaces the entries.
func (l *ListBlacklist) Set(entries []BlacklistEntry) {
	l.mu.Lock()
	l.Entries = entries
	l.mu.Unlock()
}

// planFile is the YAML form of a StaticPlan (see testdata/plan.yaml).
type planFile struct {
	Schedule struct {
		Timezone   string            `yaml:"timezone"`
		WorkStart  Clock             `yaml:"work_start"`
		LunchStart Clock             `yaml:"lunch_start"`
		LunchEnd   Clock             `yaml:"lunch_end"`
		WorkEnd    Clock             `yaml:"work_end"`
		Exceptions map[string]Period `yaml:"exceptions"`
	} `yaml:"schedule"`
	Queues []struct {
		Name     string        `yaml:"name"`
		Group    string        `yaml:"group"`
		Strategy string        `yaml:"strategy"`
		MaxWait  time.Duration `yaml:"max_wait"`
		Overflow struct {
			Kind   string `yaml:"kind"`
			Target string `yaml:"target"`
		} `yaml:"overflow"`
	} `yaml:"queues"`
	Routes []Route             `yaml:"routes"`
	Menus  map[string]ivr.Menu `yaml:"menus"`
}

// LoadPlan reads a number plan from YAML and validates it. Unknown keys are errors, so
// a misspelt setting is caught at start rather than ignored.
func LoadPlan(r io.Reader) (*StaticPlan, error) {
	var f planFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("callcenter: plan: %w", err)
	}
	sched := DefaultSchedule()
	if tz := f.Schedule.Timezone; tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("callcenter: plan: %w", err)
		}
		sched.Location = loc
	}
	for _, c := range []struct {
		dst *Clock
		v   Clock
	}{{&sched.WorkStart, f.Schedule.WorkStart}, {&sched.LunchStart, f.Schedule.LunchStart}, {&sched.LunchEnd, f.Schedule.LunchEnd}, {&sched.WorkEnd, f.Schedule.WorkEnd}} {
		if c.v == "" {
			continue
		}
		if _, err := c.v.minutes(); err != nil {
			return nil, err
		}
		*c.dst = c.v
	}
	sched.Exceptions = f.Schedule.Exceptions
	p := &StaticPlan{Routes: map[string]Route{}, Menus: f.Menus, Schedule: sched}
	if p.Menus == nil {
		p.Menus = map[string]ivr.Menu{}
	}
	for _, q := range f.Queues {
		st, err := acd.ParseStrategy(q.Strategy)
		if err != nil {
			return nil, fmt.Errorf("callcenter: plan: queue %s: %w", q.Name, err)
		}
		p.QueueSet = append(p.QueueSet, acd.QueueConfig{Name: q.Name, Group: q.Group, Strategy: st, MaxWait: q.MaxWait,
			Overflow: acd.Overflow{Kind: acd.OverflowKind(q.Overflow.Kind), Target: q.Overflow.Target}})
	}
	for _, r := range f.Routes {
		if _, dup := p.Routes[r.Number]; dup || r.Number == "" {
			return nil, fmt.Errorf("callcenter: plan: route number %q missing or repeated", r.Number)
		}
		p.Routes[r.Number] = r
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("callcenter: plan: %w", err)
	}
	return p, nil
}
