package callcenter

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/hotline-dev/hotline/internal/media"
	hsip "github.com/hotline-dev/hotline/internal/sip"
)

// dialLeg is the outbound leg to an agent phone or a forward target.
type dialLeg struct {
	s    *Server
	call *call
	ext  string
	dlg  *sipgo.DialogClientSession
	rtp  *media.Session
	acd  bool // offered by the ACD: its end goes back to the ACD
}

// hangup sends BYE and releases the media port.
func (l *dialLeg) hangup() {
	if l.dlg.Context().Err() == nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(l.s.ctx), 5*time.Second)
		if err := l.dlg.Bye(ctx); err != nil {
			l.s.log.Debug("bye to agent", "ext", l.ext, "error", err)
		}
		cancel()
	}
	l.dlg.Close()
	l.rtp.Close()
	l.s.mu.Lock()
	if id := l.dlg.InviteRequest.CallID(); id != nil {
		delete(l.s.legs, id.Value())
	}
	l.s.mu.Unlock()
}

// targets resolves an extension to its registered contacts, or takes a SIP URI as is.
func (s *Server) targets(target string) ([]sip.Uri, error) {
	if strings.HasPrefix(target, "sip:") || strings.HasPrefix(target, "sips:") {
		var u sip.Uri
		if err := sip.ParseUri(target, &u); err != nil {
			return nil, fmt.Errorf("callcenter: forward target %q: %w", target, err)
		}
		return []sip.Uri{u}, nil
	}
	var out []sip.Uri
	for _, b := range s.reg.Contacts(target) {
		u := *b.Contact.Clone()
		if strings.EqualFold(b.Transport, "tcp") && u.UriParams == nil {
			u.UriParams = sip.NewParams()
			u.UriParams.Add("transport", "tcp")
		}
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, errNoContact
	}
	return out, nil
}

// dial rings every contact of target (forking) and returns the first that answers; the
// others get CANCEL, or BYE if their 200 OK crossed it. ctx ending cancels everything.
// from is the calling number shown on the phone.
func (s *Server) dial(ctx context.Context, c *call, target, from string) (*dialLeg, error) {
	uris, err := s.targets(target)
	if err != nil {
		return nil, err
	}
	conn, err := s.rtp.Listen()
	if err != nil {
		return nil, err
	}
	sess := media.NewSession(conn, media.PCMU, hsip.DefaultDTMFPT, s.cfg.RTPTimeout)
	body := hsip.Description(s.cfg.AdvertisedIP, sess.LocalPort(), rand.Uint64()>>1, []uint8{media.PTPCMU, media.PTPCMA}, hsip.DefaultDTMFPT, "")

	type result struct {
		dlg *sipgo.DialogClientSession
		err error
	}
	results := make(chan result, len(uris))
	forkCtx, cancelForks := context.WithCancel(ctx)
	defer cancelForks()
	for _, u := range uris {
		go func() {
			// sipgo v1.7.2 can dereference a nil CANCEL response when the agent's phone is
			// gone (seen at 500 calls during shutdown); one failed offer must not end every
			// call on the node, so the panic becomes this leg's error.
			defer func() {
				if p := recover(); p != nil {
					s.log.Error("dial: SIP stack panicked on an offer", "call", c.id, "panic", p)
					results <- result{nil, fmt.Errorf("offer to %s failed: SIP stack panic: %v", target, p)}
				}
			}()
			fromHdr := &sip.FromHeader{DisplayName: from, Address: sip.Uri{Scheme: "sip", User: from, Host: s.cfg.AdvertisedIP}, Params: sip.NewParams()}
			fromHdr.Params.Add("tag", sip.GenerateTagN(16))
			req := sip.NewRequest(sip.INVITE, u)
			req.SetBody(body)
			req.AppendHeader(fromHdr)
			req.AppendHeader(&sip.ToHeader{Address: u, Params: sip.NewParams()})
			req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
			req.AppendHeader(sip.NewHeader("X-Hotline-Call", c.id))
			if tp, ok := u.UriParams.Get("transport"); ok && tp != "" {
				req.SetTransport(strings.ToUpper(tp))
			}
			sent := time.Now()
			var ringing time.Time
			dlg, err := s.dialUA.WriteInvite(forkCtx, req)
			if err == nil {
				s.mu.Lock()
				s.legs[dlg.InviteRequest.CallID().Value()] = &dialLeg{s: s, call: c, ext: target, dlg: dlg, rtp: sess}
				s.mu.Unlock()
				err = dlg.WaitAnswer(forkCtx, sipgo.AnswerOptions{OnResponse: func(res *sip.Response) error {
					if res.IsProvisional() && ringing.IsZero() {
						ringing = time.Now()
					}
					return nil
				}})
				if err == nil {
					// Where an offer's time goes: the phone's first reply, then its answer.
					answered := time.Since(sent)
					prov := answered
					if !ringing.IsZero() {
						prov = ringing.Sub(sent)
					}
					s.log.Debug("offer answered", "call_id", c.id, "leg", dlg.InviteRequest.CallID().Value(), "ext", target,
						"sent", sent, "to_provisional", prov, "to_answer", answered)
				}
				if err != nil {
					s.mu.Lock()
					delete(s.legs, dlg.InviteRequest.CallID().Value())
					s.mu.Unlock()
				}
			}
			results <- result{dlg, err}
		}()
	}
	var won *sipgo.DialogClientSession
	var errs []error
	for range uris {
		r := <-results
		switch {
		case r.err == nil && won == nil:
			won = r.dlg
			cancelForks() // CANCEL the other phones
		case r.err == nil:
			// A second phone answered before our CANCEL reached it.
			r.dlg.Ack(context.WithoutCancel(ctx))
			(&dialLeg{s: s, call: c, ext: target, dlg: r.dlg, rtp: sess}).byeOnly()
		default:
			errs = append(errs, r.err)
		}
	}
	if won == nil {
		sess.Close()
		return nil, errors.Join(errs...)
	}
	if err := won.Ack(context.WithoutCancel(ctx)); err != nil {
		s.log.Debug("ack to agent", "error", err)
	}
	if ans, err := hsip.ParseSDP(won.InviteResponse.Body()); err == nil {
		codec, _ := media.CodecByPT(ans.Codecs[0])
		sess.SetCodec(codec, ans.DTMFPT)
		sess.SetRemote(ans.Addr())
	}
	leg := &dialLeg{s: s, call: c, ext: target, dlg: won, rtp: sess}
	s.mu.Lock()
	s.legs[won.InviteRequest.CallID().Value()] = leg
	s.mu.Unlock()
	go sess.Run(s.ctx)
	return leg, nil
}

