package kb

import "time"

// SetCatchUpFor sets how long a search indexes pending tickets before it queries, and
// forgets when searches last caught up; it returns the old bound.
func SetCatchUpFor(d time.Duration) time.Duration {
	indexMu.Lock()
	defer indexMu.Unlock()
	old := catchUpFor
	catchUpFor = d
	clear(lastCatch)
	return old
}
