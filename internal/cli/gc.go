package cli

import (
	"os"
	"runtime/debug"
)

// tuneGC sets the collector for a long-running server or load generator. Their live heap is
// tens of megabytes while a busy hotline allocates about 100 MB/s (request bodies, JSON,
// PostgreSQL's encoded batches); with Go's default, a collection each time the heap has
// doubled, that is several collections a second. Unless GOGC is set, the heap may grow by
// 300 % between collections; unless GOMEMLIMIT is set, a soft limit of 1 GiB makes the
// collector work harder instead of letting the process grow past it.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}
