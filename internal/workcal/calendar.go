// Package workcal is the hotline's working-time clock: China's calendar of
// statutory holidays and adjusted working days (调休上班), the working periods
// of a day, arithmetic in working time, and the time-limit (时限) policy that
// turns a request's type, category and urgency into deadlines.
//
// It is pure: no I/O, no clock of its own. Callers pass instants in and get
// instants out; results are in the calendar's zone (Asia/Shanghai by default).
//
// Working time is half-open inside a period ([09:00, 12:00) is working), but a
// deadline reached exactly when a period ends is returned as that end (12:00),
// not as the start of the next period: "due by noon" is what a handler reads.
package workcal

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // a minimal container may lack /usr/share/zoneinfo
)

// Zone is the hotline's zone: every day boundary and working period is read in it.
const Zone = "Asia/Shanghai"

// DayKind tells whether a declared date is off or on.
type DayKind string

const (
	Holiday DayKind = "holiday" // 法定节假日 (including the weekend days of a break)
	Workday DayKind = "workday" // 调休上班: a weekend day worked in exchange
)

// Day is one line of a State Council notice: a date declared off or worked.
type Day struct {
	Date Date
	Kind DayKind
	Name string // 春节, 国庆节调休上班, …
}

// Period is a working period within a day, as offsets from midnight.
// End may be 24h for a period that runs to midnight.
type Period struct {
	Start, End time.Duration
}

// DefaultPeriods are the usual office hours of a 12345 centre's back office:
// 09:00–12:00 and 13:30–17:30, seven working hours a day.
var DefaultPeriods = []Period{
	{9 * time.Hour, 12 * time.Hour},
	{13*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute},
}

