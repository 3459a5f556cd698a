package callcenter

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/ivr"
	"github.com/hotline-dev/hotline/internal/media"
	hsip "github.com/hotline-dev/hotline/internal/sip"
)

// keyBuffer holds keys pressed by the caller (RFC 4733 or SIP INFO) until the IVR reads them.
type keyBuffer struct {
	mu     sync.Mutex
	keys   []rune
	notify chan struct{}
}

func newKeyBuffer() *keyBuffer { return &keyBuffer{notify: make(chan struct{}, 1)} }

func (k *keyBuffer) push(r rune) {
	k.mu.Lock()
	if len(k.keys) < 64 {
		k.keys = append(k.keys, r)
	}
	k.mu.Unlock()
	select {
	case k.notify <- struct{}{}:
	default:
	}
}

func (k *keyBuffer) pop() (rune, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) == 0 {
		return 0, false
	}
	r := k.keys[0]
	k.keys = k.keys[1:]
	return r, true
}

func (k *keyBuffer) pending() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys) > 0
}

func (k *keyBuffer) clear() {
	k.mu.Lock()
	k.keys = nil
	k.mu.Unlock()
}

// dialog is what a call needs of the citizen's SIP dialog, whichever side opened it.
type dialog interface {
	Context() context.Context
	Bye(ctx context.Context) error
	ReadBye(req *sip.Request, tx sip.ServerTransaction) error
}

// call is one call with a citizen: the citizen's leg and everything that happens to it.
type call struct {
	s      *Server
	id     string
	caller string
	called string
	dlg    dialog // the citizen's leg: inbound (server) or, for a call-back, outbound (client)
	rtp    *media.Session
	keys   *keyBuffer
	ctx    context.Context // ends when the caller hangs up, media dies or the server stops
	cancel context.CancelFunc
	done   chan struct{}

	unwatch  func() bool
	citizen  *dialLeg // the citizen's leg of a call-back
	answered chan *dialLeg
	overflow chan acd.OverflowAction
	transfer chan string

	mu        sync.Mutex
	leg       *dialLeg      // while talking
	rec       *media.Mixer  // from the first answer to the end
	supAgent  *media.Inject // supervisor whispering or barging
	supCaller *media.Inject // supervisor barging
	stopMusic context.CancelFunc
	cdr       CDR
	state     string // ivr, queued, talking, voicemail, forward, transfer, ending
	agent     string
	endReason string
	endSide   string
}

func (c *call) set(f func(cdr *CDR)) {
	c.mu.Lock()
	f(&c.cdr)
	c.mu.Unlock()
}

func (c *call) setState(st string) {
	c.mu.Lock()
	c.state = st
	c.mu.Unlock()
}

func (c *call) ending(side, reason string) {
	c.mu.Lock()
	if c.endSide == "" {
		c.endSide, c.endReason = side, reason
	}
	c.mu.Unlock()
}

func (s *Server) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if to := req.To(); to != nil {
		if _, ok := to.Params.Get("tag"); ok {
			s.reinvite(req, tx)
			return
		}
	}
	from := ""
	if f := req.From(); f != nil {
		from = f.Address.User
	}
	called := req.Recipient.User
	if called == "" && req.To() != nil {
		called = req.To().Address.User
	}
	now := time.Now()
	cdr := CDR{CallID: req.CallID().Value(), Caller: from, Called: called, Start: now.UTC()}
	respond := func(code int, reason string) {
		tx.Respond(sip.NewResponseFromRequest(req, code, reason, nil))
	}

	if strings.HasPrefix(called, "*") {
		s.featureCode(req, tx, from, called)
		return
	}
	if s.ports.Blacklist != nil {
		ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
		blocked, reason, err := s.ports.Blacklist.Blocked(ctx, from, now)
		cancel()
		if err != nil {
			s.log.Warn("blacklist unavailable, letting the call in", "error", err)
		}
		if blocked {
			cdr.Blocked, cdr.HangupSide, cdr.HangupReason = true, "system", "blacklist"
			if reason != "" {
				cdr.HangupReason += ": " + reason
			}
			if s.cfg.BlacklistPrompt {
				s.answerAndPlay(req, tx, "blacklist")
			} else {
				respond(sip.StatusGlobalDecline, "Decline")
			}
			cdr.End = time.Now().UTC()
			s.writeCDR(cdr)
			return
		}
	}
	s.mu.Lock()
	_, dup := s.calls[cdr.CallID]
	s.mu.Unlock()
	if dup {
		// A second INVITE reusing a live Call-ID (not a retransmission: those stay in the
		// transaction layer) would hijack the call.
		respond(482, "Loop Detected")
		return
	}
	route, ok := s.ports.Plan.Route(called)
	if !ok {
		respond(sip.StatusNotFound, "Not Found")
		cdr.End, cdr.HangupSide, cdr.HangupReason = time.Now().UTC(), "system", "unknown-number"
		s.writeCDR(cdr)
		return
	}
	c, err := s.answer(req, tx, cdr)
	if err != nil {
		s.log.Warn("cannot answer", "call_id", cdr.CallID, "error", err)
		return
	}
	c.run(route)
}

