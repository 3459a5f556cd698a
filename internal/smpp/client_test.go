package smpp

import (
	"github.com/hotline-dev/hotline/internal/testpeer"

	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type sink struct {
	receipts chan Receipt
	messages chan Inbound
	mu       sync.Mutex
	failMO   bool
}

func newSink() *sink {
	return &sink{receipts: make(chan Receipt, 100), messages: make(chan Inbound, 100)}
}

func (s *sink) config(addr string) Config {
	return Config{
		Addr: addr, SystemID: "hotline", Password: "secret", Source: "12345",
		EnquireLink: time.Hour, ResponseTimeout: 3 * time.Second, BackoffMin: 50 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
		OnReceipt: func(r Receipt) error { s.receipts <- r; return nil },
		OnMessage: func(in Inbound) error {
			s.mu.Lock()
			fail := s.failMO
			s.mu.Unlock()
			if fail {
				return errors.New("store down")
			}
			s.messages <- in
			return nil
		},
	}
}

func startClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.WaitBound(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func waitFor[T any](t *testing.T, ch chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s within 5s", what)
	}
	panic("unreachable")
}

func TestAgainstRealMC(t *testing.T) {
	p := testpeer.Start(t, "smpp-server.js", "0")
	addr := "127.0.0.1:" + strconv.Itoa(p.Port)
	s := newSink()
	c := startClient(t, s.config(addr))
	if ev := p.Next(t, "bind", 5*time.Second); ev["ok"] != true || ev["system_id"] != "hotline" || ev["interface_version"] != float64(0x34) {
		t.Fatalf("bind %v", ev)
	}
	ctx := context.Background()

	t.Run("short UCS-2 text with a receipt", func(t *testing.T) {
		text := "您的诉求已受理，工单号2026112100001。"
		id, err := c.Send(ctx, Message{OutboxID: "ob-1", To: "13800138000", Text: text})
		if err != nil {
			t.Fatal(err)
		}
		ev := p.Next(t, "submit_sm", 5*time.Second)
		if ev["message"] != text || ev["data_coding"] != float64(8) || ev["esm_class"] != float64(0) ||
			ev["registered_delivery"] != float64(1) || ev["destination_addr"] != "13800138000" || ev["source_addr"] != "12345" || ev["udh"] != "" {
			t.Errorf("MC received %v", ev)
		}
		if id != ev["message_id"] {
			t.Errorf("provider id %q, MC gave %v", id, ev["message_id"])
		}
		r := waitFor(t, s.receipts, "receipt")
		if r.MessageID != id || !r.Delivered() || r.From != "13800138000" {
			t.Errorf("receipt %+v for %s", r, id)
		}
		if ev := p.Next(t, "deliver_sm_resp", 5*time.Second); ev["kind"] != "receipt" || ev["command_status"] != float64(0) {
			t.Errorf("receipt acknowledged with %v", ev)
		}

		// the same outbox id again: nothing goes out, the same id comes back
		again, err := c.Send(ctx, Message{OutboxID: "ob-1", To: "13800138000", Text: text})
		if err != nil || again != id {
			t.Errorf("re-send: %q, %v; want %q", again, err, id)
		}
		if _, err := c.Send(ctx, Message{OutboxID: "ob-marker", To: "13800138000", Text: "marker"}); err != nil {
			t.Fatal(err)
		}
		if ev := p.Next(t, "submit_sm", 5*time.Second); ev["message"] != "marker" {
			t.Errorf("re-sent outbox id reached the MC: %v", ev)
		}
		waitFor(t, s.receipts, "marker receipt")
	})

	t.Run("long text in concatenated parts", func(t *testing.T) {
		text := strings.Repeat("市民您好，您反映的路灯不亮问题已转交城管局办理。", 6) // 150 characters
		id, err := c.Send(ctx, Message{OutboxID: "ob-long", To: "13800138001", Text: text})
		if err != nil {
			t.Fatal(err)
		}
		evs := p.Collect(t, "submit_sm", 3, 5*time.Second)
		var joined strings.Builder
		var ids []string
		ref := ""
		for i, ev := range evs {
			udh := ev["udh"].(string)
			// the peer lists the header's elements, after the length octet
			if len(udh) != 10 || udh[:4] != "0003" || udh[6:] != fmt.Sprintf("03%02x", i+1) {
				t.Errorf("part %d UDH %q", i+1, udh)
			}
			if ref == "" {
				ref = udh[4:6]
			} else if udh[4:6] != ref {
				t.Errorf("part %d reference %s, first part had %s", i+1, udh[4:6], ref)
			}
			if ev["esm_class"].(float64) != 0x40 || ev["data_coding"] != float64(8) {
				t.Errorf("part %d esm_class %v data_coding %v", i+1, ev["esm_class"], ev["data_coding"])
			}
			joined.WriteString(ev["message"].(string))
			ids = append(ids, ev["message_id"].(string))
		}
		if joined.String() != text {
			t.Errorf("MC joined %q", joined.String())
		}
		if id != strings.Join(ids, ",") {
			t.Errorf("provider id %q, want %q", id, strings.Join(ids, ","))
		}
		for range 3 {
			waitFor(t, s.receipts, "part receipt")
		}
	})

	t.Run("a retry after a part failed sends only the missing parts", func(t *testing.T) {
		text := strings.Repeat("重", 150)
		_, err := c.Send(ctx, Message{OutboxID: "ob-partial", To: "1021234567", Text: text})
		if err == nil || IsPermanent(err) {
			t.Fatalf("first try: %v, want a temporary failure of part 2", err)
		}
		first := p.Collect(t, "submit_sm", 2, 5*time.Second) // part 1 taken, part 2 throttled
		id, err := c.Send(ctx, Message{OutboxID: "ob-partial", To: "1021234567", Text: text})
		if err != nil {
			t.Fatal(err)
		}
		retry := p.Collect(t, "submit_sm", 2, 5*time.Second) // parts 2 and 3 only
		if first[0]["udh"] == first[1]["udh"] || retry[0]["udh"] != first[1]["udh"] || retry[1]["udh"].(string)[6:] != "0303" {
			t.Errorf("parts sent: first %v %v, retry %v %v", first[0]["udh"], first[1]["udh"], retry[0]["udh"], retry[1]["udh"])
		}
		want := strings.Join([]string{first[0]["message_id"].(string), retry[0]["message_id"].(string), retry[1]["message_id"].(string)}, ",")
		if id != want {
			t.Errorf("provider id %q, want %q", id, want)
		}
		for range 3 {
			waitFor(t, s.receipts, "part receipt")
		}
	})

	t.Run("errors are classified", func(t *testing.T) {
		_, err := c.Send(ctx, Message{OutboxID: "ob-throttled", To: "1001234567", Text: "hi"})
		var e *Error
		if !errors.As(err, &e) || e.Permanent || e.Status != StatusThrottled {
			t.Errorf("throttled: %v, want temporary 0x58", err)
		}
		_, err = c.Send(ctx, Message{OutboxID: "ob-baddest", To: "1011234567", Text: "hi"})
		if !errors.As(err, &e) || !e.Permanent || e.Status != StatusInvDstAdr || !IsPermanent(err) {
			t.Errorf("invalid destination: %v, want permanent 0x0B", err)
		}
		for _, m := range []Message{{OutboxID: "x", To: "abc", Text: "hi"}, {OutboxID: "x", To: "13800138000"}, {To: "13800138000", Text: "hi"}} {
			if _, err := c.Send(ctx, m); !IsPermanent(err) {
				t.Errorf("Send(%+v) = %v, want a permanent error", m, err)
			}
		}
		p.Collect(t, "submit_sm", 2, 5*time.Second)
	})

	t.Run("inbound texts reach the handler", func(t *testing.T) {
		p.Command(t, map[string]any{"cmd": "mo", "from": "13800138000", "to": "12345", "text": "1"})
		in := waitFor(t, s.messages, "MO")
		if in.From != "13800138000" || in.To != "12345" || in.Text != "1" || in.Parts != 1 {
			t.Errorf("inbound %+v", in)
		}
		if ev := p.Next(t, "deliver_sm_resp", 5*time.Second); ev["kind"] != "mo" || ev["command_status"] != float64(0) {
			t.Errorf("MO acknowledged with %v", ev)
		}
		p.Command(t, map[string]any{"cmd": "mo", "from": "13900139000", "to": "12345", "parts": []string{"您好，路灯", "已经修好了，满意"}})
		in = waitFor(t, s.messages, "concatenated MO")
		if in.Text != "您好，路灯已经修好了，满意" || in.Parts != 2 || in.From != "13900139000" {
			t.Errorf("inbound %+v", in)
		}
		p.Collect(t, "deliver_sm_resp", 2, 5*time.Second)

		// a handler that fails answers with a temporary error so the MC redelivers
		s.mu.Lock()
		s.failMO = true
		s.mu.Unlock()
		p.Command(t, map[string]any{"cmd": "mo", "from": "13800138000", "to": "12345", "text": "3"})
		if ev := p.Next(t, "deliver_sm_resp", 5*time.Second); ev["command_status"] != float64(StatusXTAppn) {
			t.Errorf("failed handler acknowledged with %v", ev)
		}
		s.mu.Lock()
		s.failMO = false
		s.mu.Unlock()
	})

	t.Run("enquire_link and generic_nack", func(t *testing.T) {
		p.Command(t, map[string]any{"cmd": "enquire_link"})
		if ev := p.Next(t, "enquire_link_resp", 5*time.Second); ev["command_status"] != float64(0) {
			t.Errorf("enquire_link_resp %v", ev)
		}
		p.Command(t, map[string]any{"cmd": "unknown"})
		if ev := p.Next(t, "generic_nack", 5*time.Second); ev["command_status"] != float64(StatusInvCmdID) || ev["sequence"] != float64(77) {
			t.Errorf("generic_nack %v", ev)
		}
	})

	t.Run("reconnects after the link drops", func(t *testing.T) {
		p.Command(t, map[string]any{"cmd": "drop"})
		p.Next(t, "dropped", 5*time.Second)
		// Once the client has seen the link go, Send waits for the new bind. A send racing
		// the drop fails as temporary, and the outbox retries it: so does this test.
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		var id string
		var err error
		for try := 0; try < 3; try++ {
			if id, err = c.Send(sctx, Message{OutboxID: "ob-after-drop", To: "13800138000", Text: "重连后发送"}); err == nil || IsPermanent(err) {
				break
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev := p.Next(t, "bind", 5*time.Second); ev["ok"] != true {
			t.Errorf("rebind %v", ev)
		}
		if ev := p.Next(t, "submit_sm", 5*time.Second); ev["message_id"] != id || ev["message"] != "重连后发送" {
			t.Errorf("after reconnect the MC got %v", ev)
		}
	})

	t.Run("Close unbinds", func(t *testing.T) {
		c.Close()
		p.Next(t, "unbind", 5*time.Second)
		if _, err := c.Send(ctx, Message{OutboxID: "ob-closed", To: "13800138000", Text: "x"}); err == nil || IsPermanent(err) {
			t.Errorf("Send after Close: %v, want a temporary error", err)
		}
	})
}

// A window of 3 keeps exactly 3 submit_sm in flight when the MC is slow.
func TestWindow(t *testing.T) {
	p := testpeer.Start(t, "smpp-server.js", "0")
	s := newSink()
	cfg := s.config("127.0.0.1:" + strconv.Itoa(p.Port))
	cfg.Window, cfg.NoReceipts = 3, true
	c := startClient(t, cfg)
	p.Command(t, map[string]any{"cmd": "delay", "ms": 150})
	p.Next(t, "delay", 5*time.Second)

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 9)
	for i := range 9 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Send(context.Background(), Message{OutboxID: fmt.Sprint("w", i), To: "13800138000", Text: fmt.Sprint("第", i, "条")})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	maxInflight := 0.0
	for _, ev := range p.Collect(t, "submit_sm", 9, 5*time.Second) {
		if ev["registered_delivery"] != float64(0) {
			t.Errorf("receipt asked for with NoReceipts: %v", ev)
		}
		maxInflight = max(maxInflight, ev["inflight"].(float64))
	}
	if maxInflight != 3 {
		t.Errorf("at most %v submit_sm in flight, want 3", maxInflight)
	}
	// 9 messages, 3 at a time, 150 ms each: about 450 ms, far from 9 × 150
	if elapsed < 440*time.Millisecond || elapsed > 1200*time.Millisecond {
		t.Errorf("9 sends took %s, want about 450ms", elapsed)
	}
}

func TestBindRefusedAndKeepAlive(t *testing.T) {
	p := testpeer.Start(t, "smpp-server.js", "0")
	addr := "127.0.0.1:" + strconv.Itoa(p.Port)
	s := newSink()
	cfg := s.config(addr)
	cfg.Password = "wrong"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	_, err = c.Send(ctx, Message{OutboxID: "b1", To: "13800138000", Text: "x"})
	if err == nil || IsPermanent(err) || !strings.Contains(err.Error(), "bind refused") {
		t.Errorf("Send while refused: %v, want a temporary error naming the refused bind", err)
	}
	// it keeps trying with backoff
	for _, ev := range p.Collect(t, "bind", 2, 5*time.Second) {
		if ev["ok"] != false {
			t.Errorf("bind %v", ev)
		}
	}
	c.Close()

	cfg = s.config(addr)
	cfg.EnquireLink = 100 * time.Millisecond
	startClient(t, cfg)
	p.Collect(t, "enquire_link", 3, 5*time.Second)
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{{Addr: "nohost", SystemID: "x"}, {Addr: "127.0.0.1:1"}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}
