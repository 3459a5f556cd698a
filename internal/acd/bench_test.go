package acd

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkBusyHourEvent is the work the call centre does on every call event in the busy
// hour: 200 agents, all talking, 50 callers waiting — Tick, then Dispatch.
func BenchmarkBusyHourEvent(b *testing.B) {
	c := NewCenter(Config{RingTimeout: 15 * time.Second, WrapUp: 10 * time.Second})
	if err := c.AddQueue(QueueConfig{Name: "q12345", Group: "12345", Strategy: LongestIdle}); err != nil {
		b.Fatal(err)
	}
	now := t0
	for i := range 200 {
		ext := fmt.Sprintf("%d", 1000+i)
		c.PutAgent(Agent{Ext: ext, Order: i + 1, Skills: map[string]int{"12345": 1}})
		if err := c.SetState(ext, Ready, now); err != nil {
			b.Fatal(err)
		}
		id := "talking-" + ext
		if _, err := c.Enqueue(id, "1380000"+ext, "q12345", 0, now); err != nil {
			b.Fatal(err)
		}
		for _, o := range c.Dispatch(now) {
			if _, err := c.Answer(o.CallID, o.Agents[0], now); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range 50 {
		if _, err := c.Enqueue(fmt.Sprintf("waiting-%d", i), "139", "q12345", 0, now); err != nil {
			b.Fatal(err)
		}
	}
	if offers := c.Dispatch(now); len(offers) != 0 {
		b.Fatalf("offers with every agent talking: %v", offers)
	}
	b.ResetTimer()
	for range b.N {
		now = now.Add(time.Millisecond)
		c.Tick(now)
		c.Dispatch(now)
		c.ReadyExts()
	}
}