// answer accepts an INVITE: media port, SDP answer, 200 OK. On failure the INVITE has
// been answered with an error.
func (s *Server) answer(req *sip.Request, tx sip.ServerTransaction, cdr CDR) (*call, error) {
	offer, err := hsip.ParseSDP(req.Body())
	if err != nil {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusNotAcceptableHere, "Not Acceptable Here", nil))
		return nil, err
	}
	conn, err := s.rtp.Listen()
	if err != nil {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusServiceUnavailable, "Service Unavailable", nil))
		return nil, err
	}
	codec, _ := media.CodecByPT(offer.Codecs[0])
	sess := media.NewSession(conn, codec, offer.DTMFPT, s.cfg.RTPTimeout)
	sess.SetRemote(offer.Addr())
	dlg, err := s.dialUA.ReadInvite(req, tx)
	if err != nil {
		sess.Close()
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Request", nil))
		return nil, err
	}
	body, _ := hsip.Answer(offer, s.cfg.AdvertisedIP, sess.LocalPort(), rand.Uint64()>>1)
	c := &call{s: s, id: cdr.CallID, caller: cdr.Caller, called: cdr.Called, dlg: dlg, rtp: sess, keys: newKeyBuffer(),
		done: make(chan struct{}), answered: make(chan *dialLeg, 1), overflow: make(chan acd.OverflowAction, 1), transfer: make(chan string, 1), cdr: cdr}
	c.ctx, c.cancel = context.WithCancel(s.ctx)
	// The dialog's context ends on the caller's BYE; unregistered in finish, since a BYE of
	// ours that never gets its 200 would leave it pending for ever.
	c.unwatch = context.AfterFunc(dlg.Context(), func() { c.ending("caller", "bye"); c.cancel() })
	sess.SetHandlers(media.Handlers{Digit: c.keys.push})
	// Known before the 200 OK leaves, so its ACK finds the call.
	s.mu.Lock()
	s.calls[c.id] = c
	s.mu.Unlock()
	// 180 first: some gateways start their answer-seizure timers only on it.
	err = dlg.Respond(sip.StatusRinging, "Ringing", nil)
	if err == nil {
		err = dlg.RespondSDP(body)
	}
	if err != nil {
		s.mu.Lock()
		delete(s.calls, c.id)
		s.mu.Unlock()
		c.cancel()
		sess.Close()
		return nil, err
	}
	go func() {
		if err := sess.Run(c.ctx); errors.Is(err, media.ErrInactive) {
			c.ending("system", "rtp-timeout")
			c.cancel()
		}
	}()
	return c, nil
}

// answerAndPlay answers, plays prompts and hangs up: notices that need no call state.
func (s *Server) answerAndPlay(req *sip.Request, tx sip.ServerTransaction, names ...string) {
	c, err := s.answer(req, tx, CDR{CallID: req.CallID().Value()})
	if err != nil {
		return
	}
	c.Play(c.ctx, names...)
	c.hangup()
	c.unwatch()
	s.mu.Lock()
	delete(s.calls, c.id)
	s.mu.Unlock()
	c.cancel()
	c.rtp.Close()
	close(c.done)
}

// featureCode handles *1 (示闲 ready), *2 (示忙 not ready) and *0 (签出 sign out) dialled
// from an agent phone. The agent proves who it is with its digest password.
func (s *Server) featureCode(req *sip.Request, tx sip.ServerTransaction, ext, code string) {
	if res := s.reg.Authenticate(req, ext); res != nil {
		tx.Respond(res)
		return
	}
	st, ok := map[string]acd.AgentState{"*1": acd.Ready, "*2": acd.NotReady, "*0": acd.SignedOut}[code]
	if !ok {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusNotFound, "Not Found", nil))
		return
	}
	if err := s.SetAgentState(ext, st); err != nil {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBusyHere, "Busy Here", nil))
		return
	}
	s.answerAndPlay(req, tx, "feature-ok")
}

