// Package callcenter is the voice call centre of the hotline (呼叫中心): a back-to-back
// user agent on sipgo that answers the hotline numbers, routes by time of day, runs IVR
// menus, queues callers for agents through the ACD, bridges and records the media, and
// writes a CDR for every call. It reaches the rest of the hotline only through Ports.
package callcenter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/hotline-dev/hotline/assets/prompts"
	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/media"
	hsip "github.com/hotline-dev/hotline/internal/sip"
)

// Config is the call centre's own configuration; routing lives in the NumberPlan port.
type Config struct {
	DataDir      string // recordings/, voicemail/ and spool/ go under it
	SIPAddr      string // UDP and TCP listen address, default ":5060"
	AdvertisedIP string // put in SDP and Contact, default 127.0.0.1
	RTPPortMin   int    // default 20000
	RTPPortMax   int    // default 29999
	Realm        string // digest realm, default "hotline"

	RingTimeout   time.Duration // per offer to an agent, default 20 s
	MaxMissed     int           // missed offers before 示忙, default 3
	WrapUp        time.Duration // 话后整理, default 15 s
	RTPTimeout    time.Duration // no media for this long ends the call, default 30 s
	MaxVoicemail  time.Duration // default 2 min
	QueueAnnounce time.Duration // repeat the queue position this often, default 30 s
	CDRRetry      time.Duration // how often spooled CDRs are retried, default 5 s

	// Trunk is the gateway to the phone network for call-backs, e.g.
	// "sip:10.1.2.3:5060"; the citizen's number becomes the user part. Empty: no
	// outbound calls.
	Trunk    string
	CallerID string // number shown to citizens called back, default 12345

	// ManualSignIn keeps agents signed out after REGISTER until they press *1 or use the
	// web page; by default a registered phone is ready (示闲) at once.
	ManualSignIn bool
	// BlacklistPrompt answers blacklisted callers with a notice before hanging up;
	// otherwise they get 603 Decline.
	BlacklistPrompt bool

	Prompts   fs.FS          // default: the embedded Mandarin prompts
	PromptDir string         // directory of <name>.wav in Prompts
	Location  *time.Location // dates of recording folders, default Asia/Shanghai
}

func (c *Config) defaults() {
	if c.SIPAddr == "" {
		c.SIPAddr = ":5060"
	}
	if c.AdvertisedIP == "" {
		c.AdvertisedIP = "127.0.0.1"
	}
	if c.RTPPortMin == 0 {
		c.RTPPortMin, c.RTPPortMax = 20000, 29999
	}
	if c.Realm == "" {
		c.Realm = "hotline"
	}
	if c.RingTimeout == 0 {
		c.RingTimeout = 20 * time.Second
	}
	if c.MaxMissed == 0 {
		c.MaxMissed = 3
	}
	if c.WrapUp == 0 {
		c.WrapUp = 15 * time.Second
	}
	if c.RTPTimeout == 0 {
		c.RTPTimeout = 30 * time.Second
	}
	if c.MaxVoicemail == 0 {
		c.MaxVoicemail = 2 * time.Minute
	}
	if c.QueueAnnounce == 0 {
		c.QueueAnnounce = 30 * time.Second
	}
	if c.CallerID == "" {
		c.CallerID = "12345"
	}
	if c.CDRRetry == 0 {
		c.CDRRetry = 5 * time.Second
	}
	if c.Prompts == nil {
		c.Prompts, c.PromptDir = prompts.FS, prompts.Dir
	}
	if c.Location == nil {
		c.Location = DefaultSchedule().Location
	}
}

