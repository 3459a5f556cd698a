package workcal

import (
	"errors"
	"math/rand"
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func rfc(t time.Time) string { return t.Format(time.RFC3339) }

func TestIssueExampleNationalDay2026(t *testing.T) {
	got := Official().AddWorkingDays(at("2026-09-30T10:00:00+08:00"), 3)
	if want := "2026-10-10T10:00:00+08:00"; rfc(got) != want {
		t.Fatalf("AddWorkingDays = %s, want %s", rfc(got), want)
	}
}

// Working days per year, counted by hand from the notices: weekdays, less
// holidays falling on weekdays, plus weekend days worked (调休上班).
func TestWorkingDaysPerYear(t *testing.T) {
	c := Official()
	for year, want := range map[int]int{2024: 262 - 19 + 8, 2025: 261 - 18 + 5, 2026: 261 - 19 + 6} {
		n := 0
		for d := (Date{year, 1, 1}); d.Year == year; d = d.AddDays(1) {
			if c.IsWorkingDay(d) {
				n++
			}
		}
		if n != want {
			t.Errorf("%d: %d working days, want %d", year, n, want)
		}
	}
	if got := c.Years(); len(got) != 3 || got[0] != 2024 || got[2] != 2026 {
		t.Errorf("Years() = %v, want [2024 2025 2026]", got)
	}
}

// Every holiday break of 2024–2026: the days either side, the first and last
// day off, and every 调休 day.
func TestIsWorkingDayAroundHolidays(t *testing.T) {
	c := Official()
	cases := []struct {
		date    string
		working bool
	}{
		// 2024
		{"2023-12-29", true}, {"2024-01-01", false}, {"2024-01-02", true},
		{"2024-02-04", true}, {"2024-02-09", true}, {"2024-02-10", false}, {"2024-02-12", false},
		{"2024-02-16", false}, {"2024-02-17", false}, {"2024-02-18", true}, {"2024-02-19", true},
		{"2024-04-03", true}, {"2024-04-04", false}, {"2024-04-05", false}, {"2024-04-06", false},
		{"2024-04-07", true}, {"2024-04-08", true},
		{"2024-04-28", true}, {"2024-04-30", true}, {"2024-05-01", false}, {"2024-05-03", false},
		{"2024-05-05", false}, {"2024-05-06", true}, {"2024-05-11", true}, {"2024-05-12", false},
		{"2024-06-07", true}, {"2024-06-10", false}, {"2024-06-11", true},
		{"2024-09-13", true}, {"2024-09-14", true}, {"2024-09-16", false}, {"2024-09-17", false}, {"2024-09-18", true},
		{"2024-09-28", false}, {"2024-09-29", true}, {"2024-09-30", true}, {"2024-10-01", false},
		{"2024-10-04", false}, {"2024-10-07", false}, {"2024-10-08", true}, {"2024-10-12", true}, {"2024-10-13", false},
		// 2025
		{"2024-12-31", true}, {"2025-01-01", false}, {"2025-01-02", true},
		{"2025-01-26", true}, {"2025-01-27", true}, {"2025-01-28", false}, {"2025-01-31", false},
		{"2025-02-03", false}, {"2025-02-04", false}, {"2025-02-05", true}, {"2025-02-08", true}, {"2025-02-09", false},
		{"2025-04-03", true}, {"2025-04-04", false}, {"2025-04-07", true},
		{"2025-04-27", true}, {"2025-04-30", true}, {"2025-05-01", false}, {"2025-05-02", false},
		{"2025-05-05", false}, {"2025-05-06", true},
		{"2025-05-30", true}, {"2025-06-02", false}, {"2025-06-03", true},
		{"2025-09-26", true}, {"2025-09-27", false}, {"2025-09-28", true}, {"2025-09-30", true},
		{"2025-10-01", false}, {"2025-10-06", false}, {"2025-10-08", false}, {"2025-10-09", true},
		{"2025-10-10", true}, {"2025-10-11", true}, {"2025-10-12", false},
		// 2026
		{"2025-12-31", true}, {"2026-01-01", false}, {"2026-01-02", false}, {"2026-01-04", true}, {"2026-01-05", true},
		{"2026-02-13", true}, {"2026-02-14", true}, {"2026-02-16", false}, {"2026-02-20", false},
		{"2026-02-23", false}, {"2026-02-24", true}, {"2026-02-28", true}, {"2026-03-01", false},
		{"2026-04-03", true}, {"2026-04-06", false}, {"2026-04-07", true},
		{"2026-04-30", true}, {"2026-05-01", false}, {"2026-05-04", false}, {"2026-05-05", false},
		{"2026-05-06", true}, {"2026-05-09", true}, {"2026-05-10", false},
		{"2026-06-18", true}, {"2026-06-19", false}, {"2026-06-22", true},
		{"2026-09-19", false}, {"2026-09-20", true}, {"2026-09-24", true}, {"2026-09-25", false}, {"2026-09-28", true},
		{"2026-09-30", true}, {"2026-10-01", false}, {"2026-10-02", false}, {"2026-10-05", false},
		{"2026-10-07", false}, {"2026-10-08", true}, {"2026-10-09", true}, {"2026-10-10", true}, {"2026-10-11", false},
		// beyond the notices: the weekday rule alone
		{"2027-01-01", true}, {"2027-01-02", false},
	}
	for _, tc := range cases {
		if got := c.IsWorkingDay(date(tc.date)); got != tc.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.date, got, tc.working)
		}
	}
}