// run is the life of one answered call.
func (c *call) run(route Route) {
	s := c.s
	defer c.finish()
	now := time.Now()
	period := s.ports.Plan.Period(now)
	act, ok := route.Periods[period]
	if !ok {
		act = route.Default
	}
	c.set(func(cdr *CDR) { cdr.Period = period })
	if act.Kind == ActQueue || act.Kind == ActIVR {
		if c.Play(c.ctx, route.Greeting...) != nil {
			return
		}
	}
	if c.Play(c.ctx, act.Prompts...) != nil {
		return
	}
	switch act.Kind {
	case ActQueue:
		c.queue(act.Target, 0)
	case ActIVR:
		c.menu(act.Target)
	case ActVoicemail:
		c.voicemail()
	case ActForward:
		c.forward(act.Target)
	default:
		c.Play(c.ctx, "goodbye")
		c.ending("system", "route")
	}
}

func (c *call) menu(name string) {
	m, ok := c.s.ports.Plan.Menu(name)
	if !ok {
		c.s.log.Error("route names a missing menu", "menu", name)
		c.Play(c.ctx, "goodbye")
		return
	}
	c.setState("ivr")
	out, err := ivr.Run(c.ctx, m, c)
	c.set(func(cdr *CDR) { cdr.IVRPath, cdr.IVRVars = out.Path, out.Vars })
	if err != nil {
		if c.ctx.Err() == nil {
			c.s.log.Warn("ivr ended", "call_id", c.id, "error", err)
			c.Play(c.ctx, "goodbye")
			c.ending("system", "ivr")
		}
		return
	}
	switch out.Kind {
	case ivr.Queue:
		c.queue(out.Target, out.Priority)
	case ivr.Voicemail:
		c.voicemail()
	case ivr.Forward:
		c.forward(out.Target)
	default:
		c.ending("system", "ivr-hangup")
	}
}

// queue waits for an agent, playing hold music and the queue position.
func (c *call) queue(name string, priority int) {
	s := c.s
	now := time.Now()
	s.mu.Lock()
	_, err := s.center.Enqueue(c.id, c.caller, name, priority, now)
	s.afterACD()
	s.mu.Unlock()
	if err != nil {
		s.log.Error("enqueue", "queue", name, "error", err)
		c.Play(c.ctx, "goodbye")
		return
	}
	c.set(func(cdr *CDR) {
		cdr.Queue = name
		if cdr.Enqueued.IsZero() {
			cdr.Enqueued = now.UTC()
		}
	})
	c.setState("queued")
	c.publishOffered(name)
	for {
		holdCtx, stop := context.WithCancel(c.ctx)
		held := make(chan struct{})
		go func() { defer close(held); c.hold(holdCtx) }()
		select {
		case leg := <-c.answered:
			stop()
			<-held
			c.talk(leg)
			return
		case ov := <-c.overflow:
			stop()
			<-held
			switch ov.Overflow.Kind {
			case acd.OverflowQueue:
				c.set(func(cdr *CDR) { cdr.Queue = ov.Overflow.Target })
				continue
			case acd.OverflowVoicemail:
				c.set(func(cdr *CDR) { cdr.Wait = time.Since(now) })
				c.voicemail()
			default:
				c.Play(c.ctx, "goodbye")
				c.ending("system", "queue-timeout")
			}
			return
		case <-c.ctx.Done():
			stop()
			<-held
			s.mu.Lock()
			for _, ext := range s.center.Leave(c.id, time.Now()) {
				s.cancelOffer(c.id, ext)
			}
			s.afterACD()
			s.mu.Unlock()
			// Abandoned (放弃) only if the caller left, not when the node shuts down.
			gone := c.dlg.Context().Err() != nil
			c.set(func(cdr *CDR) { cdr.Abandoned, cdr.Wait = gone, time.Since(now) })
			return
		}
	}
}