// Server is one call-centre node.
type Server struct {
	cfg     Config
	ports   Ports
	log     *slog.Logger
	spool   *Spool
	metrics *metrics

	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	cli    *sipgo.Client
	dialUA *sipgo.DialogUA
	reg    *hsip.Registrar
	rtp    *media.Ports

	udp     net.PacketConn
	tcp     net.Listener
	prompts map[string][]int16

	mu        sync.Mutex // guards everything below
	center    *acd.Center
	calls     map[string]*call           // caller-leg Call-ID → call
	legs      map[string]*dialLeg        // agent-leg Call-ID → leg
	offers    map[string]func()          // call ID + "/" + ext → cancel ringing
	passwords map[string]string          // last known agent passwords, kept when the directory is down
	queueSeen map[string]acd.QueueStatus // last queue status published

	events chan Event
	kick   chan struct{}
	steps  atomic.Int64 // ACD steps run, for the test that an idle server does not spin
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

// New checks the configuration and prepares a server; Start opens the sockets.
func New(cfg Config, ports Ports, logger *slog.Logger) (*Server, error) {
	cfg.defaults()
	if ports.CDR == nil || ports.Agents == nil || ports.Plan == nil {
		return nil, errors.New("callcenter: the CDR, Agents and Plan ports are required")
	}
	if cfg.DataDir == "" {
		return nil, errors.New("callcenter: no data directory")
	}
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("component", "callcenter")
	spool, err := NewSpool(ports.CDR, path.Join(cfg.DataDir, "spool"), logger)
	if err != nil {
		return nil, err
	}
	spool.retry = cfg.CDRRetry
	s := &Server{
		cfg: cfg, ports: ports, log: logger, spool: spool, metrics: newMetrics(),
		rtp:       &media.Ports{IP: "0.0.0.0", Min: cfg.RTPPortMin, Max: cfg.RTPPortMax},
		calls:     map[string]*call{},
		legs:      map[string]*dialLeg{},
		offers:    map[string]func(){},
		passwords: map[string]string{},
		queueSeen: map[string]acd.QueueStatus{},
		events:    make(chan Event, 1024),
		kick:      make(chan struct{}, 1),
		center:    acd.NewCenter(acd.Config{RingTimeout: cfg.RingTimeout, MaxMissed: cfg.MaxMissed, WrapUp: cfg.WrapUp}),
	}
	if ip := net.ParseIP(cfg.AdvertisedIP); ip != nil && ip.IsLoopback() {
		s.rtp.IP = cfg.AdvertisedIP
	}
	if err := s.loadPrompts(); err != nil {
		return nil, err
	}
	for _, q := range ports.Plan.Queues() {
		if err := s.center.AddQueue(q); err != nil {
			return nil, fmt.Errorf("callcenter: queue %s: %w", q.Name, err)
		}
	}
	return s, nil
}

func (s *Server) loadPrompts() error {
	s.prompts = map[string][]int16{}
	entries, err := fs.ReadDir(s.cfg.Prompts, s.cfg.PromptDir)
	if err != nil {
		return fmt.Errorf("callcenter: prompts: %w", err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".wav")
		if !ok {
			continue
		}
		f, err := s.cfg.Prompts.Open(path.Join(s.cfg.PromptDir, e.Name()))
		if err != nil {
			return err
		}
		pcm, err := media.ReadWAV(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("callcenter: prompt %s: %w", name, err)
		}
		s.prompts[name] = pcm
	}
	return nil
}

// Start loads the agents, opens SIP on UDP and TCP and starts the ACD clock. It returns
// once the sockets listen.
func (s *Server) Start(ctx context.Context) error {
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.loadAgents(ctx)

	udp, tcp, err := listenSIP(s.cfg.SIPAddr)
	if err != nil {
		return err
	}
	s.udp, s.tcp = udp, tcp
	port := udp.LocalAddr().(*net.UDPAddr).Port

	s.ua, err = sipgo.NewUA(sipgo.WithUserAgent("hotline"), sipgo.WithUserAgentHostname(s.cfg.AdvertisedIP))
	if err != nil {
		return err
	}
	s.srv, err = sipgo.NewServer(s.ua, sipgo.WithServerLogger(s.log))
	if err != nil {
		return err
	}
	s.cli, err = sipgo.NewClient(s.ua, sipgo.WithClientHostname(s.cfg.AdvertisedIP), sipgo.WithClientLogger(s.log))
	if err != nil {
		return err
	}
	s.dialUA = &sipgo.DialogUA{Client: s.cli, ContactHDR: sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "hotline", Host: s.cfg.AdvertisedIP, Port: port}}}
	s.reg = &hsip.Registrar{Realm: s.cfg.Realm, Password: s.password, OnChange: s.registered, Log: s.log}

	s.srv.OnRegister(s.reg.HandleRegister)
	s.srv.OnOptions(s.onOptions)
	s.srv.OnInvite(s.onInvite)
	s.srv.OnAck(s.onAck)
	s.srv.OnBye(s.onBye)
	s.srv.OnCancel(func(req *sip.Request, tx sip.ServerTransaction) {
		// CANCELs matching an INVITE are handled by the transaction layer.
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
	})
	s.srv.OnInfo(s.onInfo)
	s.srv.OnRefer(s.onRefer)
	s.srv.OnNoRoute(func(req *sip.Request, tx sip.ServerTransaction) {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusMethodNotAllowed, "Method Not Allowed", nil))
	})

	guard := hsip.NewGuardConn(udp)
	guard.OnMalformed = func(from net.Addr, reason string) {
		s.log.Info("malformed SIP answered 400", "from", from, "reason", reason)
	}
	s.wg.Add(5)
	go func() { defer s.wg.Done(); s.srv.ServeUDP(guard) }()
	go func() { defer s.wg.Done(); s.srv.ServeTCP(tcp) }()
	go func() { defer s.wg.Done(); s.spool.Run(s.ctx) }()
	go func() { defer s.wg.Done(); s.acdLoop() }()
	go func() { defer s.wg.Done(); s.eventLoop() }()
	s.wg.Add(1)
	go func() {
		// Agents added or changed in the directory show up within a minute; a slow
		// database delays only this loop, never the ACD clock.
		defer s.wg.Done()
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-t.C:
				s.loadAgents(s.ctx)
			}
		}
	}()
	s.log.Info("sip listening", "udp", udp.LocalAddr(), "tcp", tcp.Addr(), "rtp", fmt.Sprintf("%d-%d", s.cfg.RTPPortMin, s.cfg.RTPPortMax))
	return nil
}

