package callcenter

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/media"
)

// In-memory ports: what the work-order core will implement on its database.

type memCDR struct {
	mu   sync.Mutex
	cdrs []CDR
	ch   chan CDR
}

func newMemCDR() *memCDR { return &memCDR{ch: make(chan CDR, 100)} }

func (m *memCDR) WriteCDR(_ context.Context, c CDR) error {
	m.mu.Lock()
	m.cdrs = append(m.cdrs, c)
	m.mu.Unlock()
	m.ch <- c
	return nil
}

// next waits for the next CDR.
func (m *memCDR) next(t testing.TB, within time.Duration) CDR {
	t.Helper()
	select {
	case c := <-m.ch:
		return c
	case <-time.After(within):
		t.Fatalf("no CDR within %s", within)
		return CDR{}
	}
}

type memAgents struct {
	mu      sync.Mutex
	agents  []AgentInfo
	history []string
}

func (m *memAgents) Agents(context.Context) ([]AgentInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]AgentInfo(nil), m.agents...), nil
}

func (m *memAgents) AgentStateChanged(_ context.Context, ext string, st acd.AgentState, _ time.Time) error {
	m.mu.Lock()
	m.history = append(m.history, ext+":"+st.String())
	m.mu.Unlock()
	return nil
}

type memTickets map[string]string

func (m memTickets) TicketStatus(n string) (string, bool) { s, ok := m[n]; return s, ok }

type memEvents struct {
	mu     sync.Mutex
	events []Event
}

func (m *memEvents) Publish(e Event) { m.mu.Lock(); m.events = append(m.events, e); m.mu.Unlock() }

func (m *memEvents) types() []EventType {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []EventType
	for _, e := range m.events {
		out = append(out, e.Type)
	}
	return out
}

type fixedPeriod Period

func (f fixedPeriod) Period(time.Time) Period { return Period(f) }

// testPrompts writes every prompt the call centre uses as a short tone, so tests do not
// spend seconds listening to the real greeting.
func testPrompts(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	names := []string{"greeting", "please-hold", "queue-ahead", "queue-callers", "menu-main", "invalid", "voicemail",
		"voicemail-saved", "ticket-enter", "ticket-status", "ticket-not-found", "goodbye", "blacklist", "out-of-hours",
		"forward", "feature-ok", "beep", "hold-music", "status-processing", "status-closed"}
	for d := range 10 {
		names = append(names, fmt.Sprintf("digit-%d", d))
	}
	for i, n := range names {
		w, err := media.CreateWAV(filepath.Join(dir, n+".wav"))
		if err != nil {
			t.Fatal(err)
		}
		pcm := make([]int16, media.SampleRate/10) // 100 ms
		for j := range pcm {
			pcm[j] = int16(3000 * math.Sin(2*math.Pi*float64(300+20*i)*float64(j)/media.SampleRate))
		}
		w.Write(pcm)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func wavDuration(t testing.TB, path string) (time.Duration, float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pcm, err := media.ReadWAV(f)
	if err != nil {
		t.Fatal(err)
	}
	var e float64
	for _, s := range pcm {
		e += float64(s) * float64(s)
	}
	rms := 0.0
	if len(pcm) > 0 {
		rms = math.Sqrt(e / float64(len(pcm)))
	}
	return time.Duration(len(pcm)) * time.Second / media.SampleRate, rms
}
