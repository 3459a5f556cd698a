package sla

import (
	"sync"
	"time"
)

// Clock is the time the scheduler and the outbox worker run on: the wall clock in
// production, a ManualClock in tests that move time.
type Clock interface {
	Now() time.Time
	// At sends once this clock reaches t (at once if it has). An instant, not a duration:
	// a test clock moved between reading Now and asking would otherwise wait too long.
	At(t time.Time) <-chan time.Time
}

// WallClock is the real time.
type WallClock struct{}

func (WallClock) Now() time.Time                  { return time.Now() }
func (WallClock) At(t time.Time) <-chan time.Time { return time.After(time.Until(t)) }

// ManualClock stands still until a test moves it; waiters fire when it passes their time.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []manualWaiter
}

type manualWaiter struct {
	at time.Time
	ch chan time.Time
}

// NewManualClock starts a clock at now.
func NewManualClock(now time.Time) *ManualClock { return &ManualClock{now: now} }

func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *ManualClock) At(t time.Time) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if !t.After(c.now) {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, manualWaiter{at: t, ch: ch})
	return ch
}

// Set moves the clock to t (forward or back) and wakes the waiters whose time came.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(t) {
			w.ch <- t
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }
