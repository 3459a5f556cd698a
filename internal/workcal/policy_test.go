package workcal

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"
)

var water = []string{"城乡建设", "城市建设和市政管理", "自来水供应"}

func TestDefaultPolicyResolve(t *testing.T) {
	p := DefaultPolicy()
	cases := []struct {
		name     string
		q        Request
		signFor  Limit
		handling Limit
		pausable bool
	}{
		{"consult", Request{Type: Consult, Urgency: Normal}, InWorkingDays(1), InWorkingDays(2), true},
		{"help", Request{Type: Help, Urgency: Normal}, InWorkingDays(1), InWorkingDays(10), true},
		{"suggestion", Request{Type: Suggestion, Urgency: Normal}, InWorkingDays(1), InWorkingDays(10), true},
		{"complaint", Request{Type: Complaint, Urgency: Normal}, InWorkingDays(1), InWorkingDays(15), true},
		{"report", Request{Type: Report, Urgency: Normal}, InWorkingDays(1), InWorkingDays(15), true},
		{"praise", Request{Type: Praise, Urgency: Normal}, InWorkingDays(1), InWorkingDays(10), true},
		{"other", Request{Type: Other, Urgency: Normal}, InWorkingDays(1), InWorkingDays(10), true},
		{"expedited consult", Request{Type: Consult, Urgency: Expedited}, InWorkingHours(2 * time.Hour), InWorkingDays(2), true},
		{"urgent complaint", Request{Type: Complaint, Urgency: Urgent}, InClockTime(30 * time.Minute), InClockTime(2 * time.Hour), false},
		{"water complaint", Request{Type: Complaint, Urgency: Normal, Category: water}, InWorkingDays(1), InClockTime(24 * time.Hour), true},
		{"heating help", Request{Type: Help, Urgency: Normal, Category: []string{"城乡建设", "城市建设和市政管理", "冬季采暖"}}, InWorkingDays(1), InClockTime(24 * time.Hour), true},
		{"urgent water", Request{Type: Help, Urgency: Urgent, Category: water}, InClockTime(30 * time.Minute), InClockTime(2 * time.Hour), false},
		{"other subject", Request{Type: Complaint, Urgency: Normal, Category: []string{"城乡建设", "安全生产", "安全隐患"}}, InWorkingDays(1), InWorkingDays(15), true},
	}
	for _, tc := range cases {
		l, err := p.Resolve(tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if l.SignFor != tc.signFor || l.Handling != tc.handling || l.Reply != tc.handling || l.Pausable != tc.pausable || l.WarnAt != 0.75 {
			t.Errorf("%s: got %+v, want sign-for %s, handling and reply %s, pausable %v", tc.name, l, tc.signFor, tc.handling, tc.pausable)
		}
	}
	for _, q := range []Request{{Type: "咨询", Urgency: Normal}, {Type: Consult, Urgency: "high"}, {}} {
		if _, err := p.Resolve(q); err == nil {
			t.Errorf("Resolve(%+v) accepted", q)
		}
	}
}

func TestAdministratorRulesOverride(t *testing.T) {
	rules := append(DefaultRules(),
		Rule{Type: Complaint, Category: "自来水供应", Handling: InWorkingDays(3)},
		Rule{Type: Consult, Handling: InWorkingDays(3)}, // same specificity as the default: later wins
		Rule{Category: "城乡建设", WarnAt: 0.5},             // shallower than nothing else that sets WarnAt
	)
	p, err := NewPolicy(rules)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := p.Resolve(Request{Type: Complaint, Urgency: Normal, Category: water})
	if l.Handling != InWorkingDays(3) || l.WarnAt != 0.5 {
		t.Errorf("water complaint: %+v", l)
	}
	l, _ = p.Resolve(Request{Type: Help, Urgency: Normal, Category: water})
	if l.Handling != InClockTime(24*time.Hour) {
		t.Errorf("water help keeps the category rule: %+v", l)
	}
	l, _ = p.Resolve(Request{Type: Consult, Urgency: Normal})
	if l.Handling != InWorkingDays(3) || l.WarnAt != 0.75 {
		t.Errorf("consult: %+v", l)
	}
	if _, err := NewPolicy([]Rule{{Type: Consult}}); err != nil {
		t.Errorf("a rule setting nothing is valid: %v", err)
	}
	p, _ = NewPolicy([]Rule{{Type: Consult, Handling: InWorkingDays(2)}})
	if _, err := p.Resolve(Request{Type: Consult, Urgency: Normal}); err == nil {
		t.Error("a request without a sign-for limit resolved")
	}
}

// Whether the clock may pause (挂起) follows the same specificity as the limits.
func TestPauseRules(t *testing.T) {
	p, err := NewPolicy(append(DefaultRules(),
		Rule{Category: "自来水供应", Pause: PauseDenied},                  // a burst main cannot wait on the citizen
		Rule{Type: Consult, Pause: PauseDenied},                      // nor can a consultation
		Rule{Category: "城乡建设", Urgency: Urgent, Pause: PauseAllowed}, // but an urgent works ticket may
	))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    Request
		want bool
	}{
		{Request{Type: Help, Urgency: Normal}, true},
		{Request{Type: Complaint, Urgency: Expedited}, true},
		{Request{Type: Complaint, Urgency: Urgent}, false},
		{Request{Type: Help, Urgency: Normal, Category: water}, false},
		{Request{Type: Consult, Urgency: Normal}, false},
		{Request{Type: Help, Urgency: Urgent, Category: water}, true},
		{Request{Type: Report, Urgency: Normal, Category: []string{"城乡建设", "安全生产"}}, true},
	} {
		l, err := p.Resolve(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if l.Pausable != tc.want {
			t.Errorf("%+v: pausable %v, want %v", tc.q, l.Pausable, tc.want)
		}
	}
}

func TestNewPolicyRejects(t *testing.T) {
	bad := []Rule{
		{Type: "投诉", Handling: InWorkingDays(1)},
		{Urgency: "soon"},
		{Handling: InWorkingDays(0)},
		{Handling: InWorkingHours(-time.Hour)},
		{Handling: Limit{Unit: "weeks", Days: 1}},
		{Handling: Limit{Unit: WorkingDays, Days: 2, Time: time.Hour}},
		{WarnAt: 1.5},
		{Pause: "maybe"},
	}
	for _, r := range bad {
		_, err := NewPolicy([]Rule{{Handling: InWorkingDays(1)}, r})
		if err == nil || !strings.Contains(err.Error(), "rule 2:") {
			t.Errorf("NewPolicy(%+v) = %v, want an error naming rule 2", r, err)
		}
	}
}

func TestParseLimit(t *testing.T) {
	good := map[string]Limit{
		"15wd": InWorkingDays(15), "4wh": InWorkingHours(4 * time.Hour), "90wm": InWorkingHours(90 * time.Minute),
		"24h": InClockTime(24 * time.Hour), " 30m ": InClockTime(30 * time.Minute), "2 wd": InWorkingDays(2),
	}
	for s, want := range good {
		if got, err := ParseLimit(s); err != nil || got != want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0wd", "-1wd", "15", "15 days", "wd", "1.5h"} {
		if _, err := ParseLimit(s); err == nil {
			t.Errorf("ParseLimit(%q) accepted", s)
		}
	}
}

func TestDispatchExtendPause(t *testing.T) {
	c := Official()
	p := DefaultPolicy()
	l, _ := p.Resolve(Request{Type: Complaint, Urgency: Normal})
	d := Dispatch(c, l, at("2026-09-30T10:00:00+08:00"))
	check := func(what string, got time.Time, want string) {
		t.Helper()
		if rfc(got) != want {
			t.Errorf("%s = %s, want %s", what, rfc(got), want)
		}
	}
	check("sign-for due", d.SignFor.Due, "2026-10-08T10:00:00+08:00")
	check("handling due", d.Handling.Due, "2026-10-27T10:00:00+08:00")
	check("reply due", d.Reply.Due, "2026-10-27T10:00:00+08:00")
	check("handling warning at 75%", d.Handling.Warn, "2026-10-21T11:45:00+08:00")
	check("supervision", d.Supervise, "2026-10-28T10:00:00+08:00")
	if d.Handling.Overdue(at("2026-10-27T10:00:00+08:00")) || !d.Handling.Overdue(at("2026-10-27T10:00:01+08:00")) {
		t.Error("overdue must start just after the due instant")
	}
	if r := d.Handling.Remaining(c, at("2026-10-26T17:30:00+08:00")); r != time.Hour {
		t.Errorf("remaining = %s, want 1h", r)
	}

	// 挂起 for one working day: everything still running moves by 7 working hours.
	pd := d.Pause(c, at("2026-10-08T10:00:00+08:00"), at("2026-10-09T10:00:00+08:00"))
	check("paused handling due", pd.Handling.Due, "2026-10-28T10:00:00+08:00")
	check("paused warning", pd.Handling.Warn, "2026-10-22T11:45:00+08:00")
	check("paused supervision", pd.Supervise, "2026-10-29T10:00:00+08:00")
	// a pause over a holiday costs no working time
	check("pause over the break", d.Pause(c, at("2026-10-01T10:00:00+08:00"), at("2026-10-07T10:00:00+08:00")).Handling.Due, "2026-10-27T10:00:00+08:00")
	// a pause after the deadline does not revive it
	check("late pause", d.Pause(c, at("2026-10-28T10:00:00+08:00"), at("2026-10-29T10:00:00+08:00")).Handling.Due, "2026-10-27T10:00:00+08:00")

	// 延期: 5 more working days from the current due time.
	ed := d.Extend(c, InWorkingDays(5))
	check("extended due", ed.Handling.Due, "2026-11-03T10:00:00+08:00")
	check("extended warning", ed.Handling.Warn, "2026-10-27T10:00:00+08:00")
	check("extended supervision", ed.Supervise, "2026-11-04T10:00:00+08:00")
	check("sign-for unchanged", ed.SignFor.Due, "2026-10-08T10:00:00+08:00")

	// 重办: the clock starts again from the reopen instant.
	rd := Dispatch(c, l, at("2026-11-02T15:00:00+08:00"))
	check("reopened due", rd.Handling.Due, "2026-11-23T15:00:00+08:00")
}

func TestUrgentRunsOnTheWallClock(t *testing.T) {
	c := Official()
	l, _ := DefaultPolicy().Resolve(Request{Type: Help, Urgency: Urgent, Category: water})
	d := Dispatch(c, l, at("2026-10-01T23:00:00+08:00"))
	for what, pair := range map[string][2]time.Time{
		"sign-for":  {d.SignFor.Due, at("2026-10-01T23:30:00+08:00")},
		"handling":  {d.Handling.Due, at("2026-10-02T01:00:00+08:00")},
		"warning":   {d.Handling.Warn, at("2026-10-02T00:30:00+08:00")},
		"supervise": {d.Supervise, at("2026-10-02T02:00:00+08:00")},
	} {
		if !pair[0].Equal(pair[1]) {
			t.Errorf("%s = %s, want %s", what, rfc(pair[0]), rfc(pair[1]))
		}
	}
	if p := d.Pause(c, at("2026-10-01T23:10:00+08:00"), at("2026-10-02T08:00:00+08:00")); !p.Handling.Due.Equal(d.Handling.Due) {
		t.Error("an urgent ticket's clock must not pause")
	}
}

func TestDeadlineProperties(t *testing.T) {
	c := Official()
	p := DefaultPolicy()
	r := rand.New(rand.NewSource(12))
	cats := [][]string{nil, water, {"城乡建设", "安全生产", "安全隐患"}}
	for i := 0; i < 1500; i++ {
		q := Request{Type: requestTypes[r.Intn(len(requestTypes))], Urgency: urgencies[r.Intn(len(urgencies))], Category: cats[r.Intn(len(cats))]}
		l, err := p.Resolve(q)
		if err != nil {
			t.Fatal(err)
		}
		from := randInstant(r)
		d := Dispatch(c, l, from)
		for _, dl := range []Deadline{d.SignFor, d.Handling, d.Reply} {
			if !dl.Warn.After(from) || !dl.Warn.Before(dl.Due) {
				t.Fatalf("%+v from %s: warning %s not between start and due %s", q, rfc(from), rfc(dl.Warn), rfc(dl.Due))
			}
			// working days keep the start's time of day, a working moment;
			// working hours run out at the end of a stretch of working time
			if (dl.Limit.Unit == WorkingDays && !c.IsWorkingTime(dl.Due)) ||
				(dl.Limit.Unit == WorkingHours && !c.IsWorkingTime(dl.Due.Add(-time.Nanosecond))) {
				t.Fatalf("%+v from %s: due %s not reached in working time", q, rfc(from), rfc(dl.Due))
			}
			if used := dl.Limit.measure(c, from, dl.Warn); used < time.Duration(float64(dl.Length)*0.75)-time.Second || used > time.Duration(float64(dl.Length)*0.75)+time.Second {
				t.Fatalf("%+v from %s: warning after %s of %s", q, rfc(from), used, dl.Length)
			}
		}
		// a pause moves a running deadline by exactly the paused time on its clock
		ps := from.Add(time.Duration(r.Int63n(int64(48 * time.Hour))))
		pe := ps.Add(time.Duration(r.Int63n(int64(96 * time.Hour))))
		pd := d.Pause(c, ps, pe)
		if !l.Pausable || !ps.Before(d.Handling.Due) {
			if !pd.Handling.Due.Equal(d.Handling.Due) {
				t.Fatalf("%+v: deadline moved by a pause that must not count", q)
			}
			continue
		}
		if moved, paused := l.Handling.measure(c, d.Handling.Due, pd.Handling.Due), l.Handling.measure(c, ps, pe); moved != paused {
			t.Fatalf("%+v: pause of %s moved the deadline by %s", q, paused, moved)
		}
	}
}

// TestRuleErrorFields: each bad field of a rule is named, so an administrator's form can
// show the reason beside it.
func TestRuleErrorFields(t *testing.T) {
	_, err := NewPolicy([]Rule{{Handling: InWorkingDays(1)}, {Type: "投诉", Reply: InWorkingDays(0), WarnAt: 2}})
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var re *RuleError
		if !errors.As(e, &re) {
			t.Fatalf("%v is not a *RuleError", e)
		}
		got = append(got, fmt.Sprintf("%d.%s", re.Rule, re.Field))
	}
	if want := []string{"2.type", "2.reply", "2.warn_at"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
}

// TestRuleByCategoryID: a rule naming a category by id matches requests whose id path holds
// it, at that depth; the name path alone does not.
func TestRuleByCategoryID(t *testing.T) {
	p, err := NewPolicy(append(DefaultRules(), Rule{Type: Complaint, Category: "cs-srhw", Handling: InWorkingDays(5)}))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"城乡建设", "市容环卫", "占道经营"}
	l, _ := p.Resolve(Request{Type: Complaint, Urgency: Normal, Category: names, CategoryIDs: []string{"cs", "cs-srhw", "cs-srhw-zdjy"}})
	if l.Handling != InWorkingDays(5) {
		t.Errorf("by id: handling %s, want 5 working days", l.Handling)
	}
	l, _ = p.Resolve(Request{Type: Complaint, Urgency: Normal, Category: names})
	if l.Handling != InWorkingDays(15) {
		t.Errorf("without ids: handling %s, want the 15-day default", l.Handling)
	}
}

func TestLimitSpec(t *testing.T) {
	for _, s := range []string{"15wd", "4wh", "90wm", "24h", "30m"} {
		l, err := ParseLimit(s)
		if err != nil || l.Spec() != s {
			t.Errorf("ParseLimit(%q).Spec() = %q, %v", s, l.Spec(), err)
		}
	}
	if (Limit{}).Spec() != "" {
		t.Error("the zero limit has a spec")
	}
	for _, r := range DefaultRules() {
		for _, l := range []Limit{r.SignFor, r.Handling, r.Reply, r.Supervise} {
			if back, err := ParseLimit(l.Spec()); !l.IsZero() && (err != nil || back != l) {
				t.Errorf("default limit %v does not round-trip: %q → %v, %v", l, l.Spec(), back, err)
			}
		}
	}
}
