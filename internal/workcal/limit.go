package workcal

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Unit is the clock a time limit (时限) runs on.
type Unit string

const (
	WorkingDays  Unit = "working_days"  // 工作日: same time of day, N working days later
	WorkingHours Unit = "working_hours" // 工作小时: only working periods count
	ClockTime    Unit = "clock"         // 自然时: nights and holidays count, for emergencies
)

// Limit is one time limit: Days for WorkingDays, Time for the other units.
// The zero Limit means "not set".
type Limit struct {
	Unit Unit
	Days int
	Time time.Duration
}

func InWorkingDays(n int) Limit            { return Limit{Unit: WorkingDays, Days: n} }
func InWorkingHours(d time.Duration) Limit { return Limit{Unit: WorkingHours, Time: d} }
func InClockTime(d time.Duration) Limit    { return Limit{Unit: ClockTime, Time: d} }

func (l Limit) IsZero() bool { return l == Limit{} }

func (l Limit) validate() error {
	switch l.Unit {
	case WorkingDays:
		if l.Days <= 0 || l.Time != 0 {
			return fmt.Errorf("limit %s: want a positive number of working days", l)
		}
	case WorkingHours, ClockTime:
		if l.Time <= 0 || l.Days != 0 {
			return fmt.Errorf("limit %s: want a positive duration", l)
		}
	default:
		return fmt.Errorf("limit unit %q: want %s, %s or %s", l.Unit, WorkingDays, WorkingHours, ClockTime)
	}
	return nil
}

func (l Limit) String() string {
	switch l.Unit {
	case WorkingDays:
		return fmt.Sprintf("%d working days", l.Days)
	case WorkingHours:
		return fmt.Sprintf("%s working", l.Time)
	case ClockTime:
		return l.Time.String()
	case "":
		return "none"
	}
	return fmt.Sprintf("%s %d %s", l.Unit, l.Days, l.Time)
}

var limitRE = regexp.MustCompile(`^(\d+)\s*(wd|wh|wm|h|m)$`)

// ParseLimit reads an administrator's limit: "15wd" (working days), "4wh"
// (working hours), "90wm" (working minutes), "24h" or "30m" (clock time).
func ParseLimit(s string) (Limit, error) {
	m := limitRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Limit{}, fmt.Errorf("limit %q: want e.g. 15wd, 4wh, 90wm, 24h or 30m", s)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n <= 0 {
		return Limit{}, fmt.Errorf("limit %q: want a positive number", s)
	}
	switch m[2] {
	case "wd":
		return InWorkingDays(n), nil
	case "wh":
		return InWorkingHours(time.Duration(n) * time.Hour), nil
	case "wm":
		return InWorkingHours(time.Duration(n) * time.Minute), nil
	case "h":
		return InClockTime(time.Duration(n) * time.Hour), nil
	default:
		return InClockTime(time.Duration(n) * time.Minute), nil
	}
}

// Spec writes the limit as ParseLimit reads it ("15wd", "2wh", "90wm", "24h", "30m");
// "" for the zero Limit.
func (l Limit) Spec() string {
	switch {
	case l.IsZero():
		return ""
	case l.Unit == WorkingDays:
		return fmt.Sprintf("%dwd", l.Days)
	case l.Unit == WorkingHours && l.Time%time.Hour == 0:
		return fmt.Sprintf("%dwh", l.Time/time.Hour)
	case l.Unit == WorkingHours:
		return fmt.Sprintf("%dwm", l.Time/time.Minute)
	case l.Time%time.Hour == 0:
		return fmt.Sprintf("%dh", l.Time/time.Hour)
	default:
		return fmt.Sprintf("%dm", l.Time/time.Minute)
	}
}

// Due is when the limit runs out if its clock starts at from.
func (l Limit) Due(c *Calendar, from time.Time) time.Time {
	switch l.Unit {
	case WorkingDays:
		return c.AddWorkingDays(from, l.Days)
	case WorkingHours:
		return c.AddWorkingHours(from, l.Time)
	default:
		return from.In(c.Location()).Add(l.Time)
	}
}

// Between is the time from a to b on the limit's clock: working time, or clock time for
// a ClockTime limit (how long a pause held the deadline back).
func (l Limit) Between(c *Calendar, a, b time.Time) time.Duration { return l.measure(c, a, b) }

// measure is the time from a to b on the limit's clock.
func (l Limit) measure(c *Calendar, a, b time.Time) time.Duration {
	if l.Unit == ClockTime {
		return b.Sub(a)
	}
	return c.WorkingTimeBetween(a, b)
}

// advance moves t by d on the limit's clock.
func (l Limit) advance(c *Calendar, t time.Time, d time.Duration) time.Time {
	if l.Unit == ClockTime {
		return t.In(c.Location()).Add(d)
	}
	return c.AddWorkingHours(t, d)
}