// listenSIP opens UDP and TCP on the same address. With port 0 the UDP port is chosen
// first and TCP takes the same number; if that is taken on TCP, another pair is tried.
func listenSIP(addr string) (net.PacketConn, net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("callcenter: sip address %q: %w", addr, err)
	}
	tries := 1
	if port == "0" {
		tries = 20
	}
	for i := 0; ; i++ {
		udp, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("callcenter: sip udp: %w", err)
		}
		tcp, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(udp.LocalAddr().(*net.UDPAddr).Port)))
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		if i+1 >= tries {
			return nil, nil, fmt.Errorf("callcenter: sip tcp: %w", err)
		}
	}
}

// UDPAddr and TCPAddr are the bound SIP addresses (useful with port 0).
func (s *Server) UDPAddr() net.Addr { return s.udp.LocalAddr() }
func (s *Server) TCPAddr() net.Addr { return s.tcp.Addr() }

// Close hangs up every call, writes their CDRs and stops. Closing twice is harmless.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Server) close() error {
	if s.cancel == nil {
		return nil
	}
	s.cancel()
	s.mu.Lock()
	calls := make([]*call, 0, len(s.calls))
	for _, c := range s.calls {
		calls = append(calls, c)
	}
	s.mu.Unlock()
	for _, c := range calls {
		<-c.done
	}
	var err error
	if s.srv != nil {
		err = s.srv.Close()
	}
	if s.ua != nil {
		err = errors.Join(err, s.ua.Close())
	}
	if s.udp != nil {
		s.udp.Close()
	}
	if s.tcp != nil {
		s.tcp.Close()
	}
	s.wg.Wait()
	return err
}

// ReloadAgents rereads the agent directory now (an adapter saw it change) instead of at
// the next minute.
func (s *Server) ReloadAgents(ctx context.Context) { s.loadAgents(ctx) }

