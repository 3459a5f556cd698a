package sla_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// BenchmarkScheduler measures the scheduler over HOTLINE_BENCH_TICKETS open tickets
// (default 1 000 000), each with a warning and an overdue timer due within the coming
// weeks, on each database:
//
//   - heap and RSS of the process with the scheduler running (it keeps no per-ticket state);
//   - CPU time (getrusage) while it idles HOTLINE_BENCH_IDLE seconds (default 30);
//   - fire latency (fired_at − due_at) of timers due over the next few seconds, at a steady
//     40 per second (200 timers) and in a burst of 333 per second (1 000 timers), each
//     armed in this process (Notify) and, separately, written as another node would (no
//     Notify, found by the 1 s re-read). Each firing is a real ticket event with its
//     outbox message.
//
// go test ./internal/sla -run '^$' -bench Scheduler -benchtime 1x -timeout 60m
func BenchmarkScheduler(b *testing.B) {
	n := envInt("HOTLINE_BENCH_TICKETS", 1_000_000)
	idle := time.Duration(envInt("HOTLINE_BENCH_IDLE", 30)) * time.Second
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			for range b.N {
				benchScheduler(b, be, n, idle)
			}
		})
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	var kb float64
	for _, line := range slices.Collect(func(yield func(string) bool) {
		start := 0
		for i, c := range b {
			if c == '\n' {
				if !yield(string(b[start:i])) {
					return
				}
				start = i + 1
			}
		}
	}) {
		if _, err := fmt.Sscanf(line, "VmRSS: %f kB", &kb); err == nil {
			return kb / 1024
		}
	}
	return 0
}

func benchScheduler(b *testing.B, be storetest.Backend, n int, idle time.Duration) {
	ctx := context.Background()
	st := be.Open(b)
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveDepartment(ctx, &org.Department{ID: "water", Code: "W", Name: "市水务集团", Kind: org.KindCompany, Phone: "13900000001"})
	}); err != nil {
		b.Fatal(err)
	}
	// Seed: overdue timers from 2 hours ahead, spread over ~3 weeks; warnings a day earlier
	// but never sooner than an hour ahead, so nothing seeded fires during the run.
	start := time.Now()
	due0 := start.Add(26 * time.Hour)
	step := 2 * time.Second
	const chunk = 100_000
	for from := 1; from <= n; from += chunk {
		if err := st.SeedOpenTickets(ctx, from, min(from+chunk, n+1), "water", due0, step); err != nil {
			b.Fatal(err)
		}
	}
	seeded := time.Since(start)
	unfired, _ := st.CountUnfiredTimers(ctx)
	b.Logf("%s: seeded %d open tickets, %d timers in %s", be.Name, n, unfired, seeded.Round(time.Second))

	s := sla.New(nil, nil)
	sc := &sla.Scheduler{Store: st, SLA: s, Node: "bench"}
	s.OnArm = sc.Notify
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sc.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()

	// Idle: the scheduler sleeps on the earliest due time and re-reads it each second.
	time.Sleep(2 * time.Second)
	c0, w0 := cpuTime(), time.Now()
	time.Sleep(idle)
	cpu, wall := cpuTime()-c0, time.Since(w0)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	idlePct := 100 * float64(cpu) / float64(wall)
	b.Logf("%s: idle %s: process CPU %s = %.3f%% of one core; heap in use %.1f MB (%.1f MB before the scheduler started); RSS %.0f MB",
		be.Name, wall.Round(time.Second), cpu.Round(time.Millisecond), idlePct,
		float64(after.HeapInuse)/1e6, float64(before.HeapInuse)/1e6, rssMB())
	b.ReportMetric(idlePct, "idle-cpu-%")
	b.ReportMetric(float64(after.HeapInuse)/1e6, "heap-MB")

	type round struct {
		name   string
		k      int
		gap    time.Duration
		notify bool
	}
	next := n // seeded tickets not yet used by a round
	for _, r := range []round{
		{"steady 40/s", 200, 25 * time.Millisecond, true}, {"steady 40/s", 200, 25 * time.Millisecond, false},
		{"burst 333/s", 1000, 3 * time.Millisecond, true}, {"burst 333/s", 1000, 3 * time.Millisecond, false},
	} {
		k, notify := r.k, r.notify
		first := time.Now().Add(2 * time.Second)
		var ts []store.Timer
		for i := range k {
			// Timers on seeded tickets, due 2–5 s from now, 3 ms apart.
			ts = append(ts, store.Timer{TicketID: fmt.Sprintf("bench-%d", next-i), Kind: ticket.TimerWarning,
				DueAt: first.Add(time.Duration(i) * r.gap)})
		}
		next -= k
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTimers(ctx, ts) }); err != nil {
			b.Fatal(err)
		}
		if notify {
			sc.Notify(first)
		}
		// Wait until the earliest unfired timer is past the last of these (one indexed read),
		// then read their fired_at.
		last := ts[len(ts)-1].DueAt
		deadline := time.Now().Add(30 * time.Second)
		for {
			next, ok, err := st.NextTimerDue(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if !ok || next.After(last) || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		var lat []time.Duration
		for _, tm := range ts {
			got, err := st.TicketTimers(ctx, tm.TicketID)
			if err != nil {
				b.Fatal(err)
			}
			for _, g := range got {
				if g.Kind == ticket.TimerWarning && g.DueAt.Equal(tm.DueAt.Truncate(time.Millisecond)) && g.FiredAt != nil {
					lat = append(lat, g.FiredAt.Sub(g.DueAt))
				}
			}
		}
		if len(lat) != k {
			b.Fatalf("%d of %d timers fired within 30s", len(lat), k)
		}
		slices.Sort(lat)
		p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
		how := "armed in this process (Notify)"
		if !notify {
			how = "written as by another node (1 s re-read)"
		}
		b.Logf("%s: fire latency, %s, %d timers %s: p50 %s p99 %s max %s", be.Name, r.name, k, how, p(0.5), p(0.99), lat[len(lat)-1])
		if r.k == 200 {
			unit := "fire-p99-ms"
			if !notify {
				unit = "fire-p99-other-node-ms"
			}
			b.ReportMetric(float64(p(0.99).Milliseconds()), unit)
		}
	}
}
