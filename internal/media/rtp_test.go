package media

import (
	"context"
	"errors"
	"math"
	"net"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// phone is a bare UDP socket standing in for a SIP phone's media port.
type phone struct {
	t    *testing.T
	conn *net.UDPConn
	seq  uint16
	ts   uint32
}

func newPhone(t *testing.T) *phone {
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &phone{t: t, conn: c}
}

func (p *phone) addr() *net.UDPAddr { return p.conn.LocalAddr().(*net.UDPAddr) }

func (p *phone) send(to *net.UDPAddr, pt uint8, payload []byte, samples uint32) {
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: p.seq, Timestamp: p.ts, SSRC: 42}, Payload: payload}
	p.seq++
	p.ts += samples
	b, _ := pkt.Marshal()
	if _, err := p.conn.WriteToUDP(b, to); err != nil {
		p.t.Fatal(err)
	}
}

func (p *phone) recv(timeout time.Duration) (*rtp.Packet, error) {
	buf := make([]byte, 1500)
	p.conn.SetReadDeadline(time.Now().Add(timeout))
	n, _, err := p.conn.ReadFromUDP(buf)
	if err != nil {
		return nil, err
	}
	var pkt rtp.Packet
	return &pkt, pkt.Unmarshal(buf[:n])
}

func newTestSession(t *testing.T, ports *Ports, c Codec, timeout time.Duration) *Session {
	conn, err := ports.Listen()
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(conn, c, 101, timeout)
	t.Cleanup(func() { s.Close() })
	return s
}

func tone(n int, amp float64) []int16 {
	pcm := make([]int16, n)
	for i := range pcm {
		pcm[i] = int16(amp * math.Sin(2*math.Pi*440*float64(i)/SampleRate))
	}
	return pcm
}

func TestBridgeTranscodesRecordsAndDetectsKeys(t *testing.T) {
	ports := &Ports{IP: "127.0.0.1", Min: 41000, Max: 41100}
	callerLeg := newTestSession(t, ports, PCMU, 0)
	agentLeg := newTestSession(t, ports, PCMA, 0)
	if callerLeg.LocalPort()%2 != 0 || agentLeg.LocalPort() == callerLeg.LocalPort() {
		t.Fatalf("ports %d %d", callerLeg.LocalPort(), agentLeg.LocalPort())
	}
	callerPhone, agentPhone := newPhone(t), newPhone(t)
	agentLeg.SetRemote(agentPhone.addr())

	path := filepath.Join(t.TempDir(), "rec.wav")
	w, err := CreateWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	rec := NewMixer(w, 100*time.Millisecond)
	var keys atomic.Value
	keys.Store("")
	whisper := &Inject{}
	whisper.Push(tone(FrameSamples*5, 4000))
	Bridge(callerLeg, agentLeg, rec, func(leg int, k rune) {
		if leg == 0 {
			keys.Store(keys.Load().(string) + string(k))
		}
	}, whisper, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go callerLeg.Run(ctx)
	go agentLeg.Run(ctx)

	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: callerLeg.LocalPort()}
	audio := tone(FrameSamples*25, 8000)
	start := time.Now()
	got := 0
	for i := 0; i < len(audio); i += FrameSamples {
		callerPhone.send(to, PTPCMU, EncodeULaw(audio[i:i+FrameSamples], nil), FrameSamples)
		pkt, err := agentPhone.recv(time.Second)
		if err != nil {
			t.Fatalf("agent got nothing for frame %d: %v", i/FrameSamples, err)
		}
		if pkt.PayloadType != PTPCMA || len(pkt.Payload) != FrameSamples {
			t.Fatalf("agent packet PT %d len %d, want PCMA 160", pkt.PayloadType, len(pkt.Payload))
		}
		got++
		time.Sleep(20 * time.Millisecond)
	}
	// A key press as RFC 4733 events.
	for _, end := range []bool{false, true, true} {
		callerPhone.send(to, 101, TelephoneEvent{Event: 3, End: end, Duration: 160}.Marshal(), 0)
	}
	deadline := time.Now().Add(time.Second)
	for keys.Load().(string) != "3" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if k := keys.Load().(string); k != "3" {
		t.Fatalf("keys %q, want 3", k)
	}
	elapsed := time.Since(start)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	pcm := readBack(t, path)
	dur := time.Duration(len(pcm)) * time.Second / SampleRate
	if d := dur - elapsed; d < -100*time.Millisecond || d > 100*time.Millisecond {
		t.Fatalf("recording %s for %s of call", dur, elapsed)
	}
	var energy float64
	for _, s := range pcm {
		energy += float64(s) * float64(s)
	}
	if rms := math.Sqrt(energy / float64(len(pcm))); rms < 1000 {
		t.Fatalf("recording is near silent (rms %.0f): caller audio not mixed in", rms)
	}
	if whisper.Taken() != FrameSamples*5 {
		t.Fatalf("whisper mixed %d samples into the agent's stream, want %d", whisper.Taken(), FrameSamples*5)
	}
	if r, _ := callerLeg.Packets(); r < 25 {
		t.Fatalf("caller leg received %d packets", r)
	}
	// Symmetric RTP: the caller leg learnt where to send without SDP.
	if callerLeg.Remote().Port != callerPhone.addr().Port {
		t.Fatalf("caller leg remote %v", callerLeg.Remote())
	}
}

