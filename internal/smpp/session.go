package smpp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// session is one TCP connection to the MC, from bind to close.
type session struct {
	c    *Client
	conn net.Conn

	wmu sync.Mutex // one PDU is written whole before the next

	mu      sync.Mutex
	seq     uint32
	pending map[uint32]chan pdu
	err     error
	dead    chan struct{}
	once    sync.Once
}

func newSession(c *Client, conn net.Conn) *session {
	return &session{c: c, conn: conn, pending: map[uint32]chan pdu{}, dead: make(chan struct{})}
}

// close ends the session once and fails every request in flight.
func (s *session) close(err error) {
	s.once.Do(func() {
		// Detach first: a caller that finds s failed (pending gone, or dead closed) and
		// retries must not be handed s again by Client.session.
		s.c.detach(s, err)
		s.mu.Lock()
		s.err = err
		s.pending = nil
		s.mu.Unlock()
		s.conn.Close()
		close(s.dead)
	})
}

func (s *session) write(p pdu) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.conn.SetWriteDeadline(time.Now().Add(s.c.cfg.ResponseTimeout))
	_, err := s.conn.Write(p.marshal())
	if err != nil {
		s.close(err)
	}
	return err
}

// call sends a request and waits for its response (or a generic_nack).
func (s *session) call(ctx context.Context, id uint32, body []byte) (pdu, error) {
	ch := make(chan pdu, 1)
	s.mu.Lock()
	if s.pending == nil {
		s.mu.Unlock()
		return pdu{}, fmt.Errorf("%w: %v", ErrLinkLost, s.err)
	}
	// sequence numbers run 1…0x7FFFFFFF (§3.2)
	s.seq = s.seq%0x7FFFFFFF + 1
	seq := s.seq
	s.pending[seq] = ch
	s.mu.Unlock()
	forget := func() {
		s.mu.Lock()
		if s.pending != nil {
			delete(s.pending, seq)
		}
		s.mu.Unlock()
	}
	if err := s.write(pdu{ID: id, Seq: seq, Body: body}); err != nil {
		forget()
		return pdu{}, fmt.Errorf("%w: %v", ErrLinkLost, err)
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-s.dead:
		return pdu{}, fmt.Errorf("%w: %v", ErrLinkLost, s.err)
	case <-ctx.Done():
		forget()
		return pdu{}, fmt.Errorf("no response to command 0x%08X: %w", id, ctx.Err())
	}
}

// read dispatches every PDU the MC sends until the connection ends.
func (s *session) read() {
	for {
		p, err := readPDU(s.conn)
		if errors.Is(err, errBadLength) {
			s.write(pdu{ID: GenericNack, Status: StatusInvCmdLen, Seq: p.Seq})
			s.close(err)
			return
		}
		if err != nil {
			s.close(err)
			return
		}
		switch {
		case p.ID&GenericNack != 0: // a response, or generic_nack itself
			s.mu.Lock()
			ch := s.pending[p.Seq]
			if ch != nil {
				delete(s.pending, p.Seq)
			}
			s.mu.Unlock()
			if ch != nil {
				ch <- p
			} else if p.ID == GenericNack {
				s.c.log.Warn("smpp: generic_nack for no request", "seq", p.Seq, "status", p.Status)
			}
		case p.ID == EnquireLink:
			s.write(pdu{ID: EnquireLinkResp, Seq: p.Seq})
		case p.ID == DeliverSM:
			go s.deliver(p)
		case p.ID == Unbind:
			s.write(pdu{ID: UnbindResp, Seq: p.Seq})
			s.close(errors.New("unbound by the MC"))
			return
		default:
			s.write(pdu{ID: GenericNack, Status: StatusInvCmdID, Seq: p.Seq})
		}
	}
}

func (s *session) deliver(p pdu) {
	d, err := parseDeliverSM(p.Body)
	if err != nil {
		s.c.log.Warn("smpp: bad deliver_sm", "err", err)
		s.write(pdu{ID: DeliverSMResp, Status: StatusXRAppn, Seq: p.Seq, Body: deliverResp()})
		return
	}
	status := s.c.inbound(d)
	s.write(pdu{ID: DeliverSMResp, Status: status, Seq: p.Seq, Body: deliverResp()})
}

// keepAlive probes the link; an unanswered enquire_link drops it so that
// run reconnects rather than sending into a dead socket.
func (s *session) keepAlive() {
	t := time.NewTicker(s.c.cfg.EnquireLink)
	defer t.Stop()
	for {
		select {
		case <-s.dead:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.c.cfg.ResponseTimeout)
			_, err := s.call(ctx, EnquireLink, nil)
			cancel()
			if err != nil {
				s.close(fmt.Errorf("enquire_link: %w", err))
				return
			}
		}
	}
}

// unbind says goodbye, waiting briefly for unbind_resp, then closes.
func (s *session) unbind(wait time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	s.call(ctx, Unbind, nil)
	s.close(ErrClosed)
}