func TestAddWorkingDaysAroundHolidays(t *testing.T) {
	c := Official()
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-08T10:00:00+08:00", 1, "2024-02-09T10:00:00+08:00"},
		{"2024-02-08T10:00:00+08:00", 2, "2024-02-18T10:00:00+08:00"},
		{"2024-04-03T10:00:00+08:00", 1, "2024-04-07T10:00:00+08:00"},
		{"2024-04-26T10:00:00+08:00", 1, "2024-04-28T10:00:00+08:00"},
		{"2024-04-30T10:00:00+08:00", 1, "2024-05-06T10:00:00+08:00"},
		{"2024-05-10T10:00:00+08:00", 1, "2024-05-11T10:00:00+08:00"},
		{"2024-06-07T10:00:00+08:00", 1, "2024-06-11T10:00:00+08:00"},
		{"2024-09-13T10:00:00+08:00", 1, "2024-09-14T10:00:00+08:00"},
		{"2024-09-13T10:00:00+08:00", 2, "2024-09-18T10:00:00+08:00"},
		{"2024-09-27T10:00:00+08:00", 3, "2024-10-08T10:00:00+08:00"},
		{"2024-10-11T10:00:00+08:00", 2, "2024-10-14T10:00:00+08:00"},
		{"2024-12-31T10:00:00+08:00", 1, "2025-01-02T10:00:00+08:00"},
		{"2025-01-24T10:00:00+08:00", 3, "2025-02-05T10:00:00+08:00"},
		{"2025-01-24T10:00:00+08:00", 6, "2025-02-08T10:00:00+08:00"},
		{"2025-04-03T10:00:00+08:00", 1, "2025-04-07T10:00:00+08:00"},
		{"2025-04-25T10:00:00+08:00", 5, "2025-05-06T10:00:00+08:00"},
		{"2025-05-30T10:00:00+08:00", 1, "2025-06-03T10:00:00+08:00"},
		{"2025-09-26T10:00:00+08:00", 4, "2025-10-09T10:00:00+08:00"},
		{"2025-09-26T10:00:00+08:00", 6, "2025-10-11T10:00:00+08:00"},
		{"2025-09-26T10:00:00+08:00", 7, "2025-10-13T10:00:00+08:00"},
		{"2025-12-31T10:00:00+08:00", 1, "2026-01-04T10:00:00+08:00"},
		{"2026-02-13T10:00:00+08:00", 2, "2026-02-24T10:00:00+08:00"},
		{"2026-02-13T10:00:00+08:00", 6, "2026-02-28T10:00:00+08:00"},
		{"2026-02-13T10:00:00+08:00", 7, "2026-03-02T10:00:00+08:00"},
		{"2026-04-03T10:00:00+08:00", 1, "2026-04-07T10:00:00+08:00"},
		{"2026-04-30T10:00:00+08:00", 4, "2026-05-09T10:00:00+08:00"},
		{"2026-06-18T10:00:00+08:00", 1, "2026-06-22T10:00:00+08:00"},
		{"2026-09-18T10:00:00+08:00", 1, "2026-09-20T10:00:00+08:00"},
		{"2026-09-24T10:00:00+08:00", 1, "2026-09-28T10:00:00+08:00"},
		{"2026-09-30T10:00:00+08:00", 3, "2026-10-10T10:00:00+08:00"},
		// outside working time: start from the next working moment
		{"2026-09-30T18:00:00+08:00", 1, "2026-10-09T09:00:00+08:00"},
		{"2026-09-30T12:10:00+08:00", 1, "2026-10-08T13:30:00+08:00"},
		{"2026-10-03T11:00:00+08:00", 0, "2026-10-08T09:00:00+08:00"},
		// any zone in, Asia/Shanghai out
		{"2026-09-30T02:00:00Z", 3, "2026-10-10T10:00:00+08:00"},
		// backwards
		{"2026-10-10T10:00:00+08:00", -3, "2026-09-30T10:00:00+08:00"},
		{"2026-10-05T10:00:00+08:00", -1, "2026-09-29T17:30:00+08:00"},
	}
	for _, tc := range cases {
		if got := c.AddWorkingDays(at(tc.from), tc.n); rfc(got) != tc.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, rfc(got), tc.want)
		}
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := Official()
	cases := []struct {
		from string
		d    time.Duration
		want string
	}{
		{"2026-09-30T16:00:00+08:00", 3 * time.Hour, "2026-10-08T10:30:00+08:00"},
		{"2026-09-30T12:30:00+08:00", time.Hour, "2026-09-30T14:30:00+08:00"},
		{"2026-09-29T09:00:00+08:00", 3 * time.Hour, "2026-09-29T12:00:00+08:00"}, // due at the period's end
		{"2026-09-29T11:00:00+08:00", 90 * time.Minute, "2026-09-29T14:00:00+08:00"},
		{"2026-09-19T10:00:00+08:00", time.Hour, "2026-09-20T10:00:00+08:00"}, // Saturday → 调休 Sunday
		{"2024-02-09T16:30:00+08:00", 2 * time.Hour, "2024-02-18T10:00:00+08:00"},
		{"2026-09-30T17:30:00+08:00", 0, "2026-10-08T09:00:00+08:00"},
		{"2026-09-30T10:00:00+08:00", 21 * time.Hour, "2026-10-10T10:00:00+08:00"},
		{"2026-10-08T10:30:00+08:00", -3 * time.Hour, "2026-09-30T16:00:00+08:00"},
		{"2026-10-08T09:00:00+08:00", -time.Hour, "2026-09-30T16:30:00+08:00"},
	}
	for _, tc := range cases {
		if got := c.AddWorkingHours(at(tc.from), tc.d); rfc(got) != tc.want {
			t.Errorf("AddWorkingHours(%s, %s) = %s, want %s", tc.from, tc.d, rfc(got), tc.want)
		}
	}
}

