package acd

import (
	"fmt"
	"slices"
)

// Strategy chooses which free agent gets the next call of a queue (分配策略).
type Strategy string

const (
	FewestCalls   Strategy = "fewest-calls"    // 接话数量均衡
	LeastTalkTime Strategy = "least-talk-time" // 通话时间均衡
	LongestIdle   Strategy = "longest-idle"    // 最长休息时间
	SkillLevel    Strategy = "skill-level"     // 业务级别: most senior first
	AgentOrder    Strategy = "agent-order"     // 座席编号: lowest seat number first
	RingAll       Strategy = "ring-all"        // 同振: ring every free agent, first answer wins
	RoundRobin    Strategy = "round-robin"     // 轮询
)

// Strategies lists every strategy, for configuration validation.
var Strategies = []Strategy{FewestCalls, LeastTalkTime, LongestIdle, SkillLevel, AgentOrder, RingAll, RoundRobin}

// ParseStrategy accepts the configuration spelling of a strategy.
func ParseStrategy(s string) (Strategy, error) {
	for _, v := range Strategies {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("acd: unknown strategy %q", s)
}

// Cursor is where round-robin stopped last time: the seat of the last agent offered.
type Cursor struct {
	Order int
	Ext   string
}

func (c Cursor) less(a *Agent) bool {
	if c.Order != a.Order {
		return c.Order < a.Order
	}
	return c.Ext < a.Ext
}

// Choose returns the extensions to ring for one call of group, picked from candidates
// (agents already known to be free and skilled in group). Ring-all returns every
// candidate; the other strategies return one. Ties always fall back to seat order, so the
// choice is deterministic for a given snapshot.
func Choose(s Strategy, group string, candidates []Agent, cur Cursor) []string {
	if len(candidates) == 0 {
		return nil
	}
	c := slices.Clone(candidates)
	bySeat := func(a, b *Agent) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		switch {
		case a.Ext < b.Ext:
			return -1
		case a.Ext > b.Ext:
			return 1
		}
		return 0
	}
	then := func(primary int, a, b *Agent) int {
		if primary != 0 {
			return primary
		}
		return bySeat(a, b)
	}
	cmpDur := func(x, y int64) int {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	var sortFn func(a, b Agent) int
	switch s {
	case FewestCalls:
		sortFn = func(a, b Agent) int { return then(a.CallsTaken-b.CallsTaken, &a, &b) }
	case LeastTalkTime:
		sortFn = func(a, b Agent) int { return then(cmpDur(int64(a.TalkTime), int64(b.TalkTime)), &a, &b) }
	case LongestIdle:
		// Earliest IdleSince has rested longest.
		sortFn = func(a, b Agent) int { return then(a.IdleSince.Compare(b.IdleSince), &a, &b) }
	case SkillLevel:
		sortFn = func(a, b Agent) int { return then(b.Skills[group]-a.Skills[group], &a, &b) }
	case AgentOrder, RingAll, RoundRobin:
		sortFn = func(a, b Agent) int { return bySeat(&a, &b) }
	default:
		sortFn = func(a, b Agent) int { return bySeat(&a, &b) }
	}
	slices.SortFunc(c, sortFn)
	switch s {
	case RingAll:
		out := make([]string, len(c))
		for i := range c {
			out[i] = c[i].Ext
		}
		return out
	case RoundRobin:
		for i := range c {
			if cur.less(&c[i]) {
				return []string{c[i].Ext}
			}
		}
		return []string{c[0].Ext} // wrap around
	}
	return []string{c[0].Ext}
}