// publishOffered announces the caller with the citizen profile for the screen pop. The
// lookup runs aside: hold music never waits for the database.
func (c *call) publishOffered(queue string) {
	ev := Event{Type: EvCallOffered, At: time.Now(), CallID: c.id, Caller: c.caller, Called: c.called, Queue: queue}
	if c.s.ports.Citizens == nil {
		c.s.publish(ev)
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(c.ctx, time.Second)
		defer cancel()
		if cz, err := c.s.ports.Citizens.Citizen(ctx, c.caller); err == nil {
			ev.Citizen = &cz
		}
		c.s.publish(ev)
	}()
}

// hold plays "please hold", the position, then music, until ctx ends.
func (c *call) hold(ctx context.Context) {
	for ctx.Err() == nil {
		c.s.mu.Lock()
		pos, _ := c.s.center.Position(c.id)
		c.s.mu.Unlock()
		names := []string{"please-hold"}
		if ahead := pos - 1; ahead > 0 {
			names = append(names, "queue-ahead")
			for _, d := range strconv.Itoa(ahead) {
				names = append(names, "digit-"+string(d))
			}
			names = append(names, "queue-callers")
		}
		if c.Play(ctx, names...) != nil {
			return
		}
		until := time.Now().Add(c.s.cfg.QueueAnnounce)
		for time.Now().Before(until) {
			if c.Play(ctx, "hold-music") != nil {
				return
			}
		}
	}
}

// talk bridges the caller with an agent (or forward target), recording both sides.
func (c *call) talk(leg *dialLeg) {
	s := c.s
	now := time.Now()
	c.mu.Lock()
	c.state, c.agent = "talking", leg.ext
	if !c.cdr.Enqueued.IsZero() && c.cdr.Answered.IsZero() {
		c.cdr.Wait = now.Sub(c.cdr.Enqueued)
	}
	if c.cdr.Answered.IsZero() {
		c.cdr.Answered = now.UTC()
	}
	c.cdr.Agent = leg.ext
	rec := c.rec
	c.mu.Unlock()

	// One recording per call, from the first answer to the end, across transfers.
	if rec == nil {
		rel, abs := s.mediaPath("recordings", c.cdr.Start, c.id)
		if w, err := media.CreateWAV(abs); err != nil {
			s.log.Error("recording not started", "call_id", c.id, "error", err)
		} else {
			rec = media.NewMixer(w, time.Second)
			c.set(func(cdr *CDR) { cdr.RecordingPath = rel })
		}
	}
	c.mu.Lock()
	c.leg, c.rec = leg, rec
	c.rebridge()
	c.mu.Unlock()
	s.publish(Event{Type: EvCallAnswered, At: now, CallID: c.id, Caller: c.caller, Called: c.called, Queue: c.cdr.Queue, Agent: leg.ext})

	var transferTo string
	select {
	case <-c.ctx.Done():
	case <-leg.dlg.Context().Done():
		c.ending("agent", "bye")
	case <-leg.rtp.Done():
		c.ending("system", "agent-rtp-timeout")
	case transferTo = <-c.transfer:
	}
	end := time.Now()
	c.mu.Lock()
	if c.stopMusic != nil {
		c.stopMusic()
	}
	c.leg, c.stopMusic = nil, nil
	c.mu.Unlock()
	leg.hangup()
	c.set(func(cdr *CDR) { cdr.TalkSeconds += int(end.Sub(now).Round(time.Second) / time.Second) })
	if leg.acd {
		s.mu.Lock()
		s.center.Hangup(c.id, end)
		s.afterACD()
		s.mu.Unlock()
	}
	if transferTo == "" || c.ctx.Err() != nil {
		return
	}
	c.set(func(cdr *CDR) { cdr.Transfers = append(cdr.Transfers, leg.ext) })
	s.mu.Lock()
	isQueue := s.hasQueue(transferTo)
	_, isAgent := s.center.Agent(transferTo)
	s.mu.Unlock()
	switch {
	case isQueue:
		c.queue(transferTo, transferPriority)
	case isAgent:
		c.toAgent(transferTo)
	default:
		c.forward(transferTo)
	}
}