func TestWorkingTimeBetweenAndNextMoment(t *testing.T) {
	c := Official()
	between := []struct {
		a, b string
		want time.Duration
	}{
		{"2026-09-30T10:00:00+08:00", "2026-10-10T10:00:00+08:00", 21 * time.Hour},
		{"2026-09-30T17:00:00+08:00", "2026-10-08T09:30:00+08:00", time.Hour},
		{"2026-10-08T09:30:00+08:00", "2026-09-30T17:00:00+08:00", -time.Hour},
		{"2026-10-01T00:00:00+08:00", "2026-10-07T23:59:00+08:00", 0},
		{"2026-09-28T12:00:00+08:00", "2026-09-28T13:30:00+08:00", 0},
		{"2026-09-28T08:00:00+08:00", "2026-09-28T20:00:00+08:00", 7 * time.Hour},
		{"2026-01-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00", 248 * 7 * time.Hour},
	}
	for _, tc := range between {
		if got := c.WorkingTimeBetween(at(tc.a), at(tc.b)); got != tc.want {
			t.Errorf("WorkingTimeBetween(%s, %s) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
	next := []struct{ t, want string }{
		{"2026-09-30T10:00:00+08:00", "2026-09-30T10:00:00+08:00"},
		{"2026-09-30T12:00:00+08:00", "2026-09-30T13:30:00+08:00"},
		{"2026-09-30T08:59:59+08:00", "2026-09-30T09:00:00+08:00"},
		{"2026-09-30T17:30:00+08:00", "2026-10-08T09:00:00+08:00"},
		{"2026-09-18T20:00:00+08:00", "2026-09-20T09:00:00+08:00"},
	}
	for _, tc := range next {
		if got := c.NextWorkingMoment(at(tc.t)); rfc(got) != tc.want {
			t.Errorf("NextWorkingMoment(%s) = %s, want %s", tc.t, rfc(got), tc.want)
		}
	}
}

func TestAllTimeMode(t *testing.T) {
	c, err := New(WithOfficialDays(), AllTime())
	if err != nil {
		t.Fatal(err)
	}
	if got := rfc(c.AddWorkingDays(at("2026-09-30T10:00:00+08:00"), 3)); got != "2026-10-03T10:00:00+08:00" {
		t.Errorf("24h AddWorkingDays = %s", got)
	}
	if got := rfc(c.AddWorkingHours(at("2026-10-01T23:00:00+08:00"), 2*time.Hour)); got != "2026-10-02T01:00:00+08:00" {
		t.Errorf("24h AddWorkingHours = %s", got)
	}
	if got := c.WorkingTimeBetween(at("2026-10-01T00:00:00+08:00"), at("2026-10-08T00:00:00+08:00")); got != 7*24*time.Hour {
		t.Errorf("24h WorkingTimeBetween = %s", got)
	}
	if !c.IsWorkingDay(date("2026-10-01")) || c.DailyWorkingTime() != 24*time.Hour {
		t.Error("24h mode must work every day, all day")
	}
}

// Round the clock on working days only: a period running to 24:00.
func TestFullDayPeriodOnWorkingDays(t *testing.T) {
	c, err := New(WithOfficialDays(), WithPeriods(Period{0, 24 * time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	if got := rfc(c.AddWorkingHours(at("2026-09-30T23:00:00+08:00"), 2*time.Hour)); got != "2026-10-08T01:00:00+08:00" {
		t.Errorf("AddWorkingHours over the break = %s", got)
	}
	if got := rfc(c.AddWorkingDays(at("2026-10-03T12:00:00+08:00"), -1)); got != "2026-09-30T00:00:00+08:00" {
		t.Errorf("AddWorkingDays(-1) from inside the break = %s", got)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	p := func(s string) Period {
		pp, err := ParsePeriod(s)
		if err != nil {
			t.Fatal(err)
		}
		return pp
	}
	bad := map[string][]Option{
		"no periods":      {WithPeriods()},
		"overlap":         {WithPeriods(p("09:00-12:00"), p("11:00-13:00"))},
		"unordered":       {WithPeriods(p("13:00-14:00"), p("09:00-12:00"))},
		"empty period":    {WithPeriods(Period{10 * time.Hour, 10 * time.Hour})},
		"no working days": {WithWorkWeek()},
		"past midnight":   {WithPeriods(Period{22 * time.Hour, 25 * time.Hour})},
	}
	for name, opts := range bad {
		if _, err := New(opts...); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	for _, s := range []string{"9:00-12:00", "09:00", "09:60-10:00", "24:30-25:00", "aa:bb-cc:dd"} {
		if _, err := ParsePeriod(s); err == nil {
			t.Errorf("ParsePeriod(%q) accepted it", s)
		}
	}
	c, err := New(WithPeriods(p("08:30-12:00"), p("14:00–18:00")), WithWorkWeek(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday))
	if err != nil {
		t.Fatal(err)
	}
	if got := rfc(c.AddWorkingHours(at("2027-01-01T17:00:00+08:00"), 2*time.Hour)); got != "2027-01-02T09:30:00+08:00" {
		t.Errorf("six-day week with custom periods: %s", got)
	}
}

func TestParseNotice(t *testing.T) {
	good := "\ufeffdate,kind,name\n2027-01-01,holiday,元旦\n2027-01-02, holiday ,元旦\n\n2027-02-06,workday,春节调休上班\n"
	days, err := ParseNotice(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 3 || days[1].Kind != Holiday || days[2] != (Day{date("2027-02-06"), Workday, "春节调休上班"}) {
		t.Fatalf("days = %+v", days)
	}
	c, err := Official().Merge(days...)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(date("2027-01-01")) || !c.IsWorkingDay(date("2027-02-06")) {
		t.Error("merged notice not in force")
	}
	if Official().IsWorkingDay(date("2027-02-06")) {
		t.Error("Merge changed the calendar it was called on")
	}
	// a correction wins
	fix, err := c.Merge(Day{date("2027-01-01"), Workday, "更正"})
	if err != nil || !fix.IsWorkingDay(date("2027-01-01")) {
		t.Errorf("a later declaration must replace an earlier one (%v)", err)
	}
	for _, bad := range []Day{{Date{2027, 2, 30}, Holiday, "x"}, {date("2027-03-01"), "off", "x"}, {date("2027-03-01"), Holiday, " "}} {
		if _, err := c.Merge(bad); err == nil {
			t.Errorf("Merge(%+v) accepted", bad)
		}
		if _, err := New(WithDays(bad)); err == nil {
			t.Errorf("WithDays(%+v) accepted", bad)
		}
	}

	bad := "date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n2027-01-03,off,x\n2027-01-04,holiday\n2027-01-05,holiday,\n2027-01-01,workday,dup\n"
	_, err = ParseNotice(strings.NewReader(bad))
	var ne *NoticeError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v, want *NoticeError", err)
	}
	wantLines := []int{3, 4, 5, 6, 7}
	if len(ne.Lines) != len(wantLines) {
		t.Fatalf("bad lines = %+v, want lines %v", ne.Lines, wantLines)
	}
	for i, l := range ne.Lines {
		if l.Line != wantLines[i] || l.Reason == "" {
			t.Errorf("bad line %d = %+v, want line %d", i, l, wantLines[i])
		}
	}
	for _, want := range []string{"line 3: date", "line 4: kind", "line 5: 2 fields", "line 6: empty name", "line 7: 2027-01-01 already declared on line 2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	for name, in := range map[string]string{"empty": "", "wrong header": "day,type,label\n2027-01-01,holiday,x\n", "bad quote": "date,kind,name\n2027-01-01,holiday,\"x\n"} {
		if _, err := ParseNotice(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The calendars under test in the property checks: standard, 24-hour and a
// period running to midnight.
func propertyCalendars(t *testing.T) map[string]*Calendar {
	all, err := New(WithOfficialDays(), AllTime())
	if err != nil {
		t.Fatal(err)
	}
	late, err := New(WithOfficialDays(), WithPeriods(Period{8 * time.Hour, 12 * time.Hour}, Period{18 * time.Hour, 24 * time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Calendar{"official": Official(), "24h": all, "to-midnight": late}
}

func randInstant(r *rand.Rand) time.Time {
	start := at("2023-12-25T00:00:00+08:00")
	return start.Add(time.Duration(r.Int63n(int64(3 * 366 * 24 * time.Hour)))).Truncate(time.Second)
}

func TestPropertiesAddThenMeasure(t *testing.T) {
	for name, c := range propertyCalendars(t) {
		r := rand.New(rand.NewSource(4))
		daily := c.DailyWorkingTime()
		for i := 0; i < 3000; i++ {
			t0 := randInstant(r)
			d := time.Duration(r.Int63n(int64(40 * daily))).Truncate(time.Second)
			got := c.AddWorkingHours(t0, d)
			if m := c.WorkingTimeBetween(t0, got); m != d {
				t.Fatalf("%s: WorkingTimeBetween(%s, AddWorkingHours(+%s)=%s) = %s", name, rfc(t0), d, rfc(got), m)
			}
			if d > 0 {
				// the deadline is reached by working time on a working day
				if last := got.Add(-time.Nanosecond); !c.IsWorkingTime(last) || !c.IsWorkingDay(DateOf(last.In(c.Location()))) {
					t.Fatalf("%s: AddWorkingHours(%s, %s) = %s ends outside working time", name, rfc(t0), d, rfc(got))
				}
			}
			if back := c.AddWorkingHours(got, -d); c.WorkingTimeBetween(back, got) != d || back.After(c.NextWorkingMoment(t0)) {
				t.Fatalf("%s: AddWorkingHours(%s, -%s) = %s", name, rfc(got), d, rfc(back))
			}
			// monotonic in the duration and in the start
			if more := c.AddWorkingHours(t0, d+time.Minute); !more.After(got) {
				t.Fatalf("%s: +%s then +1m not later: %s vs %s", name, d, rfc(got), rfc(more))
			}
			if later := c.AddWorkingHours(t0.Add(time.Duration(r.Int63n(int64(72*time.Hour)))), d); later.Before(got) {
				t.Fatalf("%s: later start gave an earlier result", name)
			}

			n := r.Intn(30)
			gd := c.AddWorkingDays(t0, n)
			if !c.IsWorkingTime(gd) {
				t.Fatalf("%s: AddWorkingDays(%s, %d) = %s outside working time", name, rfc(t0), n, rfc(gd))
			}
			if m := c.WorkingTimeBetween(c.NextWorkingMoment(t0), gd); m != time.Duration(n)*daily {
				t.Fatalf("%s: AddWorkingDays(%s, %d) = %s measures %s, want %s", name, rfc(t0), n, rfc(gd), m, time.Duration(n)*daily)
			}
			if n > 0 && !c.AddWorkingDays(t0, n-1).Before(gd) {
				t.Fatalf("%s: AddWorkingDays not increasing in n at %s", name, rfc(t0))
			}
			if back := c.AddWorkingDays(gd, -n); !back.Equal(c.NextWorkingMoment(t0)) {
				t.Fatalf("%s: AddWorkingDays(%s, -%d) = %s, want %s", name, rfc(gd), n, rfc(back), rfc(c.NextWorkingMoment(t0)))
			}
		}
	}
}

// An independent oracle: walk minute by minute and count the minutes that sit
// in a period of a working day.
func TestWorkingTimeBetweenMatchesMinuteWalk(t *testing.T) {
	for name, c := range propertyCalendars(t) {
		r := rand.New(rand.NewSource(7))
		for i := 0; i < 200; i++ {
			a := randInstant(r).Truncate(time.Minute)
			b := a.Add(time.Duration(r.Intn(6*24*60)) * time.Minute)
			var want time.Duration
			for m := a; m.Before(b); m = m.Add(time.Minute) {
				l := m.In(c.Location())
				tod := time.Duration(l.Hour())*time.Hour + time.Duration(l.Minute())*time.Minute
				in := false
				for _, p := range c.Periods() {
					in = in || (tod >= p.Start && tod < p.End)
				}
				if in && c.IsWorkingDay(DateOf(l)) {
					want += time.Minute
				}
			}
			if got := c.WorkingTimeBetween(a, b); got != want {
				t.Fatalf("%s: WorkingTimeBetween(%s, %s) = %s, minute walk says %s", name, rfc(a), rfc(b), got, want)
			}
		}
	}
}
