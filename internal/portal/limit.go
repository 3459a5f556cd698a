package portal

import (
	"sync"
	"time"
)

// Limiter is a token bucket per key (the client's IP): Burst requests at once, refilled at
// Burst per Per. It lives in memory; a restart forgives everyone.
type Limiter struct {
	Burst int
	Per   time.Duration

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter allows burst requests per period per key.
func NewLimiter(burst int, per time.Duration) *Limiter {
	return &Limiter{Burst: burst, Per: per, buckets: map[string]*bucket{}}
}

// Allow takes one token from key's bucket at now, reporting false when it is empty.
func (l *Limiter) Allow(key string, now time.Time) bool {
	if l.Burst <= 0 {
		return true // no limit configured
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	refill := func(d time.Duration) float64 { return float64(l.Burst) * float64(d) / float64(l.Per) }
	if now.Sub(l.swept) > l.Per {
		// Full buckets carry no information: drop them so the map does not grow without end.
		for k, b := range l.buckets {
			if b.tokens+refill(now.Sub(b.at)) >= float64(l.Burst) {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.Burst), at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.Burst), b.tokens+refill(d))
		b.at = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
