// Package mail is the e-mail adapter: it sends the notification outbox's
// messages over SMTP (STARTTLS, AUTH PLAIN or LOGIN) as proper MIME with
// Chinese subjects and bodies, and threads them onto the ticket by number.
package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// Config says how to reach the relay.
type Config struct {
	Addr     string // host:port of the SMTP relay (587 for submission)
	Username string // empty: no AUTH
	Password string
	// Auth forces a mechanism ("PLAIN" or "LOGIN"); empty picks the first the
	// server offers, PLAIN first.
	Auth string
	From netmail.Address
	// Domain names the hotline in Message-IDs and in EHLO; defaults to From's domain.
	Domain string
	// TLS configures STARTTLS; ServerName defaults to Addr's host. STARTTLS is
	// required: a relay that does not offer it is refused, so a password
	// never crosses the wire in clear.
	TLS *tls.Config
	// ImplicitTLS speaks TLS from the first byte (SMTPS, port 465), as many
	// Chinese mail providers require, instead of STARTTLS.
	ImplicitTLS bool
	Timeout     time.Duration // whole conversation; default 30s
}

// Sender is what the notification outbox calls.
type Sender interface {
	Send(ctx context.Context, msg Message) (providerID string, err error)
}

// Message is one outgoing e-mail of the outbox.
type Message struct {
	OutboxID string // the outbox row: the Message-ID is derived from it
	To       []netmail.Address
	Subject  string
	Text     string // plain-text body, required
	HTML     string // optional HTML alternative
	TicketNo string // threads the mail onto the ticket (工单号)
	// InReplyTo is the Message-ID of the citizen's mail being answered, if any.
	InReplyTo string
	Date      time.Time // defaults to now
}

// SMTP sends over SMTP; it opens one connection per message, which is
// what a low-volume notification channel needs and keeps no state to go stale.
type SMTP struct {
	cfg Config
}

var _ Sender = (*SMTP)(nil)

// NewSMTP checks the configuration.
func NewSMTP(cfg Config) (*SMTP, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("mail: relay address %q: %w", cfg.Addr, err)
	}
	if cfg.From.Address == "" || !strings.Contains(cfg.From.Address, "@") {
		return nil, fmt.Errorf("mail: from address %q", cfg.From.Address)
	}
	if cfg.Domain == "" {
		cfg.Domain = cfg.From.Address[strings.LastIndex(cfg.From.Address, "@")+1:]
	}
	switch strings.ToUpper(cfg.Auth) {
	case "", "PLAIN", "LOGIN":
	default:
		return nil, fmt.Errorf("mail: auth mechanism %q, want PLAIN or LOGIN", cfg.Auth)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg}, nil
}

// Error is a failed send, classified for the outbox.
type Error struct {
	Permanent bool // true: retrying will not help (bad address, refused auth, 5xx)
	Code      int  // SMTP reply code, 0 if none
	Op        string
	Err       error
}

func (e *Error) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("mail: %s: %s failure: %v", e.Op, kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary says the outbox should try again later.
func (e *Error) Temporary() bool { return !e.Permanent }

// IsPermanent says whether err is a failure that retrying will not cure.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// classify reads SMTP reply codes: 4xx is temporary, 5xx permanent; network
// trouble is temporary.
func classify(op string, err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return &Error{Permanent: tp.Code >= 500, Code: tp.Code, Op: op, Err: err}
	}
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return &Error{Permanent: true, Op: op, Err: err}
	}
	return &Error{Op: op, Err: err}
}

// MessageID is the Message-ID of an outbox row: the same row always gets the
// same id, so a resend after a crash is recognisable as a duplicate by the
// receiving side.
func (s *SMTP) MessageID(outboxID string) string {
	return "<outbox-" + idPart(outboxID) + "@" + s.cfg.Domain + ">"
}

// ThreadID is the root of a ticket's mail thread: every mail about the ticket
// references it, so mail clients group them and replies carry it back.
func (s *SMTP) ThreadID(ticketNo string) string {
	return "<ticket-" + idPart(ticketNo) + "@" + s.cfg.Domain + ">"
}

// idPart keeps ids that are safe in a msg-id and hashes the others.
func idPart(id string) string {
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			h := sha256.Sum256([]byte(id))
			return hex.EncodeToString(h[:16])
		}
	}
	return id
}

// Send delivers msg and returns its Message-ID as the provider id.
func (s *SMTP) Send(ctx context.Context, msg Message) (string, error) {
	if msg.OutboxID == "" {
		return "", &Error{Permanent: true, Op: "compose", Err: errors.New("no outbox id")}
	}
	if len(msg.To) == 0 {
		return "", &Error{Permanent: true, Op: "compose", Err: errors.New("no recipient")}
	}
	raw, err := s.Compose(msg)
	if err != nil {
		return "", &Error{Permanent: true, Op: "compose", Err: err}
	}
	id := s.MessageID(msg.OutboxID)
	if err := s.deliver(ctx, msg.To, raw); err != nil {
		return "", err
	}
	return id, nil
}

