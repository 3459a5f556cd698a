package workcal

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Request types (受理类型); the ticket package uses the same strings.
const (
	Consult    = "consult"    // 咨询
	Help       = "help"       // 求助
	Complaint  = "complaint"  // 投诉
	Report     = "report"     // 举报
	Suggestion = "suggestion" // 建议
	Praise     = "praise"     // 表扬
	Other      = "other"      // 其他
)

// Urgencies (紧急程度).
const (
	Urgent    = "urgent"    // 紧急
	Expedited = "expedited" // 加急
	Normal    = "normal"    // 一般
)

var (
	requestTypes = []string{Consult, Help, Complaint, Report, Suggestion, Praise, Other}
	urgencies    = []string{Urgent, Expedited, Normal}
)

// Pause says whether the clock stops while a ticket waits on the citizen (挂起).
type Pause string

const (
	PauseInherit Pause = ""      // take it from a less specific rule
	PauseAllowed Pause = "allow" // waiting on the citizen extends the deadlines
	PauseDenied  Pause = "deny"  // the clock runs on (emergencies)
)

// Rule sets limits for the requests it matches. An empty Type, Category or
// Urgency matches any; a zero limit leaves that limit to a less specific rule.
//
// Each limit is taken from the most specific matching rule that sets it.
// Specificity is read in this order: a rule naming the urgency beats one that
// does not (an urgent leak is urgent whatever its subject); then the deeper
// category in the request's path; then a rule naming the type. Between equals
// the later rule wins, so an administrator's rules appended after the
// defaults override them.
type Rule struct {
	Type     string
	Category string // a category id or name; matches when it is on the request's category path
	Urgency  string

	SignFor  Limit // 签收时限
	Handling Limit // 办理时限 (办结)
	Reply    Limit // 答复市民时限
	// Supervise is how long after the handling deadline an overdue ticket is
	// put under supervision (督办) automatically.
	Supervise Limit
	Pause     Pause
	// WarnAt is the share of a limit after which a warning (预警) goes out; 0 inherits.
	WarnAt float64
}

// Request is what the policy needs to know of a ticket.
type Request struct {
	Type    string
	Urgency string
	// Category is the path from the root of the category tree to the
	// ticket's category, e.g. {"城乡建设", "城市建设和市政管理", "自来水供应"}.
	Category []string
	// CategoryIDs is the same path as ids, when known: a rule naming a category by
	// id (an administrator's pick, safe from renames and repeated names) matches it.
	CategoryIDs []string
}

// RequestTypes and Urgencies are the values a rule or request may name, in display order.
func RequestTypes() []string { return slices.Clone(requestTypes) }
func Urgencies() []string    { return slices.Clone(urgencies) }

// RuleError is what is wrong with one field of one rule; Rule counts from 1 and Field is
// the rule document's name of it (type, category, urgency, sign_for, handling, reply,
// supervise, pause, warn_at).
type RuleError struct {
	Rule   int
	Field  string
	Reason string
}

func (e *RuleError) Error() string { return fmt.Sprintf("rule %d: %s: %s", e.Rule, e.Field, e.Reason) }

// Limits are a request's resolved limits.
type Limits struct {
	SignFor, Handling, Reply Limit
	Supervise                Limit // zero: no automatic supervision
	Pausable                 bool
	WarnAt                   float64
}

// Policy is a validated list of rules.
type Policy struct{ rules []Rule }

// DefaultRules are the limits of published practice, for a centre to start from:
//   - handling: Guangdong's 12345 rules — 咨询 2 working days, 求助 and 建议 10,
//     投诉 and 举报 15; 表扬 and 其他 take the 10-day default;
//   - Beijing's 接诉即办: 紧急 within 2 hours; water, power, gas and heating
//     (the 自来水供应, 电力供应, 燃气供应 and 冬季采暖 categories) within 24 hours;
//   - the citizen is answered within the handling limit;
//   - sign-for 1 working day (加急 2 working hours, 紧急 30 minutes); warning at
//     75%; automatic supervision 1 working day after a deadline passes;
//     the clock pauses on the citizen except for 紧急.
func DefaultRules() []Rule {
	rs := []Rule{{
		SignFor: InWorkingDays(1), Handling: InWorkingDays(10), Reply: InWorkingDays(10),
		Supervise: InWorkingDays(1), Pause: PauseAllowed, WarnAt: 0.75,
	}}
	for _, t := range []struct {
		typ  string
		days int
	}{{Consult, 2}, {Help, 10}, {Suggestion, 10}, {Complaint, 15}, {Report, 15}} {
		rs = append(rs, Rule{Type: t.typ, Handling: InWorkingDays(t.days), Reply: InWorkingDays(t.days)})
	}
	for _, cat := range []string{"自来水供应", "电力供应", "燃气供应", "冬季采暖"} {
		rs = append(rs, Rule{Category: cat, Handling: InClockTime(24 * time.Hour), Reply: InClockTime(24 * time.Hour)})
	}
	rs = append(rs,
		Rule{Urgency: Expedited, SignFor: InWorkingHours(2 * time.Hour)},
		Rule{Urgency: Urgent, SignFor: InClockTime(30 * time.Minute), Handling: InClockTime(2 * time.Hour),
			Reply: InClockTime(2 * time.Hour), Supervise: InClockTime(time.Hour), Pause: PauseDenied},
	)
	return rs
}

