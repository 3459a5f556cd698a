package media

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// ErrInactive ends a session whose peer sent no RTP for the inactivity timeout: the
// phone is gone (crash, network) even though no BYE arrived.
var ErrInactive = errors.New("rtp: no media received within the inactivity timeout")

// Ports hands out even UDP ports for RTP from a configured range.
type Ports struct {
	IP       string
	Min, Max int
	mu       sync.Mutex
	next     int
}

// Listen binds the next free even port of the range.
func (p *Ports) Listen() (*net.UDPConn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	lo, hi := p.Min&^1, p.Max
	if lo <= 0 || hi < lo {
		return nil, fmt.Errorf("rtp: bad port range %d-%d", p.Min, p.Max)
	}
	if p.next < lo || p.next > hi {
		p.next = lo
	}
	ip := net.ParseIP(p.IP)
	for range (hi-lo)/2 + 1 {
		port := p.next
		p.next += 2
		if p.next > hi {
			p.next = lo
		}
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: port})
		if err == nil {
			return c, nil
		}
	}
	return nil, fmt.Errorf("rtp: no free port in %d-%d", p.Min, p.Max)
}

// Handlers receive what a session reads. They run on the session's read goroutine and
// must not block.
type Handlers struct {
	Audio func(pcm []int16)
	Digit func(key rune)
}

// Session is one RTP leg: a local UDP port and the peer it talks to. It sends with its own
// sequence numbers and timestamps, so prompts and relayed audio form one stream.
type Session struct {
	conn    *net.UDPConn
	remote  atomic.Pointer[net.UDPAddr]
	codec   Codec
	dtmfPT  uint8        // 0 = no telephone-event negotiated
	timeout atomic.Int64 // inactivity timeout in ns; 0 = none

	wmu  sync.Mutex
	ssrc uint32
	seq  uint16
	ts   uint32
	enc  []byte
	out  []byte // the packet being sent

	hmu      sync.Mutex
	handlers Handlers

	done     chan struct{}
	err      error
	closing  atomic.Bool
	received atomic.Int64
	sent     atomic.Int64
}

// NewSession wraps a bound UDP socket. timeout 0 disables the inactivity check.
func NewSession(conn *net.UDPConn, codec Codec, dtmfPT uint8, timeout time.Duration) *Session {
	s := &Session{
		conn: conn, codec: codec, dtmfPT: dtmfPT,
		ssrc: rand.Uint32(), seq: uint16(rand.Uint32()), ts: rand.Uint32(),
		done: make(chan struct{}),
	}
	s.timeout.Store(int64(timeout))
	return s
}

// SetTimeout changes the inactivity timeout; 0 suspends it, as while a call is on hold
// and the phone may legitimately send nothing.
func (s *Session) SetTimeout(d time.Duration) {
	s.timeout.Store(int64(d))
	if d > 0 {
		s.conn.SetReadDeadline(time.Now().Add(d))
	} else {
		s.conn.SetReadDeadline(time.Time{})
	}
}

// LocalPort is the port to put in SDP.
func (s *Session) LocalPort() int { return s.conn.LocalAddr().(*net.UDPAddr).Port }

// Codec is the negotiated audio codec.
func (s *Session) Codec() Codec {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.codec
}

// SetCodec changes the codec we send, once the peer's answer is known.
func (s *Session) SetCodec(c Codec, dtmfPT uint8) {
	s.wmu.Lock()
	s.codec = c
	s.wmu.Unlock()
	s.hmu.Lock()
	s.dtmfPT = dtmfPT
	s.hmu.Unlock()
}

// SetRemote sets where packets go (from the peer's SDP).
func (s *Session) SetRemote(addr *net.UDPAddr) { s.remote.Store(addr) }

// Remote is the current peer address.
func (s *Session) Remote() *net.UDPAddr { return s.remote.Load() }

// SetHandlers replaces what is done with received media (IVR, bridge, voicemail).
func (s *Session) SetHandlers(h Handlers) {
	s.hmu.Lock()
	s.handlers = h
	s.hmu.Unlock()
}

// Packets returns the numbers of RTP packets received and sent.
func (s *Session) Packets() (received, sent int64) { return s.received.Load(), s.sent.Load() }

