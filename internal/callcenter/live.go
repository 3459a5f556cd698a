package callcenter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/media"
)

// LiveCall is one call in progress, for the monitor's wall (班长监控).
type LiveCall struct {
	CallID   string    `json:"call_id"`
	Caller   string    `json:"caller"`
	Called   string    `json:"called"`
	State    string    `json:"state"` // ivr, queued, talking, voicemail, forward, transfer, ending
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

// SuperviseMode is how a supervisor (班长) joins a call.
type SuperviseMode string

const (
	Listen  SuperviseMode = "listen"  // 监听: hears both sides, is not heard
	Whisper SuperviseMode = "whisper" // 密语: heard by the agent only
	Barge   SuperviseMode = "barge"   // 强插: heard by both
)

// Supervise calls the supervisor's extension ext and joins it to a call in progress in
// the given mode. It returns once the supervisor answered; it leaves when either side
// hangs up. What the supervisor says is recorded with the call. To take the call over
// (接管), Transfer it to the supervisor.
func (s *Server) Supervise(ctx context.Context, callID, ext string, mode SuperviseMode) error {
	if mode != Listen && mode != Whisper && mode != Barge {
		return fmt.Errorf("callcenter: unknown supervise mode %q", mode)
	}
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
	leg, err := s.dial(dctx, c, ext, c.caller)
	stop()
	if err != nil {
		return err
	}
	c.mu.Lock()
	rec := c.rec
	if rec == nil || c.ctx.Err() != nil || (mode != Listen && (c.supAgent != nil || c.supCaller != nil)) {
		c.mu.Unlock()
		leg.hangup()
		return ErrNotTalking
	}
	toAgent, toCaller := &media.Inject{}, &media.Inject{}
	switch mode {
	case Whisper:
		c.supAgent = toAgent
	case Barge:
		c.supAgent, c.supCaller = toAgent, toCaller
	}
	c.rebridge()
	c.mu.Unlock()
	leg.rtp.SetHandlers(media.Handlers{Audio: func(pcm []int16) {
		switch mode {
		case Whisper:
			toAgent.Push(pcm)
		case Barge:
			toAgent.Push(pcm)
			toCaller.Push(pcm)
		default:
			return
		}
		rec.Supervisor(pcm)
	}})
	rec.SetTap(func(frame []int16) { leg.rtp.WritePCM(frame) })
	s.publish(Event{Type: EvSupervise, At: time.Now(), CallID: c.id, Agent: ext, State: string(mode)})
	go func() {
		select {
		case <-c.ctx.Done():
		case <-leg.dlg.Context().Done():
		}
		rec.SetTap(nil)
		c.mu.Lock()
		if c.supAgent == toAgent {
			c.supAgent, c.supCaller = nil, nil
			c.rebridge()
		}
		c.mu.Unlock()
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
