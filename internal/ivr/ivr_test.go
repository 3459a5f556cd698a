package ivr

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// scriptHost answers each Collect with the next scripted input and records what played.
type scriptHost struct {
	inputs  []string
	played  []string
	tickets map[string]string
	hangAt  int // hang up on this Collect (1-based), 0 = never
	calls   int
}

func (h *scriptHost) Play(ctx context.Context, prompts ...string) error {
	h.played = append(h.played, prompts...)
	return nil
}

func (h *scriptHost) Collect(ctx context.Context, prompts []string, max int, timeout time.Duration, term string) (string, error) {
	h.calls++
	if h.hangAt == h.calls {
		return "", context.Canceled
	}
	h.played = append(h.played, prompts...)
	if len(h.inputs) == 0 {
		return "", nil
	}
	in := h.inputs[0]
	h.inputs = h.inputs[1:]
	if term != "" {
		in, _, _ = strings.Cut(in, term)
	}
	if len(in) > max {
		in = in[:max]
	}
	return in, nil
}

func (h *scriptHost) TicketStatus(n string) (string, bool) {
	s, ok := h.tickets[n]
	return s, ok
}

func hotlineMenu() Menu {
	return Menu{Start: "welcome", Nodes: map[string]Node{
		"welcome": {Kind: Play, Prompts: []string{"greeting"}, Next: "main"},
		"main": {Kind: Collect, Prompts: []string{"menu-main"}, MaxDigits: 1, Timeout: 5 * time.Second, Retries: 2,
			Invalid: []string{"invalid"}, Var: "choice",
			Branches: map[string]string{"1": "agents", "2": "ticket", "3": "leave-message", "0": "vip"}, Default: "agents"},
		"ticket":        {Kind: Collect, Prompts: []string{"ticket-enter"}, MaxDigits: 20, Timeout: 8 * time.Second, Terminator: "#", Var: "ticket", Next: "say-status", Default: "main"},
		"say-status":    {Kind: Status, Var: "ticket", Next: "after-status"},
		"after-status":  {Kind: Hangup, Prompts: []string{"goodbye"}},
		"agents":        {Kind: Queue, Target: "q12345"},
		"vip":           {Kind: Queue, Target: "q12345", Priority: 9},
		"leave-message": {Kind: Voicemail, Prompts: []string{"voicemail"}},
	}}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		inputs     []string
		wantKind   Kind
		wantTarget string
		wantPrio   int
		wantPath   []string
		wantPlayed []string
	}{
		{"queue by key", []string{"1"}, Queue, "q12345", 0, []string{"welcome", "main", "agents"}, []string{"greeting", "menu-main"}},
		{"priority queue", []string{"0"}, Queue, "q12345", 9, []string{"welcome", "main", "vip"}, []string{"greeting", "menu-main"}},
		{"voicemail", []string{"3"}, Voicemail, "", 0, []string{"welcome", "main", "leave-message"}, []string{"greeting", "menu-main", "voicemail"}},
		{"invalid then valid", []string{"7", "3"}, Voicemail, "", 0, []string{"welcome", "main", "leave-message"},
			[]string{"greeting", "menu-main", "invalid", "menu-main", "voicemail"}},
		{"no key at all goes to default", nil, Queue, "q12345", 0, []string{"welcome", "main", "agents"},
			[]string{"greeting", "menu-main", "menu-main", "menu-main"}},
		{"ticket found", []string{"2", "2026112100001#"}, Hangup, "", 0, []string{"welcome", "main", "ticket", "say-status", "after-status"},
			[]string{"greeting", "menu-main", "ticket-enter", "ticket-status", "status-processing", "goodbye"}},
		{"ticket not found", []string{"2", "999#"}, Hangup, "", 0, []string{"welcome", "main", "ticket", "say-status", "after-status"},
			[]string{"greeting", "menu-main", "ticket-enter", "ticket-not-found", "goodbye"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scriptHost{inputs: tt.inputs, tickets: map[string]string{"2026112100001": "processing"}}
			out, err := Run(context.Background(), hotlineMenu(), h)
			if err != nil {
				t.Fatal(err)
			}
			if out.Kind != tt.wantKind || out.Target != tt.wantTarget || out.Priority != tt.wantPrio {
				t.Errorf("outcome %+v", out)
			}
			if !slices.Equal(out.Path, tt.wantPath) {
				t.Errorf("path %v, want %v", out.Path, tt.wantPath)
			}
			if !slices.Equal(h.played, tt.wantPlayed) {
				t.Errorf("played %v, want %v", h.played, tt.wantPlayed)
			}
		})
	}
}

func TestRunCallerHangsUp(t *testing.T) {
	h := &scriptHost{hangAt: 1}
	out, err := Run(context.Background(), hotlineMenu(), h)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if !slices.Equal(out.Path, []string{"welcome", "main"}) {
		t.Fatalf("path %v", out.Path)
	}
}

func TestRunStopsLoops(t *testing.T) {
	m := Menu{Start: "a", Nodes: map[string]Node{
		"a": {Kind: Play, Prompts: []string{"x"}, Next: "b"},
		"b": {Kind: Play, Prompts: []string{"y"}, Next: "a"},
	}}
	if _, err := Run(context.Background(), m, &scriptHost{}); !errors.Is(err, ErrLoop) {
		t.Fatalf("err %v", err)
	}
}

func TestValidate(t *testing.T) {
	if err := hotlineMenu().Validate(); err != nil {
		t.Fatalf("good menu: %v", err)
	}
	bad := []Menu{
		{Start: "nope", Nodes: map[string]Node{"a": {Kind: Hangup}}},
		{Start: "a", Nodes: map[string]Node{"a": {Kind: Play, Next: "missing"}}},
		{Start: "a", Nodes: map[string]Node{"a": {Kind: Collect, MaxDigits: 1, Timeout: time.Second, Branches: map[string]string{"1": "gone"}}}},
		{Start: "a", Nodes: map[string]Node{"a": {Kind: Collect, Next: "a"}}},
		{Start: "a", Nodes: map[string]Node{"a": {Kind: Queue}}},
		{Start: "a", Nodes: map[string]Node{"a": {Kind: "dance"}}},
		{Start: "a", Nodes: map[string]Node{"a": {Kind: Branch, Var: "x"}}},
	}
	for i, m := range bad {
		if err := m.Validate(); err == nil {
			t.Errorf("bad menu %d accepted", i)
		}
	}
}