// Run reads until the context ends, Close is called or the peer falls silent. It latches
// onto the address packets really come from (symmetric RTP), which gets through NAT.
func (s *Session) Run(ctx context.Context) error {
	defer close(s.done)
	stop := context.AfterFunc(ctx, func() { s.conn.SetReadDeadline(time.Now()) })
	defer stop()
	buf := make([]byte, 1500)
	var det DTMFDetector
	var pcm []int16
	var pkt rtp.Packet
	// The read deadline is re-armed about once a second, not per packet (that cost a timer
	// update 50 times a second per leg); a deadline that fires early is re-armed from the
	// last packet, so the peer still gets the whole timeout of silence.
	last := time.Now()
	var armed time.Time
	for {
		if d := time.Duration(s.timeout.Load()); d > 0 && time.Since(armed) >= min(time.Second, d/2) {
			armed = time.Now()
			s.conn.SetReadDeadline(last.Add(d))
		}
		if ctx.Err() != nil {
			// Cancelled while the deadline above was being set: make the read return.
			s.conn.SetReadDeadline(time.Now())
		}
		n, from, err := s.conn.ReadFromUDPAddrPort(buf)
		if err != nil && isTimeout(err) && ctx.Err() == nil && !s.closing.Load() {
			d := time.Duration(s.timeout.Load())
			if d == 0 {
				armed = time.Time{}
				continue // the deadline of a timeout since suspended
			}
			if time.Since(last) < d {
				armed = time.Time{} // early: re-arm from the last packet
				continue
			}
		}
		if err != nil {
			switch {
			case s.closing.Load():
				s.err = net.ErrClosed
			case ctx.Err() != nil:
				s.err = ctx.Err()
			case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
				s.err = ErrInactive
			default:
				s.err = err
			}
			return s.err
		}
		last = time.Now()
		if err := pkt.Unmarshal(buf[:n]); err != nil || pkt.Version != 2 {
			continue
		}
		s.received.Add(1)
		if r := s.remote.Load(); r == nil || r.AddrPort() != from {
			s.remote.Store(net.UDPAddrFromAddrPort(from))
		}
		s.hmu.Lock()
		h, dtmfPT := s.handlers, s.dtmfPT
		s.hmu.Unlock()
		switch {
		case dtmfPT != 0 && pkt.PayloadType == dtmfPT:
			if k := det.Packet(pkt.Timestamp, pkt.Payload); k != 0 && h.Digit != nil {
				h.Digit(k)
			}
		default:
			c, ok := CodecByPT(pkt.PayloadType)
			if !ok || h.Audio == nil {
				continue
			}
			pcm = c.Decode(pkt.Payload, pcm[:0])
			h.Audio(pcm)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Done is closed when Run returns; Err then says why.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err is why Run ended.
func (s *Session) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// WritePCM encodes linear samples with the session codec and sends them in one packet.
func (s *Session) WritePCM(pcm []int16) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.enc = s.codec.Encode(pcm, s.enc[:0])
	return s.writeLocked(s.codec.PT, s.enc, uint32(len(pcm)), false)
}

// WriteDigit sends one key as an RFC 4733 event (three packets, the last marked end).
func (s *Session) WriteDigit(key rune) error {
	code, ok := EventForDigit(key)
	s.hmu.Lock()
	dtmfPT := s.dtmfPT
	s.hmu.Unlock()
	if !ok || dtmfPT == 0 {
		return fmt.Errorf("rtp: cannot send key %q", key)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for i, end := range []bool{false, false, true} {
		ev := TelephoneEvent{Event: code, End: end, Volume: 10, Duration: uint16(160 * (i + 1))}
		if err := s.writeLocked(dtmfPT, ev.Marshal(), 0, i == 0); err != nil {
			return err
		}
	}
	s.ts += 480
	return nil
}

func (s *Session) writeLocked(pt uint8, payload []byte, samples uint32, marker bool) error {
	r := s.remote.Load()
	if r == nil {
		return nil // peer address unknown yet: nothing to send to
	}
	p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: s.seq, Timestamp: s.ts, SSRC: s.ssrc, Marker: marker}, Payload: payload}
	s.seq++
	s.ts += samples
	// One buffer per session, reused under wmu: no garbage per packet.
	if need := p.MarshalSize(); cap(s.out) < need {
		s.out = make([]byte, need)
	}
	n, err := p.MarshalTo(s.out[:cap(s.out)])
	if err != nil {
		return err
	}
	if _, err := s.conn.WriteToUDPAddrPort(s.out[:n], r.AddrPort()); err != nil {
		return err
	}
	s.sent.Add(1)
	return nil
}

// Close stops Run and releases the port.
func (s *Session) Close() error {
	if s.closing.Swap(true) {
		return nil
	}
	return s.conn.Close()
}