// toAgent rings one agent directly (a transfer) and, once answered, tells the ACD the
// agent is busy so it is neither offered a queue call meanwhile nor left uncounted.
func (c *call) toAgent(ext string) {
	s := c.s
	c.setState("transfer")
	if c.Play(c.ctx, "forward") != nil {
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, s.cfg.RingTimeout)
	defer cancel()
	leg, err := s.dial(ctx, c, ext, c.caller)
	if err != nil {
		if c.ctx.Err() == nil {
			s.log.Warn("transfer not answered", "call_id", c.id, "ext", ext, "error", err)
			c.Play(c.ctx, "goodbye")
			c.ending("system", "transfer-failed")
		}
		return
	}
	s.mu.Lock()
	// An agent the ACD offered a call while this rang stays as it is; the call is
	// still connected.
	leg.acd = s.center.Direct(c.id, ext, time.Now()) == nil
	s.afterACD()
	s.mu.Unlock()
	c.talk(leg)
}

// transferPriority puts transferred callers ahead of new ones: they have waited once.
const transferPriority = 5

// voicemail records the caller alone until '#', the time limit or hang-up.
func (c *call) voicemail() {
	s := c.s
	c.setState("voicemail")
	if c.Play(c.ctx, "voicemail", "beep") != nil {
		return
	}
	rel, abs := s.mediaPath("voicemail", c.cdr.Start, c.id)
	w, err := media.CreateWAV(abs)
	if err != nil {
		s.log.Error("voicemail not recorded", "call_id", c.id, "error", err)
		c.Play(c.ctx, "goodbye")
		return
	}
	rec := media.NewMixer(w, time.Second)
	c.set(func(cdr *CDR) { cdr.VoicemailPath = rel })
	c.keys.clear()
	c.rtp.SetHandlers(media.Handlers{Audio: rec.Caller, Digit: c.keys.push})
	limit := time.NewTimer(s.cfg.MaxVoicemail)
	defer limit.Stop()
wait:
	for {
		select {
		case <-c.ctx.Done():
			break wait
		case <-limit.C:
			break wait
		case <-c.keys.notify:
			for {
				k, ok := c.keys.pop()
				if !ok {
					break
				}
				if k == '#' {
					break wait
				}
			}
		}
	}
	c.rtp.SetHandlers(media.Handlers{Digit: c.keys.push})
	if err := rec.Close(); err != nil {
		s.log.Error("voicemail", "call_id", c.id, "error", err)
	}
	if c.ctx.Err() == nil {
		c.Play(c.ctx, "voicemail-saved", "goodbye")
		c.ending("system", "voicemail-done")
	}
}

// forward transfers the caller to an extension or SIP URI (值班电话), recorded like any call.
func (c *call) forward(target string) {
	c.setState("forward")
	c.set(func(cdr *CDR) { cdr.Forwarded = target })
	if c.Play(c.ctx, "forward") != nil {
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.s.cfg.RingTimeout)
	defer cancel()
	leg, err := c.s.dial(ctx, c, target, c.caller)
	if err != nil {
		if c.ctx.Err() == nil {
			c.s.log.Warn("forward failed", "call_id", c.id, "target", target, "error", err)
			c.Play(c.ctx, "goodbye")
			c.ending("system", "forward-failed")
		}
		return
	}
	c.talk(leg)
}

// finish hangs up what is left, writes the CDR and forgets the call.
func (c *call) finish() {
	s := c.s
	c.setState("ending")
	// Our own BYE must not read as the caller's: settle the side first.
	if c.dlg.Context().Err() == nil {
		if s.ctx.Err() != nil {
			c.ending("system", "shutdown")
		} else {
			c.ending("system", "completed")
		}
	}
	if c.citizen != nil {
		c.citizen.hangup()
	} else {
		c.hangup()
	}
	c.unwatch()
	c.cancel()
	c.rtp.Close()
	s.mu.Lock()
	delete(s.calls, c.id)
	for _, ext := range s.center.Leave(c.id, time.Now()) {
		s.cancelOffer(c.id, ext)
	}
	var late *dialLeg
	select {
	case late = <-c.answered: // an agent answered just as the caller left
	default:
	}
	s.afterACD()
	s.mu.Unlock()
	if late != nil {
		late.hangup()
		s.mu.Lock()
		s.center.Hangup(c.id, time.Now())
		s.afterACD()
		s.mu.Unlock()
	}
	c.mu.Lock()
	rec := c.rec
	c.rec = nil
	c.mu.Unlock()
	if rec != nil {
		if err := rec.Close(); err != nil {
			s.log.Error("recording", "call_id", c.id, "error", err)
		}
	}
	c.mu.Lock()
	cdr := c.cdr
	cdr.End = time.Now().UTC()
	cdr.HangupSide, cdr.HangupReason = c.endSide, c.endReason
	if cdr.HangupSide == "" {
		cdr.HangupSide, cdr.HangupReason = "system", "completed"
	}
	if cdr.Abandoned {
		cdr.HangupReason = "abandoned"
	}
	c.mu.Unlock()
	s.log.Info("call ended", "call_id", c.id, "caller", c.caller, "called", c.called, "queue", cdr.Queue, "agent", cdr.Agent,
		"side", cdr.HangupSide, "reason", cdr.HangupReason, "talk_s", cdr.TalkSeconds)
	s.writeCDR(cdr)
	close(c.done)
}

