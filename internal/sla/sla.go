// Package sla puts the working-time clock (workcal) to work on tickets: it sets deadlines
// when a ticket is dispatched, keeps each ticket's timers (预警, 超期, 督办) in step with its
// lifecycle inside the event's own transaction, fires them when due (Scheduler), and writes
// the notifications every event causes to the outbox in the same transaction.
package sla

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/notify"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workcal"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Settings keys of the clock's configuration.
const (
	RulesKey   = "sla.rules"        // []RuleDoc appended to the default rules
	PeriodsKey = "calendar.periods" // []string such as "09:00-12:00"
	AllDayKey  = "calendar.all_day" // bool: the 24-hour mode of an emergency line
)

// RuleDoc is a time-limit rule as an administrator writes it, limits as "15wd", "4wh", "24h".
type RuleDoc struct {
	Type      string  `json:"type,omitempty"`
	Category  string  `json:"category,omitempty"`
	Urgency   string  `json:"urgency,omitempty"`
	SignFor   string  `json:"sign_for,omitempty"`
	Handling  string  `json:"handling,omitempty"`
	Reply     string  `json:"reply,omitempty"`
	Supervise string  `json:"supervise,omitempty"`
	Pause     string  `json:"pause,omitempty"`
	WarnAt    float64 `json:"warn_at,omitempty"`
}

// Rule converts the document into a workcal rule.
func (d RuleDoc) Rule() (workcal.Rule, error) {
	r := workcal.Rule{Type: d.Type, Category: d.Category, Urgency: d.Urgency, Pause: workcal.Pause(d.Pause), WarnAt: d.WarnAt}
	for _, f := range []struct {
		s   string
		dst *workcal.Limit
	}{{d.SignFor, &r.SignFor}, {d.Handling, &r.Handling}, {d.Reply, &r.Reply}, {d.Supervise, &r.Supervise}} {
		if f.s == "" {
			continue
		}
		l, err := workcal.ParseLimit(f.s)
		if err != nil {
			return r, err
		}
		*f.dst = l
	}
	return r, nil
}

// SLA is the configured clock: calendar, policy, category paths and message templates.
// Safe for concurrent use; Reload swaps the configuration.
type SLA struct {
	mu     sync.RWMutex
	cal    *workcal.Calendar
	policy *workcal.Policy
	paths  map[string][]string // category id → names from the root

	Templates *notify.Set
	// LookupURL is the citizen's look-up page, for the receipt message.
	LookupURL string
	// OnArm is told the due time of every timer written, after the hook: the scheduler's
	// Notify, so it wakes early for a nearer timer.
	OnArm func(due time.Time)
	// OnEnqueue is told a message was queued: the outbox worker's Notify.
	OnEnqueue func()
}

// New builds an SLA from a calendar and policy (nil: the official calendar and defaults).
func New(cal *workcal.Calendar, policy *workcal.Policy) *SLA {
	if cal == nil {
		cal = workcal.Official()
	}
	if policy == nil {
		policy = workcal.DefaultPolicy()
	}
	ts, _ := notify.NewSet(nil)
	return &SLA{cal: cal, policy: policy, paths: map[string][]string{}, Templates: ts}
}

// Load builds the SLA from the database: the official calendar merged with the days an
// administrator entered, the working periods, the default rules followed by the entered
// ones, the category tree and the message templates.
func Load(ctx context.Context, st *store.Store) (*SLA, error) {
	s := New(nil, nil)
	if err := s.Reload(ctx, st); err != nil {
		return nil, err
	}
	return s, nil
}

// Reload re-reads the configuration (after an administrator changes it).
func (s *SLA) Reload(ctx context.Context, st *store.Store) error {
	cal, err := LoadCalendar(ctx, st)
	if err != nil {
		return err
	}
	var docs []RuleDoc
	if _, err := st.Setting(ctx, RulesKey, &docs); err != nil {
		return err
	}
	rules := workcal.DefaultRules()
	for i, d := range docs {
		r, err := d.Rule()
		if err != nil {
			return fmt.Errorf("sla: rule %d: %w", i+1, err)
		}
		rules = append(rules, r)
	}
	policy, err := workcal.NewPolicy(rules)
	if err != nil {
		return err
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return err
	}
	tree := org.NewTree(cats)
	paths := make(map[string][]string, len(cats))
	for _, c := range cats {
		var names []string
		for _, p := range tree.Path(c.ID) {
			names = append(names, p.Name)
		}
		paths[c.ID] = names
	}
	over, err := notify.Overrides(ctx, st)
	if err != nil {
		return err
	}
	if err := s.Templates.Replace(over); err != nil {
		return err
	}
	s.mu.Lock()
	s.cal, s.policy, s.paths = cal, policy, paths
	s.mu.Unlock()
	return nil
}

