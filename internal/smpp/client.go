// Package smpp is the SMS adapter: an SMPP 3.4 client (ESME) bound as a
// transceiver to the operator's message centre (MC). It sends the outbox's
// texts in UCS-2, split into concatenated parts when long, asks for delivery
// receipts, and hands receipts and citizens' inbound texts (上行短信) to
// callbacks. It keeps the link alive with enquire_link, reconnects with
// backoff, and keeps a window of submit_sm in flight for throughput.
//
// No SMPP library for Go is on the module proxy this project can use, so the
// codec is written here from the SMPP 3.4 specification; it covers only the
// operations an ESME transceiver needs.
package smpp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says how to reach and bind to the MC.
type Config struct {
	Addr       string // host:port of the MC
	SystemID   string
	Password   string
	SystemType string

	Source     string // the hotline's sender number, e.g. 12345 or its long code
	SourceTON  byte
	SourceNPI  byte
	DestTON    byte // 0 (unknown) suits national numbers such as 13800138000
	DestNPI    byte // 1 (E.164) by default
	NoReceipts bool // do not ask for delivery receipts

	Window          int           // submit_sm in flight at once; default 10
	EnquireLink     time.Duration // keep-alive period; default 30s
	ResponseTimeout time.Duration // wait for any response; default 10s
	ConnectWait     time.Duration // how long Send waits for a bound link when ctx has no deadline; default 10s
	BackoffMin      time.Duration // first reconnect delay; default 500ms
	BackoffMax      time.Duration // default 30s
	// DedupTTL is how long an acknowledged outbox id is remembered, so that
	// a retry of a message the MC already took is not sent again; default 24h.
	DedupTTL time.Duration

	// OnReceipt gets delivery receipts. An error answers the MC with a
	// temporary failure so that it delivers the receipt again.
	OnReceipt func(Receipt) error
	// OnMessage gets inbound texts, concatenated parts joined. An error
	// answers the MC with a temporary failure so that it delivers again.
	OnMessage func(Inbound) error

	Logger *slog.Logger
}

// Message is one outgoing text of the outbox.
type Message struct {
	OutboxID string // idempotency key
	To       string // the citizen's number
	Text     string
}

// Inbound is a text a citizen sent to the hotline.
type Inbound struct {
	From, To string
	Text     string
	Parts    int
	Received time.Time
}

// Sender is what the notification outbox calls.
type Sender interface {
	Send(ctx context.Context, msg Message) (providerID string, err error)
}

// Error is a failed send, classified for the outbox.
type Error struct {
	Permanent bool
	Status    uint32 // command_status from the MC, 0 if none
	Op        string
	Err       error
}

func (e *Error) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	if e.Status != 0 {
		return fmt.Sprintf("smpp: %s: %s failure: command_status 0x%08X: %v", e.Op, kind, e.Status, e.Err)
	}
	return fmt.Sprintf("smpp: %s: %s failure: %v", e.Op, kind, e.Err)
}

func (e *Error) Unwrap() error   { return e.Err }
func (e *Error) Temporary() bool { return !e.Permanent }

// IsPermanent says whether err is a failure that retrying will not cure.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// temporaryStatus lists the MC's answers that mean "not now": everything
// else (bad number, bad length, …) will fail again.
var temporaryStatus = map[uint32]bool{
	StatusThrottled: true, StatusMsgQFul: true, StatusSysErr: true, StatusInvBndSts: true,
	StatusXTAppn: true, StatusSubmitFail: true, StatusDeliveryFail: true,
}

var (
	// ErrClosed is returned by Send after Close.
	ErrClosed = errors.New("smpp: client closed")
	// ErrLinkLost fails the requests in flight when the link drops.
	ErrLinkLost = errors.New("smpp: link lost")
)

// Client is a transceiver bound to one MC. It is safe for concurrent use.
type Client struct {
	cfg    Config
	log    *slog.Logger
	window chan struct{}
	ref    atomic.Uint32

	mu      sync.Mutex
	cur     *session
	ready   chan struct{} // closed while cur is bound
	lastErr error
	sent    map[string]*outgoing
	parts   map[partKey]*partial

	closing chan struct{}
	done    chan struct{}
}