// hangup sends BYE to the caller unless the dialog already ended.
func (c *call) hangup() {
	if c.dlg.Context().Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 5*time.Second)
	defer cancel()
	if err := c.dlg.Bye(ctx); err != nil {
		c.s.log.Debug("bye to caller", "call_id", c.id, "error", err)
	}
}

// Play implements ivr.Host: prompts in order, in real time.
func (c *call) Play(ctx context.Context, names ...string) error {
	for _, n := range names {
		pcm, ok := c.s.prompts[n]
		if !ok {
			c.s.log.Warn("missing prompt", "prompt", n)
			continue
		}
		if err := media.Play(ctx, c.rtp, pcm); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Collect implements ivr.Host: the first key cuts the prompts short (barge-in).
func (c *call) Collect(ctx context.Context, prompts []string, max int, timeout time.Duration, terminator string) (string, error) {
	if !c.keys.pending() && len(prompts) > 0 {
		pctx, stop := context.WithCancel(ctx)
		go func() {
			select {
			case <-c.keys.notify:
				stop()
				// Put the wake-up back for the reading loop below.
				select {
				case c.keys.notify <- struct{}{}:
				default:
				}
			case <-pctx.Done():
			}
		}()
		err := c.Play(pctx, prompts...)
		stop()
		if err != nil && ctx.Err() != nil {
			return "", ctx.Err()
		}
	}
	var got strings.Builder
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		for {
			k, ok := c.keys.pop()
			if !ok {
				break
			}
			if terminator != "" && string(k) == terminator {
				return got.String(), nil
			}
			got.WriteRune(k)
			if got.Len() >= max {
				return got.String(), nil
			}
			t.Reset(timeout)
		}
		select {
		case <-ctx.Done():
			return got.String(), ctx.Err()
		case <-t.C:
			return got.String(), nil
		case <-c.keys.notify:
		}
	}
}

// TicketStatus implements ivr.Host through the TicketStatusLookup port.
func (c *call) TicketStatus(number string) (string, bool) {
	if c.s.ports.Tickets == nil || number == "" {
		return "", false
	}
	return c.s.ports.Tickets.TicketStatus(number)
}

// holdChanged follows a re-INVITE that put one side on hold or took it off. While held,
// no RTP is expected, so both legs stop their inactivity timers. When the agent holds, the
// caller hears music instead of the agent's line.
func (c *call) holdChanged(byAgent, held bool) {
	s := c.s
	c.mu.Lock()
	defer c.mu.Unlock()
	timeout := s.cfg.RTPTimeout
	if held {
		timeout = 0
	}
	c.rtp.SetTimeout(timeout)
	if c.leg != nil {
		c.leg.rtp.SetTimeout(timeout)
	}
	if !byAgent || c.leg == nil {
		return
	}
	if held && c.stopMusic == nil {
		rec := c.rec
		c.leg.rtp.SetHandlers(media.Handlers{Audio: func(pcm []int16) {
			if rec != nil {
				rec.Agent(pcm)
			}
		}})
		ctx, stop := context.WithCancel(c.ctx)
		c.stopMusic = stop
		go func() {
			for c.Play(ctx, "hold-music") == nil {
			}
		}()
		return
	}
	if !held && c.stopMusic != nil {
		c.stopMusic()
		c.stopMusic = nil
		c.rebridge()
	}
}

// rebridge (re)connects caller and agent media with whatever supervisor audio is
// joined. Callers hold c.mu.
func (c *call) rebridge() {
	if c.leg != nil {
		media.Bridge(c.rtp, c.leg.rtp, c.rec, nil, c.supAgent, c.supCaller)
	}
}
