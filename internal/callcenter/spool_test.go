package callcenter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type flakySink struct {
	mu   sync.Mutex
	down bool
	got  []string
}

func (f *flakySink) WriteCDR(ctx context.Context, c CDR) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("database is down")
	}
	f.got = append(f.got, c.CallID)
	return nil
}

func (f *flakySink) set(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }
func (f *flakySink) ids() string   { f.mu.Lock(); defer f.mu.Unlock(); return strings.Join(f.got, ",") }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestSpoolKeepsOrderAcrossAnOutage(t *testing.T) {
	dir := t.TempDir()
	sink := &flakySink{}
	s, err := NewSpool(sink, dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	s.retry = 50 * time.Millisecond
	ctx := context.Background()
	s.WriteCDR(ctx, CDR{CallID: "a"})
	sink.set(true)
	for _, id := range []string{"b", "c"} {
		start := time.Now()
		if err := s.WriteCDR(ctx, CDR{CallID: id}); err != nil {
			t.Fatal(err)
		}
		if time.Since(start) > time.Second {
			t.Fatal("a call waited on the database")
		}
	}
	sink.set(false)
	// Sink is back but b, c are spooled: d must queue behind them.
	s.WriteCDR(ctx, CDR{CallID: "d"})
	if s.Pending() != 3 || sink.ids() != "a" {
		t.Fatalf("pending %d, delivered %q", s.Pending(), sink.ids())
	}
	lines, _ := os.ReadFile(filepath.Join(dir, "cdr-spool.jsonl"))
	if n := strings.Count(string(lines), "\n"); n != 3 {
		t.Fatalf("spool has %d lines", n)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.Run(rctx); close(done) }()
	deadline := time.Now().Add(3 * time.Second)
	for s.Pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if got := sink.ids(); got != "a,b,c,d" {
		t.Fatalf("delivered %q, want a,b,c,d", got)
	}
	if st, _ := os.Stat(filepath.Join(dir, "cdr-spool.jsonl")); st.Size() != 0 {
		t.Fatalf("spool not cleared: %d bytes", st.Size())
	}
}

func TestSpoolSurvivesRestartAndTornLine(t *testing.T) {
	dir := t.TempDir()
	sink := &flakySink{down: true}
	s, _ := NewSpool(sink, dir, quiet)
	for i := range 3 {
		s.WriteCDR(context.Background(), CDR{CallID: fmt.Sprint(i)})
	}
	// Pretend the first record was delivered before the crash, and the crash tore an append.
	first, _ := os.ReadFile(filepath.Join(dir, "cdr-spool.jsonl"))
	s.saveOffset(int64(strings.Index(string(first), "\n") + 1))
	f, _ := os.OpenFile(filepath.Join(dir, "cdr-spool.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"call_id":"tor`)
	f.Close()

	sink.set(false)
	s2, err := NewSpool(sink, dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Pending() != 2 {
		t.Fatalf("pending after restart %d, want 2", s2.Pending())
	}
	if err := s2.replay(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := sink.ids(); got != "1,2" {
		t.Fatalf("replayed %q", got)
	}
}