// DefaultPolicy is NewPolicy(DefaultRules()).
func DefaultPolicy() *Policy {
	p, err := NewPolicy(DefaultRules())
	if err != nil {
		panic(err) // checked by the tests
	}
	return p
}

// NewPolicy checks every rule; the error joins a *RuleError for each bad field, naming the
// rule by position.
func NewPolicy(rules []Rule) (*Policy, error) {
	var errs []error
	for i, r := range rules {
		for _, e := range r.validate() {
			e.Rule = i + 1
			errs = append(errs, e)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Policy{rules: slices.Clone(rules)}, nil
}

// Rules are the policy's rules in order.
func (p *Policy) Rules() []Rule { return slices.Clone(p.rules) }

func (r Rule) validate() []*RuleError {
	var errs []*RuleError
	bad := func(field, format string, args ...any) {
		errs = append(errs, &RuleError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if r.Type != "" && !slices.Contains(requestTypes, r.Type) {
		bad("type", "request type %q, want one of %v", r.Type, requestTypes)
	}
	if r.Urgency != "" && !slices.Contains(urgencies, r.Urgency) {
		bad("urgency", "urgency %q, want one of %v", r.Urgency, urgencies)
	}
	for _, f := range []struct {
		name string
		l    Limit
	}{{"sign_for", r.SignFor}, {"handling", r.Handling}, {"reply", r.Reply}, {"supervise", r.Supervise}} {
		if !f.l.IsZero() {
			if err := f.l.validate(); err != nil {
				bad(f.name, "%v", err)
			}
		}
	}
	if r.Pause != PauseInherit && r.Pause != PauseAllowed && r.Pause != PauseDenied {
		bad("pause", "pause %q, want allow or deny", r.Pause)
	}
	if r.WarnAt < 0 || r.WarnAt >= 1 {
		bad("warn_at", "warning share %v, want between 0 and 1", r.WarnAt)
	}
	return errs
}

// specificity orders matching rules; -1 means the rule does not match.
func (r Rule) specificity(q Request) int {
	if (r.Type != "" && r.Type != q.Type) || (r.Urgency != "" && r.Urgency != q.Urgency) {
		return -1
	}
	depth := 0
	if r.Category != "" {
		i := slices.Index(q.Category, r.Category)
		if i < 0 {
			i = slices.Index(q.CategoryIDs, r.Category)
		}
		if i < 0 {
			return -1
		}
		depth = i + 1
	}
	s := depth * 2
	if r.Urgency != "" {
		s += 1 << 20
	}
	if r.Type != "" {
		s++
	}
	return s
}

// Resolve finds a request's limits. A request of unknown type or urgency, or
// one left without a sign-for or handling limit, is an error.
func (p *Policy) Resolve(q Request) (Limits, error) {
	if !slices.Contains(requestTypes, q.Type) {
		return Limits{}, fmt.Errorf("request type %q, want one of %v", q.Type, requestTypes)
	}
	if !slices.Contains(urgencies, q.Urgency) {
		return Limits{}, fmt.Errorf("urgency %q, want one of %v", q.Urgency, urgencies)
	}
	var out Limits
	best := [6]int{-1, -1, -1, -1, -1, -1}
	pause := PauseInherit
	take := func(i, s int) bool {
		if s >= best[i] {
			best[i] = s
			return true
		}
		return false
	}
	for _, r := range p.rules {
		s := r.specificity(q)
		if s < 0 {
			continue
		}
		if !r.SignFor.IsZero() && take(0, s) {
			out.SignFor = r.SignFor
		}
		if !r.Handling.IsZero() && take(1, s) {
			out.Handling = r.Handling
		}
		if !r.Reply.IsZero() && take(2, s) {
			out.Reply = r.Reply
		}
		if !r.Supervise.IsZero() && take(3, s) {
			out.Supervise = r.Supervise
		}
		if r.Pause != PauseInherit && take(4, s) {
			pause = r.Pause
		}
		if r.WarnAt != 0 && take(5, s) {
			out.WarnAt = r.WarnAt
		}
	}
	if out.SignFor.IsZero() || out.Handling.IsZero() {
		return Limits{}, fmt.Errorf("no sign-for or handling limit for %s/%s/%v", q.Type, q.Urgency, q.Category)
	}
	out.Pausable = pause == PauseAllowed
	return out, nil
}

// Deadline is one running limit: when it falls due and when to warn.
type Deadline struct {
	Limit  Limit
	Start  time.Time     // when the clock started (dispatch, acceptance or reopen)
	Length time.Duration // the limit on its own clock, grown by extensions
	Due    time.Time
	Warn   time.Time // 预警: after WarnAt of Length has run
	WarnAt float64
}

// Start runs limit l from the instant from; the zero Deadline for a zero limit.
func Start(c *Calendar, l Limit, from time.Time, warnAt float64) Deadline {
	if l.IsZero() {
		return Deadline{}
	}
	due := l.Due(c, from)
	d := Deadline{Limit: l, Start: from.In(c.Location()), Length: l.measure(c, from, due), Due: due, WarnAt: warnAt}
	d.Warn = d.warning(c)
	return d
}

// warning is where the last (1-WarnAt) of the limit begins, counted back from
// Due, so that a deadline pushed by a pause or an extension moves its warning too.
func (d Deadline) warning(c *Calendar) time.Time {
	if d.WarnAt <= 0 {
		return time.Time{}
	}
	left := time.Duration(float64(d.Length) * (1 - d.WarnAt))
	return d.Limit.advance(c, d.Due, -left)
}

func (d Deadline) IsZero() bool { return d.Limit.IsZero() }

// Extend grants an approved extension (延期): extra runs on from the current due time.
func (d Deadline) Extend(c *Calendar, extra Limit) Deadline {
	if d.IsZero() || extra.IsZero() {
		return d
	}
	due := extra.Due(c, d.Due)
	d.Length += extra.measure(c, d.Due, due)
	d.Due = due
	d.Warn = d.warning(c)
	return d
}

// Pause pushes the deadline by the time on its clock between from and to,
// when the pause began before the deadline fell due.
func (d Deadline) Pause(c *Calendar, from, to time.Time) Deadline {
	if d.IsZero() || !from.Before(d.Due) || !from.Before(to) {
		return d
	}
	d.Due = d.Limit.advance(c, d.Due, d.Limit.measure(c, from, to))
	d.Warn = d.warning(c)
	return d
}

// Remaining is the time left at now on the deadline's clock (negative once overdue).
func (d Deadline) Remaining(c *Calendar, now time.Time) time.Duration {
	return d.Limit.measure(c, now, d.Due)
}

// Overdue says whether now is past the due time (超期).
func (d Deadline) Overdue(now time.Time) bool { return !d.IsZero() && now.After(d.Due) }

// Deadlines are a ticket's running limits.
type Deadlines struct {
	Limits   Limits
	SignFor  Deadline
	Handling Deadline
	Reply    Deadline
	// Supervise is when an overdue ticket is put under supervision (督办); zero for never.
	Supervise time.Time
}

// Dispatch starts every limit of l at the dispatch instant (派单); a reopened
// ticket (重办) calls it again from the reopen instant.
func Dispatch(c *Calendar, l Limits, at time.Time) Deadlines {
	d := Deadlines{
		Limits:   l,
		SignFor:  Start(c, l.SignFor, at, l.WarnAt),
		Handling: Start(c, l.Handling, at, l.WarnAt),
		Reply:    Start(c, l.Reply, at, l.WarnAt),
	}
	d.Supervise = d.supervise(c)
	return d
}

func (d Deadlines) supervise(c *Calendar) time.Time {
	if d.Limits.Supervise.IsZero() || d.Handling.IsZero() {
		return time.Time{}
	}
	return d.Limits.Supervise.Due(c, d.Handling.Due)
}

// Extend grants an approved extension of the handling limit; the citizen's
// reply limit moves with it.
func (d Deadlines) Extend(c *Calendar, extra Limit) Deadlines {
	d.Handling = d.Handling.Extend(c, extra)
	d.Reply = d.Reply.Extend(c, extra)
	d.Supervise = d.supervise(c)
	return d
}

// Pause accounts for a wait on the citizen (挂起) from from to to: every
// deadline still running then is pushed by the paused time on its own clock.
// Under a policy that does not allow pausing nothing moves.
func (d Deadlines) Pause(c *Calendar, from, to time.Time) Deadlines {
	if !d.Limits.Pausable {
		return d
	}
	d.SignFor = d.SignFor.Pause(c, from, to)
	d.Handling = d.Handling.Pause(c, from, to)
	d.Reply = d.Reply.Pause(c, from, to)
	d.Supervise = d.supervise(c)
	return d
}