func TestInactivityTimeout(t *testing.T) {
	ports := &Ports{IP: "127.0.0.1", Min: 41200, Max: 41210}
	s := newTestSession(t, ports, PCMU, 150*time.Millisecond)
	start := time.Now()
	err := s.Run(context.Background())
	if !errors.Is(err, ErrInactive) {
		t.Fatalf("Run: %v, want ErrInactive", err)
	}
	if e := time.Since(start); e < 150*time.Millisecond || e > time.Second {
		t.Fatalf("timed out after %s", e)
	}
	if !errors.Is(s.Err(), ErrInactive) {
		t.Fatalf("Err: %v", s.Err())
	}
}

func TestCloseIsNotInactivity(t *testing.T) {
	ports := &Ports{IP: "127.0.0.1", Min: 41220, Max: 41230}
	s := newTestSession(t, ports, PCMU, time.Second)
	go func() { time.Sleep(50 * time.Millisecond); s.Close() }()
	if err := s.Run(context.Background()); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Run: %v", err)
	}
}

func TestPlayPacesPackets(t *testing.T) {
	ports := &Ports{IP: "127.0.0.1", Min: 41240, Max: 41250}
	s := newTestSession(t, ports, PCMA, 0)
	p := newPhone(t)
	s.SetRemote(p.addr())
	start := time.Now()
	if err := Play(context.Background(), s, tone(FrameSamples*10+40, 5000)); err != nil {
		t.Fatal(err)
	}
	if e := time.Since(start); e < 200*time.Millisecond || e > 400*time.Millisecond {
		t.Fatalf("11 frames took %s", e)
	}
	var last *rtp.Packet
	for i := range 11 {
		pkt, err := p.recv(time.Second)
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		if last != nil && (pkt.SequenceNumber != last.SequenceNumber+1 || pkt.Timestamp != last.Timestamp+FrameSamples) {
			t.Fatalf("packet %d seq %d ts %d after %d %d", i, pkt.SequenceNumber, pkt.Timestamp, last.SequenceNumber, last.Timestamp)
		}
		last = pkt
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Play(ctx, s, tone(FrameSamples*50, 5000)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled play: %v", err)
	}
}

func TestPortsExhausted(t *testing.T) {
	ports := &Ports{IP: "127.0.0.1", Min: 41300, Max: 41302}
	a, err := ports.Listen()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := ports.Listen()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if c, err := ports.Listen(); err == nil {
		c.Close()
		t.Fatal("third port from a two-port range")
	}
}

func TestSuspendedTimeoutSurvivesHold(t *testing.T) {
	ports := &Ports{IP: "127.0.0.1", Min: 41260, Max: 41270}
	s := newTestSession(t, ports, PCMU, 100*time.Millisecond)
	s.SetTimeout(0) // on hold
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx) }()
	select {
	case err := <-errc:
		t.Fatalf("held session ended: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	s.SetTimeout(100 * time.Millisecond) // resumed, still silent
	select {
	case err := <-errc:
		if !errors.Is(err, ErrInactive) {
			t.Fatalf("after resume: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("inactivity not detected after resume")
	}
	cancel()
}

func TestRunStopsOnContextWhileSuspended(t *testing.T) {
	ports := &Ports{IP: "127.0.0.1", Min: 41280, Max: 41290}
	s := newTestSession(t, ports, PCMU, 0) // no inactivity timeout at all
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Run ignored the cancelled context")
	}
}

// The read deadline is re-armed about once a second, not per packet: the peer must still
// get the whole timeout of silence after its last packet, neither less nor much more.
func TestInactivityCountsFromTheLastPacket(t *testing.T) {
	ports := &Ports{IP: "127.0.0.1", Min: 41320, Max: 41330}
	s := newTestSession(t, ports, PCMU, 300*time.Millisecond)
	p := newPhone(t)
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.LocalPort()}
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	// last is taken before each send: the session cannot have the packet earlier, whereas a
	// time taken after the send may be late by however long the test was descheduled.
	var last time.Time
	for range 40 { // 800 ms of audio, longer than the timeout
		last = time.Now()
		p.send(to, PTPCMU, EncodeULaw(tone(FrameSamples, 1000), nil), FrameSamples)
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrInactive) {
			t.Fatalf("Run: %v, want ErrInactive", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no inactivity timeout")
	}
	if e := time.Since(last); e < 300*time.Millisecond || e > 1500*time.Millisecond {
		t.Fatalf("timed out %s after the last packet, want 300 ms", e)
	}
	if rx, _ := s.Packets(); rx != 40 {
		t.Fatalf("received %d packets, want 40", rx)
	}
}
