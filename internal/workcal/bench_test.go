package workcal

import (
	"testing"
	"time"
)

func BenchmarkAddWorkingDays15(b *testing.B) {
	c := Official()
	t0 := at("2026-09-30T10:00:00+08:00")
	for b.Loop() {
		c.AddWorkingDays(t0, 15)
	}
}

func BenchmarkWorkingTimeBetweenMonth(b *testing.B) {
	c := Official()
	a, z := at("2026-09-30T10:00:00+08:00"), at("2026-10-30T10:00:00+08:00")
	for b.Loop() {
		c.WorkingTimeBetween(a, z)
	}
}

func BenchmarkDispatchComplaint(b *testing.B) {
	c := Official()
	l, err := DefaultPolicy().Resolve(Request{Type: Complaint, Urgency: Normal})
	if err != nil {
		b.Fatal(err)
	}
	t0 := at("2026-09-30T10:00:00+08:00")
	for b.Loop() {
		Dispatch(c, l, t0.Add(time.Minute))
	}
}