// loadAgents reads the agent directory. Its last good answer is kept on disk, so a node
// that starts while the database is down still knows its agents and lets them register.
func (s *Server) loadAgents(ctx context.Context) {
	cache := path.Join(s.cfg.DataDir, "spool", "agents.json")
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	agents, err := s.ports.Agents.Agents(ctx)
	if err != nil {
		b, rerr := os.ReadFile(cache)
		if rerr != nil || json.Unmarshal(b, &agents) != nil {
			s.log.Warn("agent directory unavailable and no cached copy", "error", err)
			return
		}
		s.log.Warn("agent directory unavailable, using the cached copy", "error", err, "agents", len(agents))
	} else if b, err := json.Marshal(agents); err == nil {
		tmp := cache + ".tmp"
		if os.WriteFile(tmp, b, 0o600) == nil {
			os.Rename(tmp, cache)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range agents {
		s.center.PutAgent(acd.Agent{Ext: a.Ext, Name: a.Name, Skills: a.Skills, Order: a.Order})
		s.passwords[a.Ext] = a.Password
	}
}

func (s *Server) password(ext string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.passwords[ext]
	return p, ok
}

// registered signs an agent in when its first phone registers and out when the last goes.
func (s *Server) registered(ext string, bindings []hsip.Binding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.center.Agent(ext)
	if !ok {
		return
	}
	now := time.Now()
	switch {
	case len(bindings) == 0 && a.State != acd.SignedOut:
		s.center.SetState(ext, acd.SignedOut, now)
	case len(bindings) > 0 && a.State == acd.SignedOut && !s.cfg.ManualSignIn:
		s.center.SetState(ext, acd.Ready, now)
	}
	s.afterACD()
}

// SetAgentState is the agent's 示闲/示忙/签出 from the web page or a feature code.
func (s *Server) SetAgentState(ext string, st acd.AgentState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.center.SetState(ext, st, time.Now())
	s.afterACD()
	return err
}

// afterACD publishes agent changes and wakes the dispatcher. Callers hold s.mu.
// afterACD publishes the agent changes an event made and wakes the ACD loop to act on it.
// Callers hold s.mu.
func (s *Server) afterACD() {
	s.publishChanges()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// publishChanges publishes and records the agents' state changes. Callers hold s.mu.
func (s *Server) publishChanges() {
	for _, a := range s.center.Changes() {
		s.publish(Event{Type: EvAgentState, At: a.StateSince, Agent: a.Ext, State: a.State.String(), CallID: a.CallID})
		ext, st, at := a.Ext, a.State, a.StateSince
		go func() {
			ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
			defer cancel()
			if err := s.ports.Agents.AgentStateChanged(ctx, ext, st, at); err != nil {
				s.log.Debug("agent state not recorded", "ext", ext, "error", err)
			}
		}()
	}
}

func (s *Server) publish(ev Event) {
	if s.ports.Events == nil {
		return
	}
	ev.At = ev.At.UTC()
	select {
	case s.events <- ev:
	default:
		s.log.Warn("live event dropped: publisher too slow", "type", ev.Type)
	}
}

func (s *Server) eventLoop() {
	for {
		select {
		case <-s.ctx.Done():
			return
		case ev := <-s.events:
			s.ports.Events.Publish(ev)
		}
	}
}

// acdLoop is the ACD's clock: ring timeouts, wrap-up, overflow and dispatch, every
// 200 ms or at once when something changed.
func (s *Server) acdLoop() {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
		s.step(time.Now())
	}
}

func (s *Server) step(now time.Time) {
	s.steps.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	// Phones whose registration ran out cannot take calls.
	for _, ext := range s.center.ReadyExts() {
		if len(s.reg.Contacts(ext)) == 0 {
			s.center.SetState(ext, acd.SignedOut, now)
		}
	}
	r := s.center.Tick(now)
	for _, e := range r.Expired {
		s.cancelOffer(e.CallID, e.Ext)
	}
	for _, o := range r.Overflows {
		for _, ext := range o.Cancel {
			s.cancelOffer(o.CallID, ext)
		}
		if c := s.calls[o.CallID]; c != nil {
			select {
			case c.overflow <- o:
			default:
			}
		}
	}
	defer s.publishQueues(now)
	for _, o := range s.center.Dispatch(now) {
		c := s.calls[o.CallID]
		if c == nil {
			s.center.Leave(o.CallID, now)
			continue
		}
		for _, ext := range o.Agents {
			ctx, cancel := context.WithDeadline(c.ctx, o.Deadline.Add(time.Second))
			s.offers[o.CallID+"/"+ext] = cancel
			s.publish(Event{Type: EvCallRinging, At: now, CallID: c.id, Caller: c.caller, Called: c.called, Queue: o.Queue, Agent: ext})
			go s.ringAgent(ctx, cancel, c, ext)
		}
	}
	// Not afterACD: a step that woke its own loop would run again at once, forever (an
	// idle server spun at two thirds of a core). Events and the ticker wake it.
	s.publishChanges()
}

// publishQueues sends a queue.changed event for each queue whose counts moved since the
// last one (the wait time alone changes every tick and is left to the reader). Callers
// hold s.mu.
func (s *Server) publishQueues(now time.Time) {
	for _, q := range s.center.Queues(now) {
		seen := s.queueSeen[q.Name]
		seen.LongestWait = q.LongestWait
		if seen == q {
			continue
		}
		s.queueSeen[q.Name] = q
		st := q
		s.publish(Event{Type: EvQueue, At: now, Queue: q.Name, QueueStatus: &st})
	}
}

// hasQueue reports whether name is a configured queue. Callers hold s.mu.
func (s *Server) hasQueue(name string) bool {
	for _, q := range s.center.Queues(time.Now()) {
		if q.Name == name {
			return true
		}
	}
	return false
}

// cancelOffer stops ringing ext for a call (sends CANCEL). Callers hold s.mu.
func (s *Server) cancelOffer(callID, ext string) {
	key := callID + "/" + ext
	if cancel, ok := s.offers[key]; ok {
		cancel()
		delete(s.offers, key)
	}
}

func (s *Server) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)
	res.AppendHeader(sip.NewHeader("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, REFER"))
	res.AppendHeader(sip.NewHeader("Accept", "application/sdp, application/dtmf-relay, application/dtmf"))
	tx.Respond(res)
}