// ParsePeriod reads "09:00-12:00" (an en dash or "–" also works).
func ParsePeriod(s string) (Period, error) {
	s = strings.ReplaceAll(s, "–", "-")
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Period{}, fmt.Errorf("period %q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(strings.TrimSpace(a))
	if err != nil {
		return Period{}, fmt.Errorf("period %q: %w", s, err)
	}
	end, err := parseClock(strings.TrimSpace(b))
	if err != nil {
		return Period{}, fmt.Errorf("period %q: %w", s, err)
	}
	return Period{start, end}, nil
}

func parseClock(s string) (time.Duration, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); n != 2 || err != nil || len(s) != 5 {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	if h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time %q is out of range", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func (p Period) String() string {
	f := func(d time.Duration) string {
		return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return f(p.Start) + "-" + f(p.End)
}

// Calendar says which instants are working time. It is immutable and safe for
// concurrent use; Merge returns a new one.
type Calendar struct {
	loc        *time.Location
	workWeek   [7]bool
	days       map[Date]Day
	periods    []Period
	continuous bool
}

// Option configures New.
type Option func(*Calendar) error

// WithPeriods sets the working periods of every working day.
func WithPeriods(ps ...Period) Option {
	return func(c *Calendar) error { c.periods = slices.Clone(ps); return nil }
}

// WithWorkWeek sets the weekdays that are working days when no notice says otherwise.
func WithWorkWeek(days ...time.Weekday) Option {
	return func(c *Calendar) error {
		c.workWeek = [7]bool{}
		for _, d := range days {
			c.workWeek[d] = true
		}
		return nil
	}
}

// WithLocation sets the zone in which days and periods are read.
func WithLocation(loc *time.Location) Option {
	return func(c *Calendar) error { c.loc = loc; return nil }
}

// WithDays adds declared holidays and adjusted working days.
func WithDays(days ...Day) Option {
	return func(c *Calendar) error {
		for _, d := range days {
			if err := d.Validate(); err != nil {
				return err
			}
			c.days[d.Date] = d
		}
		return nil
	}
}

// Validate checks a day entered by hand (an administrator's API call) as
// ParseNotice checks a line.
func (d Day) Validate() error {
	if _, err := ParseDate(d.Date.String()); err != nil || DateOf(d.Date.In(time.UTC)) != d.Date {
		return fmt.Errorf("workcal: %v is not a calendar date", d.Date)
	}
	if d.Kind != Holiday && d.Kind != Workday {
		return fmt.Errorf("workcal: %s: kind %q, want holiday or workday", d.Date, d.Kind)
	}
	if strings.TrimSpace(d.Name) == "" {
		return fmt.Errorf("workcal: %s: empty name", d.Date)
	}
	return nil
}

// WithOfficialDays adds the embedded State Council calendars (2024–2026).
func WithOfficialDays() Option {
	return func(c *Calendar) error { return WithDays(OfficialDays()...)(c) }
}

// AllTime is the 24-hour mode of an emergency line: every instant of every
// day, holidays included, is working time, so limits run on the wall clock.
func AllTime() Option {
	return func(c *Calendar) error { c.continuous = true; return nil }
}

// New builds a calendar: Monday to Friday, DefaultPeriods, Asia/Shanghai,
// no declared days, then the options in order.
func New(opts ...Option) (*Calendar, error) {
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		return nil, fmt.Errorf("workcal: load %s: %w", Zone, err)
	}
	c := &Calendar{loc: loc, days: map[Date]Day{}, periods: slices.Clone(DefaultPeriods)}
	for d := time.Monday; d <= time.Friday; d++ {
		c.workWeek[d] = true
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.loc == nil {
		return nil, errors.New("workcal: nil location")
	}
	if c.continuous {
		c.periods = []Period{{0, 24 * time.Hour}}
		return c, nil
	}
	if err := validPeriods(c.periods); err != nil {
		return nil, err
	}
	if !slices.Contains(c.workWeek[:], true) {
		return nil, errors.New("workcal: the work week has no working day")
	}
	return c, nil
}

func validPeriods(ps []Period) error {
	if len(ps) == 0 {
		return errors.New("workcal: no working period")
	}
	for i, p := range ps {
		if p.Start < 0 || p.End > 24*time.Hour || p.Start >= p.End {
			return fmt.Errorf("workcal: period %s is empty or outside the day", p)
		}
		if i > 0 && p.Start < ps[i-1].End {
			return fmt.Errorf("workcal: period %s overlaps or precedes %s", p, ps[i-1])
		}
	}
	return nil
}

// Official is the standard calendar: Monday–Friday, 09:00–12:00 and
// 13:30–17:30 in Asia/Shanghai, with the official 2024–2026 holidays.
func Official() *Calendar {
	c, err := New(WithOfficialDays())
	if err != nil {
		panic(err) // the embedded data is checked by the tests
	}
	return c
}

// Location is the calendar's zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Continuous reports the 24-hour mode.
func (c *Calendar) Continuous() bool { return c.continuous }

// Periods are the working periods of a working day.
func (c *Calendar) Periods() []Period { return slices.Clone(c.periods) }

// DailyWorkingTime is the working time of one working day (7h by default).
func (c *Calendar) DailyWorkingTime() time.Duration {
	var sum time.Duration
	for _, p := range c.periods {
		sum += p.End - p.Start
	}
	return sum
}

// Merge returns a calendar with days added; a date already declared takes the
// new declaration (a corrected notice wins over the old one). A bad day
// changes nothing.
func (c *Calendar) Merge(days ...Day) (*Calendar, error) {
	for _, d := range days {
		if err := d.Validate(); err != nil {
			return nil, err
		}
	}
	n := *c
	n.days = make(map[Date]Day, len(c.days)+len(days))
	for k, v := range c.days {
		n.days[k] = v
	}
	for _, d := range days {
		n.days[d.Date] = d
	}
	return &n, nil
}

// Declared is the notice's line for a date, if any.
func (c *Calendar) Declared(d Date) (Day, bool) {
	day, ok := c.days[d]
	return day, ok
}

// Years lists the years for which some day is declared, ascending: a year
// missing here runs on the weekday rule alone, so the notice is still due.
func (c *Calendar) Years() []int {
	var ys []int
	for d := range c.days {
		if !slices.Contains(ys, d.Year) {
			ys = append(ys, d.Year)
		}
	}
	slices.Sort(ys)
	return ys
}

// IsWorkingDay says whether d is a working day: a declaration wins over the weekday rule.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if c.continuous {
		return true
	}
	if day, ok := c.days[d]; ok {
		return day.Kind == Workday
	}
	return c.workWeek[d.Weekday()]
}

