package callcenter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/media"
)

// ErrNoTrunk is returned for outbound calls when no gateway to the phone network is set.
var ErrNoTrunk = errors.New("callcenter: no trunk configured for outbound calls")

// CallBack calls a citizen back for an agent (回拨, 回访): the agent's phone rings first
// and, once it is answered, the citizen is dialled through the trunk showing the hotline
// number. The call is then bridged, recorded, supervised and billed like an inbound one
// (CDR direction "outbound"). It returns the call ID at once; LiveCalls shows progress
// and the CDR says how it ended (agent-no-answer, citizen-no-answer, …).
func (s *Server) CallBack(ext, number string) (string, error) {
	if s.cfg.Trunk == "" {
		return "", ErrNoTrunk
	}
	if !validNumber(number) {
		return "", fmt.Errorf("callcenter: %q is not a phone number", number)
	}
	var trunk sip.Uri
	if err := sip.ParseUri(s.cfg.Trunk, &trunk); err != nil {
		return "", fmt.Errorf("callcenter: trunk %q: %w", s.cfg.Trunk, err)
	}
	trunk.User = number
	s.mu.Lock()
	a, ok := s.center.Agent(ext)
	s.mu.Unlock()
	switch {
	case !ok:
		return "", acd.ErrUnknownAgent
	case a.State == acd.Ringing || a.State == acd.Busy:
		return "", acd.ErrAgentOnCall
	}
	b := make([]byte, 8)
	rand.Read(b)
	id := "cb-" + hex.EncodeToString(b)
	c := &call{s: s, id: id, caller: s.cfg.CallerID, called: number, keys: newKeyBuffer(), done: make(chan struct{}),
		answered: make(chan *dialLeg, 1), overflow: make(chan acd.OverflowAction, 1), transfer: make(chan string, 1),
		state: "dialling", cdr: CDR{CallID: id, Caller: s.cfg.CallerID, Called: number, Start: time.Now().UTC(), Direction: "outbound"}}
	c.ctx, c.cancel = context.WithCancel(s.ctx)
	s.mu.Lock()
	s.calls[id] = c
	s.mu.Unlock()
	go c.callBack(ext, trunk.String())
	return id, nil
}

func validNumber(n string) bool {
	if len(n) < 3 || len(n) > 20 {
		return false
	}
	for i, r := range n {
		if (r < '0' || r > '9') && !(i == 0 && r == '+') {
			return false
		}
	}
	return true
}

func (c *call) callBack(ext, citizenURI string) {
	s := c.s
	fail := func(reason string) {
		s.mu.Lock()
		delete(s.calls, c.id)
		s.mu.Unlock()
		c.cancel()
		c.mu.Lock()
		cdr := c.cdr
		if c.endSide != "" { // forced hang-up while dialling
			reason = c.endReason
		}
		c.mu.Unlock()
		cdr.End, cdr.HangupSide, cdr.HangupReason = time.Now().UTC(), "system", reason
		if s.ctx.Err() != nil {
			cdr.HangupReason = "shutdown"
		}
		s.log.Info("call-back failed", "call_id", c.id, "ext", ext, "reason", cdr.HangupReason)
		s.writeCDR(cdr)
		close(c.done)
	}
	actx, cancel := context.WithTimeout(c.ctx, s.cfg.RingTimeout)
	agent, err := s.dial(actx, c, ext, c.called) // the agent's phone shows the citizen's number
	cancel()
	if err != nil {
		fail("agent-no-answer")
		return
	}
	s.mu.Lock()
	agent.acd = s.center.Direct(c.id, ext, time.Now()) == nil
	s.afterACD()
	s.mu.Unlock()
	release := func() {
		agent.hangup()
		if agent.acd {
			s.mu.Lock()
			s.center.Hangup(c.id, time.Now())
			s.afterACD()
			s.mu.Unlock()
		}
	}

	// The agent may give up while the citizen's phone rings.
	cctx, cancel := context.WithTimeout(c.ctx, time.Minute)
	stop := context.AfterFunc(agent.dlg.Context(), cancel)
	citizen, err := s.dial(cctx, c, citizenURI, c.caller)
	stop()
	cancel()
	if err != nil {
		release()
		fail("citizen-no-answer")
		return
	}
	c.mu.Lock()
	c.dlg, c.rtp, c.citizen = citizen.dlg, citizen.rtp, citizen
	c.mu.Unlock()
	c.unwatch = context.AfterFunc(citizen.dlg.Context(), func() { c.ending("caller", "bye"); c.cancel() })
	c.rtp.SetHandlers(media.Handlers{Digit: c.keys.push})
	go func() {
		select {
		case <-c.rtp.Done():
			if errors.Is(c.rtp.Err(), media.ErrInactive) {
				c.ending("system", "rtp-timeout")
				c.cancel()
			}
		case <-c.ctx.Done():
		}
	}()
	defer c.finish()
	c.talk(agent)
}
