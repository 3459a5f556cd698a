package callcenter

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
)

// LiveCall is one call in progress, for the monitor's wall (班长监控).
type LiveCall struct {
	CallID   string    `json:"call_id"`
	Caller   string    `json:"caller"`
	Called   string    `json:"called"`
	State    string    `json:"state"` // ivr, queued, talking, voicemail, forward, ending
	Queue    string    `json:"queue,omitempty"`
	Agent    string    `json:"agent,omitempty"`
	Start    time.Time `json:"start"`
	Enqueued time.Time `json:"enqueued,omitzero"`
	Answered time.Time `json:"answered,omitzero"`
	Position int       `json:"position,omitempty"`
	IVRPath  []string  `json:"ivr_path,omitempty"`
}

// LiveCalls lists calls in progress, oldest first.
func (s *Server) LiveCalls() []LiveCall {
	s.mu.Lock()
	calls := make([]*call, 0, len(s.calls))
	for _, c := range s.calls {
		calls = append(calls, c)
	}
	pos := map[string]int{}
	for _, c := range calls {
		if p, _ := s.center.Position(c.id); p > 0 {
			pos[c.id] = p
		}
	}
	s.mu.Unlock()
	out := make([]LiveCall, 0, len(calls))
	for _, c := range calls {
		c.mu.Lock()
		out = append(out, LiveCall{CallID: c.id, Caller: c.caller, Called: c.called, State: c.state, Queue: c.cdr.Queue,
			Agent: c.agent, Start: c.cdr.Start, Enqueued: c.cdr.Enqueued, Answered: c.cdr.Answered, Position: pos[c.id],
			IVRPath: slices.Clone(c.cdr.IVRPath)})
		c.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b LiveCall) int { return a.Start.Compare(b.Start) })
	return out
}

// Queues reports every queue: callers waiting, the longest wait, agents free.
func (s *Server) Queues() []acd.QueueStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.center.Queues(time.Now())
}

// AgentStatus is an agent seat with its registered phones.
type AgentStatus struct {
	acd.Agent
	StateName string   `json:"state_name"`
	Contacts  []string `json:"contacts"`
}

// Agents reports every agent in seat order.
func (s *Server) Agents() []AgentStatus {
	s.mu.Lock()
	agents := s.center.Agents()
	s.mu.Unlock()
	out := make([]AgentStatus, 0, len(agents))
	for _, a := range agents {
		st := AgentStatus{Agent: a, StateName: a.State.String()}
		if s.reg != nil {
			for _, b := range s.reg.Contacts(a.Ext) {
				st.Contacts = append(st.Contacts, b.Contact.String())
			}
		}
		out = append(out, st)
	}
	return out
}

// ErrNoSuchCall is returned for a call that is not (or no longer) in progress.
var ErrNoSuchCall = errors.New("callcenter: no such call")

// Hangup ends a call in progress from the monitor's desk (强拆): both legs get BYE and
// the CDR says the system hung up, reason "forced".
func (s *Server) Hangup(callID string) error {
	s.mu.Lock()
	c := s.calls[callID]
	s.mu.Unlock()
	if c == nil {
		return ErrNoSuchCall
	}
	c.ending("system", "forced")
	c.cancel()
	return nil
}

// ErrNotTalking is returned when a call has no agent to listen to yet.
var ErrNotTalking = errors.New("callcenter: call is not connected to an agent")

// Listen calls the supervisor's extension ext and lets it hear both sides of a call in
// progress (监听), one way: nothing it says reaches the call. It returns once the
// supervisor answered; listening stops when either hangs up.
func (s *Server) Listen(ctx context.Context, callID, ext string) error {
	s.mu.Lock()
	c := s.calls[callID]
	s.mu.Unlock()
	if c == nil {
		return ErrNoSuchCall
	}
	c.mu.Lock()
	talking := c.leg != nil && c.rec != nil
	c.mu.Unlock()
	if !talking {
		return ErrNotTalking
	}
	dctx, cancel := context.WithTimeout(ctx, s.cfg.RingTimeout)
	defer cancel()
	stop := context.AfterFunc(c.ctx, cancel)
	leg, err := s.dial(dctx, c, ext)
	stop()
	if err != nil {
		return err
	}
	c.mu.Lock()
	rec := c.rec
	c.mu.Unlock()
	if rec == nil || c.ctx.Err() != nil {
		leg.hangup()
		return ErrNotTalking
	}
	rec.SetTap(func(frame []int16) { leg.rtp.WritePCM(frame) })
	go func() {
		select {
		case <-c.ctx.Done():
		case <-leg.dlg.Context().Done():
		}
		rec.SetTap(nil)
		leg.hangup()
	}()
	return nil
}

// Transfer moves a connected call from its agent to target (转接): a queue name puts the
// caller back in that queue ahead of new callers, anything else is dialled as an
// extension or SIP URI. The first agent is hung up at once (blind transfer); the call
// keeps one CDR and one recording.
func (s *Server) Transfer(callID, target string) error {
	s.mu.Lock()
	c := s.calls[callID]
	s.mu.Unlock()
	if c == nil {
		return ErrNoSuchCall
	}
	c.mu.Lock()
	talking := c.leg != nil
	c.mu.Unlock()
	if !talking {
		return ErrNotTalking
	}
	select {
	case c.transfer <- target:
		return nil
	default:
		return errors.New("callcenter: a transfer is already under way")
	}
}