// byeOnly ends a surplus answered fork without touching the shared media port.
func (l *dialLeg) byeOnly() {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.s.ctx), 5*time.Second)
	defer cancel()
	l.dlg.Bye(ctx)
	l.dlg.Close()
	l.s.mu.Lock()
	delete(l.s.legs, l.dlg.InviteRequest.CallID().Value())
	l.s.mu.Unlock()
}

// ringAgent offers call c to agent ext for the ACD and reports the outcome back to it.
func (s *Server) ringAgent(ctx context.Context, cancel context.CancelFunc, c *call, ext string) {
	defer cancel()
	leg, err := s.dial(ctx, c, ext, c.caller)
	now := time.Now()
	s.mu.Lock()
	delete(s.offers, c.id+"/"+ext)
	if err != nil {
		// Rejected, unreachable or timed out. When we cancelled it ourselves (another agent
		// won, the caller left, the ring timeout passed) the ACD already knows and this is a
		// no-op.
		s.center.Decline(c.id, ext, true, now)
		s.afterACD()
		s.mu.Unlock()
		if ctx.Err() == nil {
			s.log.Info("offer failed", "call_id", c.id, "ext", ext, "error", err)
		}
		return
	}
	if s.calls[c.id] != c {
		// The caller is gone already; the ACD released the offer.
		s.center.Decline(c.id, ext, false, now)
		s.afterACD()
		s.mu.Unlock()
		leg.hangup()
		return
	}
	others, aerr := s.center.Answer(c.id, ext, now)
	for _, o := range others {
		s.cancelOffer(c.id, o)
	}
	if aerr == nil {
		// Handed over under the lock so finish() cannot miss it.
		leg.acd = true
		c.answered <- leg
	}
	s.afterACD()
	s.mu.Unlock()
	if aerr != nil {
		// Someone else got the caller first (ring-all race) or the caller left.
		s.log.Info("late answer hung up", "call_id", c.id, "ext", ext, "reason", aerr)
		leg.hangup()
	}
}