// LoadCalendar is the official calendar merged with the entered days and periods.
func LoadCalendar(ctx context.Context, st *store.Store) (*workcal.Calendar, error) {
	var opts []workcal.Option
	var periods []string
	if ok, err := st.Setting(ctx, PeriodsKey, &periods); err != nil {
		return nil, err
	} else if ok && len(periods) > 0 {
		var ps []workcal.Period
		for _, p := range periods {
			pp, err := workcal.ParsePeriod(p)
			if err != nil {
				return nil, fmt.Errorf("sla: working period %q: %w", p, err)
			}
			ps = append(ps, pp)
		}
		opts = append(opts, workcal.WithPeriods(ps...))
	}
	var allDay bool
	if _, err := st.Setting(ctx, AllDayKey, &allDay); err != nil {
		return nil, err
	}
	if allDay {
		opts = append(opts, workcal.AllTime())
	}
	opts = append(opts, workcal.WithOfficialDays())
	cal, err := workcal.New(opts...)
	if err != nil {
		return nil, err
	}
	entered, err := st.CalendarDays(ctx)
	if err != nil {
		return nil, err
	}
	days, err := DaysFromStore(entered)
	if err != nil {
		return nil, err
	}
	return cal.Merge(days...)
}

// DaysFromStore converts entered rows into calendar days.
func DaysFromStore(rows []store.CalendarDay) ([]workcal.Day, error) {
	days := make([]workcal.Day, 0, len(rows))
	for _, r := range rows {
		d, err := workcal.ParseDate(r.Date)
		if err != nil {
			return nil, err
		}
		days = append(days, workcal.Day{Date: d, Kind: workcal.DayKind(r.Kind), Name: r.Name})
	}
	return days, nil
}

// Calendar is the calendar in force.
func (s *SLA) Calendar() *workcal.Calendar {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cal
}

// Limits resolves a ticket's time limits; a ticket the policy cannot place (unknown type)
// falls back to the request type alone, then to the default help limits.
func (s *SLA) Limits(t *ticket.Ticket) workcal.Limits {
	s.mu.RLock()
	policy, path := s.policy, s.paths[t.CategoryID]
	s.mu.RUnlock()
	q := workcal.Request{Type: string(t.RequestType), Urgency: string(t.Urgency), Category: path}
	if l, err := policy.Resolve(q); err == nil {
		return l
	}
	l, _ := policy.Resolve(workcal.Request{Type: workcal.Help, Urgency: workcal.Normal})
	return l
}

// Deadlines is the workorder.DeadlinePolicy: sign-for and handling deadlines in working
// time from the dispatch (or reopen) instant.
func (s *SLA) Deadlines(t *ticket.Ticket, at time.Time) (sign, handle time.Time) {
	cal := s.Calendar()
	l := s.Limits(t)
	return l.SignFor.Due(cal, at).UTC(), l.Handling.Due(cal, at).UTC()
}

var _ workorder.DeadlinePolicy = (*SLA)(nil).Deadlines

// warnBefore is the warning instant of a limit falling due at due: (1-share) of the limit,
// on the limit's own clock, before the due time.
func warnBefore(cal *workcal.Calendar, l workcal.Limit, due time.Time, share float64) time.Time {
	if share <= 0 || share >= 1 {
		share = 0.75
	}
	left := 1 - share
	switch l.Unit {
	case workcal.WorkingDays:
		return cal.AddWorkingHours(due, -time.Duration(left*float64(time.Duration(l.Days)*cal.DailyWorkingTime()))).UTC()
	case workcal.WorkingHours:
		return cal.AddWorkingHours(due, -time.Duration(left*float64(l.Time))).UTC()
	default:
		return due.Add(-time.Duration(left * float64(l.Time))).UTC()
	}
}

// Watch reloads the configuration every interval until ctx ends, so an administrator's
// change made on any node (calendar days, rules, templates, categories) reaches this one.
func (s *SLA) Watch(ctx context.Context, st *store.Store, every time.Duration, log func(err error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Reload(ctx, st); err != nil && log != nil && ctx.Err() == nil {
				log(err)
			}
		}
	}
}
