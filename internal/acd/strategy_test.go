package acd

import (
	"slices"
	"testing"
	"time"
)

func TestChoose(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	// Each agent is best under exactly one criterion so a wrong sort key shows.
	agents := []Agent{
		{Ext: "1001", Order: 1, CallsTaken: 9, TalkTime: 50 * time.Minute, IdleSince: t0.Add(3 * time.Minute), Skills: map[string]int{"12345": 1}},
		{Ext: "1002", Order: 2, CallsTaken: 1, TalkTime: 40 * time.Minute, IdleSince: t0.Add(2 * time.Minute), Skills: map[string]int{"12345": 2}},
		{Ext: "1003", Order: 3, CallsTaken: 5, TalkTime: 5 * time.Minute, IdleSince: t0.Add(4 * time.Minute), Skills: map[string]int{"12345": 3}},
		{Ext: "1004", Order: 4, CallsTaken: 7, TalkTime: 30 * time.Minute, IdleSince: t0, Skills: map[string]int{"12345": 5}},
		{Ext: "1005", Order: 5, CallsTaken: 3, TalkTime: 20 * time.Minute, IdleSince: t0.Add(time.Minute), Skills: map[string]int{"12345": 4}},
	}
	tests := []struct {
		s    Strategy
		cur  Cursor
		want []string
	}{
		{FewestCalls, Cursor{}, []string{"1002"}},
		{LeastTalkTime, Cursor{}, []string{"1003"}},
		{LongestIdle, Cursor{}, []string{"1004"}},
		{SkillLevel, Cursor{}, []string{"1004"}},
		{AgentOrder, Cursor{}, []string{"1001"}},
		{RingAll, Cursor{}, []string{"1001", "1002", "1003", "1004", "1005"}},
		{RoundRobin, Cursor{}, []string{"1001"}},
		{RoundRobin, Cursor{Order: 2, Ext: "1002"}, []string{"1003"}},
		{RoundRobin, Cursor{Order: 5, Ext: "1005"}, []string{"1001"}}, // wraps
	}
	for _, tt := range tests {
		got := Choose(tt.s, "12345", agents, tt.cur)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s cursor %+v: got %v, want %v", tt.s, tt.cur, got, tt.want)
		}
	}
}

func TestChooseTiesFallBackToSeatOrder(t *testing.T) {
	agents := []Agent{
		{Ext: "1009", Order: 9, Skills: map[string]int{"g": 1}},
		{Ext: "1003", Order: 3, Skills: map[string]int{"g": 1}},
		{Ext: "1005", Order: 5, Skills: map[string]int{"g": 1}},
	}
	for _, s := range []Strategy{FewestCalls, LeastTalkTime, LongestIdle, SkillLevel, AgentOrder} {
		if got := Choose(s, "g", agents, Cursor{}); !slices.Equal(got, []string{"1003"}) {
			t.Errorf("%s: tie gave %v, want seat order 1003", s, got)
		}
	}
	if got := Choose(FewestCalls, "g", nil, Cursor{}); got != nil {
		t.Errorf("no candidates: got %v", got)
	}
}

func TestParseStrategy(t *testing.T) {
	for _, s := range Strategies {
		if got, err := ParseStrategy(string(s)); err != nil || got != s {
			t.Errorf("ParseStrategy(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseStrategy("random"); err == nil {
		t.Error("unknown strategy accepted")
	}
}