// outgoing is what the client remembers of an outbox id.
type outgoing struct {
	segs [][]byte
	ids  []string // message ids of the parts the MC took
	busy chan struct{}
	at   time.Time
}

// New checks cfg and starts connecting in the background.
func New(cfg Config) (*Client, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("smpp: MC address %q: %w", cfg.Addr, err)
	}
	if cfg.SystemID == "" {
		return nil, errors.New("smpp: empty system_id")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.EnquireLink, 30*time.Second)
	def(&cfg.ResponseTimeout, 10*time.Second)
	def(&cfg.ConnectWait, 10*time.Second)
	def(&cfg.BackoffMin, 500*time.Millisecond)
	def(&cfg.BackoffMax, 30*time.Second)
	def(&cfg.DedupTTL, 24*time.Hour)
	if cfg.Window <= 0 {
		cfg.Window = 10
	}
	if cfg.DestNPI == 0 {
		cfg.DestNPI = 1
	}
	c := &Client{
		cfg:     cfg,
		log:     cfg.Logger,
		window:  make(chan struct{}, cfg.Window),
		ready:   make(chan struct{}),
		sent:    map[string]*outgoing{},
		parts:   map[partKey]*partial{},
		closing: make(chan struct{}),
		done:    make(chan struct{}),
	}
	if c.log == nil {
		c.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c.ref.Store(rand.Uint32())
	go c.run()
	return c, nil
}

// run keeps one bound session, reconnecting with exponential backoff and jitter.
func (c *Client) run() {
	defer close(c.done)
	backoff := c.cfg.BackoffMin
	for {
		s, err := c.connect()
		if err != nil {
			c.mu.Lock()
			c.lastErr = err
			c.mu.Unlock()
			wait := backoff/2 + rand.N(backoff/2+1)
			c.log.Warn("smpp: bind failed", "addr", c.cfg.Addr, "err", err, "retry_in", wait)
			select {
			case <-c.closing:
				return
			case <-time.After(wait):
			}
			backoff = min(2*backoff, c.cfg.BackoffMax)
			continue
		}
		backoff = c.cfg.BackoffMin
		c.mu.Lock()
		c.cur, c.lastErr = s, nil
		close(c.ready)
		c.mu.Unlock()
		c.log.Info("smpp: bound", "addr", c.cfg.Addr)

		select {
		case <-s.dead:
		case <-c.closing:
			s.unbind(c.cfg.ResponseTimeout)
			<-s.dead
		}
		c.detach(s, s.err)
		c.log.Warn("smpp: link down", "err", s.err)
		select {
		case <-c.closing:
			return
		default:
		}
	}
}

// detach forgets s as the current session once it is dead, so Send waits for the next bind
// instead of picking the dead one. Both the dying session and run call it; only the first
// replaces ready, or a waiter could be left on a channel nobody will close.
func (c *Client) detach(s *session, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == s {
		c.cur, c.lastErr = nil, err
		c.ready = make(chan struct{})
	}
}

func (c *Client) connect() (*session, error) {
	d := net.Dialer{Timeout: c.cfg.ResponseTimeout}
	conn, err := d.Dial("tcp", c.cfg.Addr)
	if err != nil {
		return nil, err
	}
	s := newSession(c, conn)
	go s.read()
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.ResponseTimeout)
	defer cancel()
	resp, err := s.call(ctx, BindTransceiver, bindBody(c.cfg.SystemID, c.cfg.Password, c.cfg.SystemType))
	if err == nil && resp.ID != BindTransceiverResp {
		err = fmt.Errorf("bind answered with command 0x%08X", resp.ID)
	}
	if err == nil && resp.Status != StatusOK {
		err = fmt.Errorf("bind refused: command_status 0x%08X", resp.Status)
	}
	if err != nil {
		s.close(err)
		return nil, err
	}
	go s.keepAlive()
	return s, nil
}

// WaitBound waits until the client is bound, for start-up checks and tests.
func (c *Client) WaitBound(ctx context.Context) error {
	_, err := c.session(ctx)
	return err
}