func (s *Server) onAck(req *sip.Request, tx sip.ServerTransaction) {
	s.mu.Lock()
	c := s.calls[req.CallID().Value()]
	s.mu.Unlock()
	if c != nil {
		if d, ok := c.dlg.(*sipgo.DialogServerSession); ok {
			d.ReadAck(req, tx)
		}
	}
}

func (s *Server) onBye(req *sip.Request, tx sip.ServerTransaction) {
	id := req.CallID().Value()
	s.mu.Lock()
	c, leg := s.calls[id], s.legs[id]
	s.mu.Unlock()
	var err error
	switch {
	case c != nil:
		err = c.dlg.ReadBye(req, tx)
	case leg != nil:
		err = leg.dlg.ReadBye(req, tx)
	default:
		err = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
	}
	if err != nil {
		s.log.Debug("bye", "call_id", id, "error", err)
	}
}

// onInfo takes DTMF sent as SIP INFO (application/dtmf-relay "Signal=5" or application/dtmf "5").
func (s *Server) onInfo(req *sip.Request, tx sip.ServerTransaction) {
	id := req.CallID().Value()
	s.mu.Lock()
	c, leg := s.calls[id], s.legs[id]
	s.mu.Unlock()
	if c == nil && leg != nil && leg.call != nil && leg.call.citizen == leg {
		c = leg.call // the citizen's leg of a call-back
	}
	if c == nil && leg == nil {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
		return
	}
	if k := infoDigit(req); k != 0 && c != nil {
		c.keys.push(k) // keys from an agent's phone are accepted and ignored
	}
	tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
}

func infoDigit(req *sip.Request) rune {
	body := strings.TrimSpace(string(req.Body()))
	for _, line := range strings.Split(body, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "signal") {
			body = strings.TrimSpace(v)
			break
		}
	}
	if len(body) == 1 {
		if _, ok := media.EventForDigit(rune(body[0])); ok {
			return rune(body[0])
		}
	}
	return 0
}