func (s *SMTP) deliver(ctx context.Context, to []netmail.Address, raw []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return classify("dial", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	// net/smtp has no context: closing the connection is how a cancel lands.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if s.cfg.TLS != nil {
		tc = s.cfg.TLS.Clone()
		if tc.ServerName == "" {
			tc.ServerName = host
		}
	}
	if s.cfg.ImplicitTLS {
		tlsConn := tls.Client(conn, tc)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			return classify("tls", err)
		}
		conn = tlsConn // net/smtp sees a *tls.Conn and allows AUTH
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return classify("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.Domain); err != nil {
		return classify("ehlo", err)
	}
	if !s.cfg.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &Error{Permanent: true, Op: "starttls", Err: errors.New("relay does not offer STARTTLS")}
		}
		if err := c.StartTLS(tc); err != nil {
			return classify("starttls", err)
		}
	}
	if s.cfg.Username != "" {
		a, err := s.auth(c, host)
		if err != nil {
			return err
		}
		if err := c.Auth(a); err != nil {
			return classify("auth", err)
		}
	}
	if err := c.Mail(s.cfg.From.Address); err != nil {
		return classify("mail from", err)
	}
	for _, r := range to {
		if err := c.Rcpt(r.Address); err != nil {
			return classify("rcpt to "+r.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return classify("data", err)
	}
	if _, err := w.Write(raw); err != nil {
		return classify("data", err)
	}
	if err := w.Close(); err != nil {
		return classify("data", err)
	}
	// the message is accepted once DATA is answered; a failed QUIT changes nothing
	_ = c.Quit()
	return nil
}

func (s *SMTP) auth(c *smtp.Client, host string) (smtp.Auth, error) {
	ok, mechs := c.Extension("AUTH")
	if !ok {
		return nil, &Error{Permanent: true, Op: "auth", Err: errors.New("relay offers no AUTH")}
	}
	offered := strings.Fields(strings.ToUpper(mechs))
	want := []string{"PLAIN", "LOGIN"}
	if s.cfg.Auth != "" {
		want = []string{strings.ToUpper(s.cfg.Auth)}
	}
	for _, m := range want {
		for _, o := range offered {
			if o != m {
				continue
			}
			if m == "PLAIN" {
				return smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host), nil
			}
			return &loginAuth{s.cfg.Username, s.cfg.Password}, nil
		}
	}
	return nil, &Error{Permanent: true, Op: "auth", Err: fmt.Errorf("relay offers AUTH %s, want %s", mechs, strings.Join(want, " or "))}
}

// loginAuth is AUTH LOGIN, which net/smtp lacks and many relays still prefer.
type loginAuth struct{ user, pass string }

func (a *loginAuth) Start(si *smtp.ServerInfo) (string, []byte, error) {
	if !si.TLS {
		return "", nil, errors.New("refusing AUTH LOGIN without TLS")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(from []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch p := strings.ToLower(strings.TrimSpace(string(from))); {
	case strings.HasPrefix(p, "user"):
		return []byte(a.user), nil
	case strings.HasPrefix(p, "pass"):
		return []byte(a.pass), nil
	default:
		return nil, fmt.Errorf("unexpected AUTH LOGIN challenge %q", from)
	}
}

// Compose builds the MIME message: UTF-8 throughout, the subject as RFC 2047
// encoded words, the body base64 so no relay mangles Chinese text.
func (s *SMTP) Compose(msg Message) ([]byte, error) {
	if strings.TrimSpace(msg.Text) == "" {
		return nil, errors.New("empty body")
	}
	date := msg.Date
	if date.IsZero() {
		date = time.Now()
	}
	subject := msg.Subject
	if msg.TicketNo != "" && TicketFromSubject(subject) != msg.TicketNo {
		subject = SubjectTag(msg.TicketNo) + " " + subject
	}
	from := s.cfg.From
	var b bytes.Buffer
	h := func(k, v string) {
		b.WriteString(k + ": " + v + "\r\n")
	}
	h("From", from.String())
	tos := make([]string, len(msg.To))
	for i, a := range msg.To {
		if _, err := netmail.ParseAddress(a.Address); err != nil {
			return nil, fmt.Errorf("recipient %q: %w", a.Address, err)
		}
		tos[i] = a.String()
	}
	h("To", strings.Join(tos, ", "))
	h("Subject", mime.BEncoding.Encode("UTF-8", subject))
	h("Date", date.Format(time.RFC1123Z))
	h("Message-ID", s.MessageID(msg.OutboxID))
	if msg.TicketNo != "" {
		refs := []string{s.ThreadID(msg.TicketNo)}
		parent := refs[0]
		if msg.InReplyTo != "" {
			parent = msg.InReplyTo
			refs = append(refs, msg.InReplyTo)
		}
		h("In-Reply-To", parent)
		h("References", strings.Join(refs, " "))
		h("X-Hotline-Ticket", msg.TicketNo)
	} else if msg.InReplyTo != "" {
		h("In-Reply-To", msg.InReplyTo)
		h("References", msg.InReplyTo)
	}
	h("Auto-Submitted", "auto-generated") // stops autoresponders answering the hotline
	h("MIME-Version", "1.0")
	if msg.HTML == "" {
		h("Content-Type", "text/plain; charset=UTF-8")
		h("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n")
		writeBase64(&b, msg.Text)
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	h("Content-Type", "multipart/alternative; boundary="+strconv.Quote(mw.Boundary()))
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", msg.Text}, {"text/html", msg.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, err
		}
		writeBase64(pw, part.body)
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeBase64 wraps at 76 characters as RFC 2045 asks.
func writeBase64(w io.Writer, s string) {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	for len(enc) > 76 {
		io.WriteString(w, enc[:76]+"\r\n")
		enc = enc[76:]
	}
	io.WriteString(w, enc+"\r\n")
}