func (c *Client) session(ctx context.Context) (*session, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.ConnectWait)
		defer cancel()
	}
	for {
		c.mu.Lock()
		s, ready := c.cur, c.ready
		c.mu.Unlock()
		if s != nil {
			return s, nil
		}
		select {
		case <-ready:
		case <-c.closing:
			return nil, &Error{Op: "bind", Err: ErrClosed}
		case <-ctx.Done():
			c.mu.Lock()
			last := c.lastErr
			c.mu.Unlock()
			if last == nil {
				last = ctx.Err()
			}
			return nil, &Error{Op: "bind", Err: fmt.Errorf("not bound to %s: %w", c.cfg.Addr, last)}
		}
	}
}

// Close unbinds and stops reconnecting.
func (c *Client) Close() error {
	select {
	case <-c.closing:
	default:
		close(c.closing)
	}
	<-c.done
	return nil
}

// Send submits msg, in several concatenated parts if it is long, and returns
// the MC's message ids, comma-separated, one per part. Sending an outbox id
// that was already taken returns the same ids without sending again; after a
// failure half-way only the parts the MC did not take are sent, with the
// same concatenation reference.
func (c *Client) Send(ctx context.Context, msg Message) (string, error) {
	if msg.OutboxID == "" {
		return "", &Error{Permanent: true, Op: "submit_sm", Err: errors.New("no outbox id")}
	}
	if !validNumber(msg.To) {
		return "", &Error{Permanent: true, Op: "submit_sm", Err: fmt.Errorf("destination %q is not a phone number", msg.To)}
	}
	if msg.Text == "" {
		return "", &Error{Permanent: true, Op: "submit_sm", Err: errors.New("empty text")}
	}
	o, err := c.claim(ctx, msg)
	if err != nil {
		return "", err
	}
	defer c.release(o)
	for i, seg := range o.segs {
		if o.ids[i] != "" {
			continue
		}
		id, err := c.submit(ctx, msg.To, seg, len(o.segs) > 1)
		if err != nil {
			return "", err
		}
		c.mu.Lock()
		o.ids[i] = id
		c.mu.Unlock()
	}
	return strings.Join(o.ids, ","), nil
}

// claim finds or makes the record of an outbox id and holds it, so two sends
// of one id never run at once.
func (c *Client) claim(ctx context.Context, msg Message) (*outgoing, error) {
	for {
		c.mu.Lock()
		c.prune()
		o := c.sent[msg.OutboxID]
		if o == nil {
			segs := segments(msg.Text, byte(c.ref.Add(1)))
			if len(segs) > 255 {
				c.mu.Unlock()
				return nil, &Error{Permanent: true, Op: "submit_sm", Err: fmt.Errorf("text of %d parts, at most 255", len(segs))}
			}
			o = &outgoing{segs: segs, ids: make([]string, len(segs)), at: time.Now()}
			c.sent[msg.OutboxID] = o
		}
		if o.busy == nil {
			o.busy = make(chan struct{})
			c.mu.Unlock()
			return o, nil
		}
		busy := o.busy
		c.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, &Error{Op: "submit_sm", Err: ctx.Err()}
		}
	}
}

func (c *Client) release(o *outgoing) {
	c.mu.Lock()
	close(o.busy)
	o.busy = nil
	c.mu.Unlock()
}

// prune forgets outbox ids older than DedupTTL; c.mu is held.
func (c *Client) prune() {
	if len(c.sent) < 1024 {
		return
	}
	for id, o := range c.sent {
		if o.busy == nil && time.Since(o.at) > c.cfg.DedupTTL {
			delete(c.sent, id)
		}
	}
}