// IsWorkingTime says whether t lies inside a working period of a working day.
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	t = t.In(c.loc)
	for _, iv := range c.intervals(DateOf(t)) {
		if !t.Before(iv.start) && t.Before(iv.end) {
			return true
		}
	}
	return false
}

type interval struct{ start, end time.Time }

// intervals are d's working periods as instants; none on a day off.
func (c *Calendar) intervals(d Date) []interval {
	if !c.IsWorkingDay(d) {
		return nil
	}
	out := make([]interval, len(c.periods))
	for i, p := range c.periods {
		out[i] = interval{c.at(d, p.Start), c.at(d, p.End)}
	}
	return out
}

// at builds the wall-clock time of day, not midnight+offset, so a zone with
// summer time still reads 09:00 as 09:00.
func (c *Calendar) at(d Date, off time.Duration) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, int(off), c.loc)
}

// searchDays bounds every walk: New guarantees a working weekday, so only an
// absurd list of declared holidays could exhaust it.
const searchDays = 20 * 366

// NextWorkingMoment is t itself inside working time, else the start of the next working period.
func (c *Calendar) NextWorkingMoment(t time.Time) time.Time {
	return c.AddWorkingHours(t, 0)
}

// PrevWorkingMoment is t itself inside working time, else the end of the last working period before it.
func (c *Calendar) PrevWorkingMoment(t time.Time) time.Time {
	t = t.In(c.loc)
	if c.IsWorkingTime(t) {
		return t
	}
	return c.back(t, 0)
}

// AddWorkingHours moves d of working time from t (backwards when d < 0).
// Time outside working periods does not count; the result is in the calendar's zone.
func (c *Calendar) AddWorkingHours(t time.Time, d time.Duration) time.Time {
	t = t.In(c.loc)
	if d < 0 {
		return c.back(t, -d)
	}
	day := DateOf(t)
	for range searchDays {
		for _, iv := range c.intervals(day) {
			if !t.Before(iv.end) {
				continue
			}
			s := later(t, iv.start)
			if avail := iv.end.Sub(s); d <= avail {
				return s.Add(d)
			} else {
				d -= avail
			}
		}
		day = day.AddDays(1)
	}
	panic("workcal: no working time within 20 years")
}

func (c *Calendar) back(t time.Time, d time.Duration) time.Time {
	day := DateOf(t)
	for range searchDays {
		ivs := c.intervals(day)
		for i := len(ivs) - 1; i >= 0; i-- {
			iv := ivs[i]
			if !iv.start.Before(t) {
				continue
			}
			e := earlier(t, iv.end)
			if avail := e.Sub(iv.start); d <= avail {
				return e.Add(-d)
			} else {
				d -= avail
			}
		}
		day = day.AddDays(-1)
	}
	panic("workcal: no working time within 20 years")
}

// AddWorkingDays moves n working days from t, keeping the time of day: from
// 10:00 on a working day, one working day later is 10:00 on the next working
// day. If t is outside working time it starts from the next working moment
// (the previous one when n < 0).
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	var s time.Time
	step := 1
	if n >= 0 {
		s = c.NextWorkingMoment(t)
	} else {
		s, step, n = c.PrevWorkingMoment(t), -1, -n
	}
	day := DateOf(s)
	off := s.Sub(c.at(day, 0))
	if off == 0 && !c.IsWorkingTime(s) {
		// a backward start at the end of a period ending 24:00 belongs to the day before
		day, off = day.AddDays(-1), 24*time.Hour
	}
	for i := 0; n > 0 && i < searchDays; i++ {
		day = day.AddDays(step)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return c.at(day, off)
}

// WorkingTimeBetween is the working time from a to b (negative if b is before a).
func (c *Calendar) WorkingTimeBetween(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.WorkingTimeBetween(b, a)
	}
	a, b = a.In(c.loc), b.In(c.loc)
	var sum time.Duration
	last := DateOf(b)
	for day := DateOf(a); !last.Before(day); day = day.AddDays(1) {
		for _, iv := range c.intervals(day) {
			s, e := later(a, iv.start), earlier(b, iv.end)
			if s.Before(e) {
				sum += e.Sub(s)
			}
		}
	}
	return sum
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
