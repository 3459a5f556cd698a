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

// DocOf writes a rule as an administrator would (the defaults, shown beside the city's rules).
func DocOf(r workcal.Rule) RuleDoc {
	return RuleDoc{Type: r.Type, Category: r.Category, Urgency: r.Urgency, SignFor: r.SignFor.Spec(),
		Handling: r.Handling.Spec(), Reply: r.Reply.Spec(), Supervise: r.Supervise.Spec(), Pause: string(r.Pause), WarnAt: r.WarnAt}
}

// CheckRules converts the city's rule documents, naming every bad field of every rule
// (counted from 1). A rule that sets nothing is refused: it would only clutter the list.
func CheckRules(docs []RuleDoc) ([]workcal.Rule, []*workcal.RuleError) {
	var errs []*workcal.RuleError
	rules := make([]workcal.Rule, 0, len(docs))
	for i, d := range docs {
		r := workcal.Rule{Type: d.Type, Category: d.Category, Urgency: d.Urgency, Pause: workcal.Pause(d.Pause), WarnAt: d.WarnAt}
		var mine []*workcal.RuleError
		for _, f := range []struct {
			name, s string
			dst     *workcal.Limit
		}{{"sign_for", d.SignFor, &r.SignFor}, {"handling", d.Handling, &r.Handling}, {"reply", d.Reply, &r.Reply}, {"supervise", d.Supervise, &r.Supervise}} {
			if f.s == "" {
				continue
			}
			l, err := workcal.ParseLimit(f.s)
			if err != nil {
				mine = append(mine, &workcal.RuleError{Rule: i + 1, Field: f.name, Reason: err.Error()})
				continue
			}
			*f.dst = l
		}
		if _, err := workcal.NewPolicy([]workcal.Rule{r}); err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				re := e.(*workcal.RuleError)
				re.Rule = i + 1
				mine = append(mine, re)
			}
		}
		if len(mine) == 0 && d.SignFor == "" && d.Handling == "" && d.Reply == "" && d.Supervise == "" && d.Pause == "" && d.WarnAt == 0 {
			mine = append(mine, &workcal.RuleError{Rule: i + 1, Field: "handling", Reason: "the rule sets no limit, pause or warning share"})
		}
		errs = append(errs, mine...)
		rules = append(rules, r)
	}
	return rules, errs
}

// SLA is the configured clock: calendar, policy, category paths and message templates.
// Safe for concurrent use; Reload swaps the configuration.
type SLA struct {
	reload sync.Mutex // one Reload at a time, so a later one never swaps in an older read
	mu     sync.RWMutex
	cal    *workcal.Calendar
	policy *workcal.Policy
	paths  map[string][]string // category id → names from the root
	ids    map[string][]string // category id → ids from the root

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
	return &SLA{cal: cal, policy: policy, paths: map[string][]string{}, ids: map[string][]string{}, Templates: ts}
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
	s.reload.Lock()
	defer s.reload.Unlock()
	cal, err := LoadCalendar(ctx, st)
	if err != nil {
		return err
	}
	var docs []RuleDoc
	if _, err := st.Setting(ctx, RulesKey, &docs); err != nil {
		return err
	}
	entered, errs := CheckRules(docs)
	if len(errs) > 0 {
		return fmt.Errorf("sla: %w", errs[0])
	}
	policy, err := workcal.NewPolicy(append(workcal.DefaultRules(), entered...))
	if err != nil {
		return err
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return err
	}
	tree := org.NewTree(cats)
	paths := make(map[string][]string, len(cats))
	ids := make(map[string][]string, len(cats))
	for _, c := range cats {
		var names, path []string
		for _, p := range tree.Path(c.ID) {
			names, path = append(names, p.Name), append(path, p.ID)
		}
		paths[c.ID], ids[c.ID] = names, path
	}
	over, err := notify.Overrides(ctx, st)
	if err != nil {
		return err
	}
	if err := s.Templates.Replace(over); err != nil {
		return err
	}
	s.mu.Lock()
	s.cal, s.policy, s.paths, s.ids = cal, policy, paths, ids
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
	policy, path, ids := s.policy, s.paths[t.CategoryID], s.ids[t.CategoryID]
	s.mu.RUnlock()
	q := workcal.Request{Type: string(t.RequestType), Urgency: string(t.Urgency), Category: path, CategoryIDs: ids}
	if l, err := policy.Resolve(q); err == nil {
		return l
	}
	l, _ := policy.Resolve(workcal.Request{Type: workcal.Help, Urgency: workcal.Normal})
	return l
}

// Resolve is the limits a request of this type, urgency and category (an id; "" for none)
// gets under the rules in force, with the category's names from the root: what an
// administrator previews. Unlike Limits it does not fall back: an unknown type, urgency
// or category is an error.
func (s *SLA) Resolve(requestType, urgency, categoryID string) (workcal.Limits, []string, error) {
	s.mu.RLock()
	policy, path, ids := s.policy, s.paths[categoryID], s.ids[categoryID]
	s.mu.RUnlock()
	if categoryID != "" && ids == nil {
		return workcal.Limits{}, nil, fmt.Errorf("no category %q", categoryID)
	}
	l, err := policy.Resolve(workcal.Request{Type: requestType, Urgency: urgency, Category: path, CategoryIDs: ids})
	return l, path, err
}

// Deadlines is the workorder.DeadlinePolicy: sign-for and handling deadlines in working
// time from the dispatch (or reopen) instant.
func (s *SLA) Deadlines(t *ticket.Ticket, at time.Time) (sign, handle time.Time) {
	cal := s.Calendar()
	l := s.Limits(t)
	return l.SignFor.Due(cal, at).UTC(), l.Handling.Due(cal, at).UTC()
}

var _ workorder.DeadlinePolicy = (*SLA)(nil).Deadlines

// Pausable says whether the ticket's policy lets its clock stop while it waits on the
// citizen (挂起); workorder fixes the answer on the ticket when it sets the deadlines.
func (s *SLA) Pausable(t *ticket.Ticket) bool { return s.Limits(t).Pausable }

// Resume moves the handling deadline of a ticket suspended from from to to by the time on
// the handling limit's clock between them (working time, or clock time for a 24-hour
// limit). A ticket suspended when already overdue stays where it was.
func (s *SLA) Resume(t *ticket.Ticket, from, to time.Time) (time.Time, time.Duration) {
	if t.HandleDeadline == nil {
		return time.Time{}, 0
	}
	cal, l := s.Calendar(), s.Limits(t)
	d := workcal.Deadline{Limit: l.Handling, Due: *t.HandleDeadline}
	moved := d.Pause(cal, from, to)
	if moved.Due.Equal(d.Due) {
		return d.Due, 0
	}
	return moved.Due, l.Handling.Between(cal, from, to)
}

var _ workorder.PausePolicy = (*SLA)(nil)

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