func (c *Client) submit(ctx context.Context, to string, seg []byte, udh bool) (string, error) {
	select {
	case c.window <- struct{}{}:
	case <-ctx.Done():
		return "", &Error{Op: "submit_sm", Err: ctx.Err()}
	}
	defer func() { <-c.window }()
	s, err := c.session(ctx)
	if err != nil {
		return "", err
	}
	var esm, rd byte
	if udh {
		esm |= esmUDHI
	}
	if !c.cfg.NoReceipts {
		rd = 1 // MC delivery receipt on success or failure
	}
	body := submitBody(
		address{c.cfg.SourceTON, c.cfg.SourceNPI, c.cfg.Source},
		address{c.cfg.DestTON, c.cfg.DestNPI, to},
		esm, rd, dataCodingUCS, seg)
	rctx, cancel := context.WithTimeout(ctx, c.cfg.ResponseTimeout)
	defer cancel()
	resp, err := s.call(rctx, SubmitSM, body)
	if err != nil {
		return "", &Error{Op: "submit_sm", Err: err}
	}
	if resp.Status != StatusOK {
		op := "submit_sm"
		if resp.ID == GenericNack {
			op = "submit_sm (generic_nack)"
		}
		return "", &Error{Permanent: !temporaryStatus[resp.Status], Status: resp.Status, Op: op, Err: errors.New("refused by the MC")}
	}
	if resp.ID != SubmitSMResp {
		return "", &Error{Op: "submit_sm", Err: fmt.Errorf("answered with command 0x%08X", resp.ID)}
	}
	id, err := messageIDOf(resp.Body)
	if err != nil {
		return "", &Error{Op: "submit_sm", Err: err}
	}
	return id, nil
}

func validNumber(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 3 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// partKey identifies the parts of one concatenated inbound text.
type partKey struct {
	from, to string
	ref      uint16
	total    int
}

type partial struct {
	parts [][]byte
	first time.Time
}

// partsTTL is how long a part waits for its siblings.
const partsTTL = 10 * time.Minute

// inbound handles a deliver_sm: a receipt or a citizen's text. It returns the
// command_status of the deliver_sm_resp.
func (c *Client) inbound(d deliverSM) uint32 {
	if d.ESMClass&esmTypeMask == esmMCReceipt {
		r := parseReceipt(d)
		if c.cfg.OnReceipt == nil {
			return StatusOK
		}
		if err := c.cfg.OnReceipt(r); err != nil {
			c.log.Warn("smpp: receipt handler", "id", r.MessageID, "err", err)
			return StatusXTAppn
		}
		return StatusOK
	}
	body, cc := d.Message, (*concat)(nil)
	if d.ESMClass&esmUDHI != 0 {
		body, cc = splitUDH(d.Message)
	}
	in := Inbound{From: d.Src.Addr, To: d.Dst.Addr, Parts: 1, Received: time.Now()}
	var key partKey
	if cc != nil && cc.Total > 1 {
		key = partKey{d.Src.Addr, d.Dst.Addr, cc.Ref, cc.Total}
		c.mu.Lock()
		for k, p := range c.parts {
			if time.Since(p.first) > partsTTL {
				delete(c.parts, k)
			}
		}
		p := c.parts[key]
		if p == nil {
			p = &partial{parts: make([][]byte, cc.Total), first: time.Now()}
			c.parts[key] = p
		}
		p.parts[cc.Part-1] = decodeTextBytes(d.DataCoding, body)
		var text strings.Builder
		complete := true
		for _, b := range p.parts {
			if b == nil {
				complete = false
				break
			}
			text.Write(b)
		}
		c.mu.Unlock()
		if !complete {
			return StatusOK
		}
		in.Text, in.Parts = text.String(), cc.Total
	} else {
		in.Text = decodeText(d.DataCoding, body)
	}
	if c.cfg.OnMessage != nil {
		if err := c.cfg.OnMessage(in); err != nil {
			c.log.Warn("smpp: inbound handler", "from", in.From, "err", err)
			return StatusXTAppn // the parts stay, so a redelivery completes again
		}
	}
	if cc != nil && cc.Total > 1 {
		c.mu.Lock()
		delete(c.parts, key)
		c.mu.Unlock()
	}
	return StatusOK
}

// decodeTextBytes decodes one part on its own: UCS-2 parts never split a
// character, so each decodes alone.
func decodeTextBytes(dc byte, b []byte) []byte { return []byte(decodeText(dc, b)) }