// onRefer is the transfer key of an agent phone (RFC 3515 blind transfer): Refer-To
// names an extension, a hotline number (its queue) or a queue. The phone gets 202, then
// a NOTIFY with the outcome, then BYE as the caller moves on.
func (s *Server) onRefer(req *sip.Request, tx sip.ServerTransaction) {
	id := req.CallID().Value()
	s.mu.Lock()
	leg := s.legs[id]
	s.mu.Unlock()
	if leg == nil || leg.call == nil {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
		return
	}
	h := req.GetHeader("Refer-To")
	var to sip.Uri
	if h == nil || sip.ParseUri(strings.Trim(strings.TrimSpace(strings.SplitN(h.Value(), ";", 2)[0]), "<>"), &to) != nil || to.User == "" {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Refer-To", nil))
		return
	}
	target := to.User
	if r, ok := s.ports.Plan.Route(target); ok && r.Default.Kind == ActQueue {
		target = r.Default.Target
	}
	tx.Respond(sip.NewResponseFromRequest(req, sip.StatusAccepted, "Accepted", nil))
	// NOTIFY goes before the transfer starts: the transfer hangs this phone up.
	c := leg.call
	c.mu.Lock()
	ok := c.leg == leg
	c.mu.Unlock()
	status := "SIP/2.0 200 OK\r\n"
	if !ok {
		status = "SIP/2.0 503 Service Unavailable\r\n"
	}
	notify := sip.NewRequest(sip.NOTIFY, leg.dlg.InviteResponse.Contact().Address)
	notify.AppendHeader(sip.NewHeader("Event", "refer"))
	notify.AppendHeader(sip.NewHeader("Subscription-State", "terminated;reason=noresource"))
	notify.AppendHeader(sip.NewHeader("Content-Type", "message/sipfrag;version=2.0"))
	notify.SetBody([]byte(status))
	ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
	defer cancel()
	if _, err := leg.dlg.Do(ctx, notify); err != nil {
		s.log.Debug("refer notify", "call_id", c.id, "error", err)
	}
	if !ok {
		return
	}
	if err := s.Transfer(c.id, target); err != nil {
		s.log.Info("transfer refused", "call_id", c.id, "target", target, "error", err)
	}
}

// reinvite answers an INVITE inside a dialog (hold, resume, codec refresh) with our
// current media, following the offered direction.
func (s *Server) reinvite(req *sip.Request, tx sip.ServerTransaction) {
	id := req.CallID().Value()
	s.mu.Lock()
	c, leg := s.calls[id], s.legs[id]
	s.mu.Unlock()
	var sess *media.Session
	switch {
	case c != nil:
		sess = c.rtp
	case leg != nil:
		sess = leg.rtp
	default:
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
		return
	}
	offer, err := hsip.ParseSDP(req.Body())
	if err != nil {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusNotAcceptableHere, "Not Acceptable Here", nil))
		return
	}
	body, codec := hsip.Answer(offer, s.cfg.AdvertisedIP, sess.LocalPort(), rand.Uint64()>>1)
	if !offer.Hold() {
		// The phone may have moved (new address) or changed codec.
		sess.SetRemote(offer.Addr())
		if cd, ok := media.CodecByPT(codec); ok {
			sess.SetCodec(cd, offer.DTMFPT)
		}
	}
	res := sip.NewSDPResponseFromRequest(req, body)
	res.AppendHeader(&s.dialUA.ContactHDR)
	tx.Respond(res)
	switch {
	case c != nil:
		c.holdChanged(false, offer.Hold())
	case leg.call != nil:
		// An agent leg, or the citizen's leg of a call-back.
		leg.call.holdChanged(leg.call.leg == leg, offer.Hold())
	}
}

// mediaPath is DATA/<kind>/YYYY/MM/DD/<callid>.wav (kind recordings or voicemail); the
// CDR keeps it relative to the data directory.
func (s *Server) mediaPath(kind string, at time.Time, callID string) (rel, abs string) {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			return r
		}
		return '_'
	}, callID)
	if len(safe) > 120 {
		safe = safe[:120]
	}
	rel = path.Join(kind, at.In(s.cfg.Location).Format("2006/01/02"), safe+".wav")
	return rel, path.Join(s.cfg.DataDir, rel)
}

func (s *Server) writeCDR(cdr CDR) {
	_, known := s.ports.Plan.Route(cdr.Called)
	s.metrics.observe(cdr, known)
	s.publish(Event{Type: EvCallEnded, At: cdr.End, CallID: cdr.CallID, Caller: cdr.Caller, Called: cdr.Called, Queue: cdr.Queue, Agent: cdr.Agent, CDR: &cdr})
	if err := s.spool.WriteCDR(context.WithoutCancel(s.ctx), cdr); err != nil {
		// The spool failed too: the disk is gone. Log the record so it can be recovered.
		s.log.Error("CDR lost to storage", "error", err, "cdr", fmt.Sprintf("%+v", cdr))
	}
}

// SpoolPending is the number of CDRs waiting for the database.
func (s *Server) SpoolPending() int { return s.spool.Pending() }

var errNoContact = errors.New("callcenter: extension not registered")
