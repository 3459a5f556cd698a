package cli

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// tuneGC sets the collector for a long-running server or load generator. Their live heap is
// often tens of megabytes while a busy hotline allocates about 100 MB/s (request bodies,
// JSON, PostgreSQL's encoded batches); Go's default, a collection each time the heap has
// doubled, then collects several times a second. Unless GOGC is set, the heap may instead
// grow by gcHeadroom between collections (never less than doubling, as by default): 300 %
// of a 20 MB heap, 100 % once the search dictionary makes it 150 MB, so the server does not
// triple its 400 MB. Unless GOMEMLIMIT is set, a soft limit of 1 GiB makes the collector
// work harder rather than let the process grow past it. It stops when ctx ends.
func tuneGC(ctx context.Context) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
	if os.Getenv("GOGC") != "" {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	last := gcPercent(liveHeap(sample))
	debug.SetGCPercent(last)
	go func() {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if p := gcPercent(liveHeap(sample)); p != last {
				debug.SetGCPercent(p)
				last = p
			}
		}
	}()
}

func liveHeap(sample []metrics.Sample) uint64 {
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// gcHeadroom is how much the heap may grow between collections when it is small.
const gcHeadroom = 64 << 20

// gcPercent is GOGC for a live heap of live bytes: gcHeadroom of growth, between 100 %
// (Go's default) and 300 %, in steps of 25 so that small changes do not reset it.
func gcPercent(live uint64) int {
	if live == 0 {
		return 300
	}
	p := int(gcHeadroom * 100 / live)
	p = p / 25 * 25
	return min(max(p, 100), 300)
}
