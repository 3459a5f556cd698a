package mail

import (
	"github.com/hotline-dev/hotline/internal/testpeer"

	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func testSender(t *testing.T, addr, user, pass, auth string, pool *x509.CertPool) *SMTP {
	t.Helper()
	s, err := NewSMTP(Config{
		Addr: addr, Username: user, Password: pass, Auth: auth,
		From:    netmail.Address{Name: "12345热线", Address: "noreply@hotline.example.cn"},
		TLS:     &tls.Config{RootCAs: pool},
		Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func notice(outboxID string) Message {
	return Message{
		OutboxID: outboxID,
		To:       []netmail.Address{{Name: "张三", Address: "zhangsan@example.cn"}},
		Subject:  "您的诉求已受理",
		Text:     "您好，您反映的占道经营问题已受理，工单号 2026112100001，可凭工单号和手机号查询办理进度。",
		TicketNo: "2026112100001",
		Date:     time.Date(2026, 11, 21, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)),
	}
}

func body(t *testing.T, m *netmail.Message) string {
	t.Helper()
	if m.Header.Get("Content-Transfer-Encoding") != "base64" {
		t.Fatalf("transfer encoding %q", m.Header.Get("Content-Transfer-Encoding"))
	}
	raw, err := io.ReadAll(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	return decodeB64(t, raw)
}

func decodeB64(t *testing.T, raw []byte) string {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\r\n") {
		if len(line) > 76 {
			t.Errorf("base64 line of %d characters", len(line))
		}
		b.WriteString(line)
	}
	out, err := base64Decode(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCompose(t *testing.T) {
	s := testSender(t, "127.0.0.1:587", "", "", "", nil)
	raw, err := s.Compose(notice("ob-42"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		for _, r := range line {
			if r > 127 {
				t.Fatalf("raw 8-bit text in the message: %q", line)
			}
		}
	}
	dec := new(mime.WordDecoder)
	subj, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subj != "[工单 2026112100001] 您的诉求已受理" {
		t.Errorf("subject = %q, %v", subj, err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || from[0].Name != "12345热线" {
		t.Errorf("from = %v, %v", from, err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || to[0].Name != "张三" || to[0].Address != "zhangsan@example.cn" {
		t.Errorf("to = %v, %v", to, err)
	}
	want := map[string]string{
		"Message-ID":       "<outbox-ob-42@hotline.example.cn>",
		"In-Reply-To":      "<ticket-2026112100001@hotline.example.cn>",
		"References":       "<ticket-2026112100001@hotline.example.cn>",
		"X-Hotline-Ticket": "2026112100001",
		"MIME-Version":     "1.0",
		"Content-Type":     "text/plain; charset=UTF-8",
		"Date":             "Sat, 21 Nov 2026 10:00:00 +0800",
	}
	for k, v := range want {
		if got := m.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := body(t, m); got != notice("").Text {
		t.Errorf("body = %q", got)
	}
	if TicketFromHeader(m.Header) != "2026112100001" {
		t.Error("our own header does not give the ticket back")
	}

	// a reply to the citizen's mail, with an HTML alternative; the subject
	// already carries the tag and must not get a second one
	msg := notice("ob-43")
	msg.Subject = "Re: [工单 2026112100001] 关于占道经营的答复"
	msg.InReplyTo = "<abc@citizen.example>"
	msg.HTML = "<p>您好，<b>已办结</b>。</p>"
	raw, err = s.Compose(msg)
	if err != nil {
		t.Fatal(err)
	}
	m, _ = netmail.ReadMessage(strings.NewReader(string(raw)))
	if subj, _ := dec.DecodeHeader(m.Header.Get("Subject")); subj != msg.Subject {
		t.Errorf("subject = %q", subj)
	}
	if m.Header.Get("In-Reply-To") != "<abc@citizen.example>" ||
		m.Header.Get("References") != "<ticket-2026112100001@hotline.example.cn> <abc@citizen.example>" {
		t.Errorf("threading headers %q / %q", m.Header.Get("In-Reply-To"), m.Header.Get("References"))
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q, %v", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		parts = append(parts, p.Header.Get("Content-Type")+"|"+decodeB64(t, b))
	}
	if len(parts) != 2 || parts[0] != "text/plain; charset=UTF-8|"+msg.Text || parts[1] != "text/html; charset=UTF-8|"+msg.HTML {
		t.Errorf("parts = %q", parts)
	}

	// ids with odd characters are hashed, stably
	if a, b := s.MessageID("ob 1/2"), s.MessageID("ob 1/2"); a != b || strings.ContainsAny(a, " /") {
		t.Errorf("message id %q", a)
	}
	for _, bad := range []Message{{OutboxID: "x", To: notice("").To}, {OutboxID: "x", To: []netmail.Address{{Address: "not an address"}}, Text: "t"}} {
		if _, err := s.Compose(bad); err == nil {
			t.Errorf("Compose(%+v) accepted", bad)
		}
	}
}

func TestTicketFromSubject(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("回复：[工单 2026112100001] 噪音扰民")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ subject, want string }{
		{"[工单 2026112100001] 您的诉求已受理", "2026112100001"},
		{"Re: 回复：[工单 2026112100001] 您的诉求已受理", "2026112100001"},
		{"答复: 工单号：2026112100002 的办理结果", "2026112100002"},
		{"关于工单编号2026112100003", "2026112100003"},
		{"RE: Ticket #2026112100004", "2026112100004"},
		{mime.BEncoding.Encode("UTF-8", "Re: [工单 2026112100005] 占道经营"), "2026112100005"},
		{mime.QEncoding.Encode("UTF-8", "[工单 2026112100006]"), "2026112100006"},
		{mime.BEncoding.Encode("GBK", gbk), "2026112100001"},
		{"我的电话13812345678，请回电", ""},
		{"工单", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := TicketFromSubject(tc.subject); got != tc.want {
			t.Errorf("TicketFromSubject(%q) = %q, want %q", tc.subject, got, tc.want)
		}
	}
	h := netmail.Header{
		"Subject":    {"Re: 噪音问题"},
		"References": {"<x@y> <ticket-2026112100007@hotline.example.cn>"},
	}
	if got := TicketFromHeader(h); got != "2026112100007" {
		t.Errorf("TicketFromHeader by References = %q", got)
	}
	if got := TicketFromHeader(netmail.Header{"Subject": {"工单号 2026112100008"}}); got != "2026112100008" {
		t.Errorf("TicketFromHeader by Subject = %q", got)
	}
}

// Sends through nodemailer's smtp-server over STARTTLS with both AUTH
// mechanisms, and checks what the server really received.
func TestSendThroughRealSMTPServer(t *testing.T) {
	certFile, keyFile, pool := testpeer.SelfSigned(t)
	p := testpeer.Start(t, "smtp-server.js", "0", certFile, keyFile, "hotline", "s3cret-密码")
	addr := "127.0.0.1:" + strconv.Itoa(p.Port)
	ctx := context.Background()

	for _, mech := range []string{"PLAIN", "LOGIN"} {
		s := testSender(t, addr, "hotline", "s3cret-密码", mech, pool)
		id, err := s.Send(ctx, notice("ob-"+mech))
		if err != nil {
			t.Fatalf("%s: %v", mech, err)
		}
		if id != "<outbox-ob-"+mech+"@hotline.example.cn>" {
			t.Errorf("provider id %q", id)
		}
		auth := p.Next(t, "auth", 5*time.Second)
		if auth["method"] != mech || auth["ok"] != true || auth["secure"] != true {
			t.Errorf("auth event %v, want %s over TLS", auth, mech)
		}
		ev := p.Next(t, "message", 5*time.Second)
		if ev["secure"] != true || ev["user"] != "hotline" || ev["from"] != "noreply@hotline.example.cn" {
			t.Errorf("message event %v", ev)
		}
		if to, _ := ev["to"].([]any); len(to) != 1 || to[0] != "zhangsan@example.cn" {
			t.Errorf("envelope to %v", ev["to"])
		}
		m, err := netmail.ReadMessage(strings.NewReader(ev["raw"].(string)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.Get("Message-ID") != id || TicketFromSubject(m.Header.Get("Subject")) != "2026112100001" {
			t.Errorf("received headers %v", m.Header)
		}
		if got := body(t, m); got != notice("").Text {
			t.Errorf("received body %q", got)
		}
	}

	// classification for the outbox
	s := testSender(t, addr, "hotline", "wrong", "", pool)
	_, err := s.Send(ctx, notice("ob-bad-auth"))
	var me *Error
	if !errors.As(err, &me) || !me.Permanent || me.Code != 535 {
		t.Errorf("wrong password: %v, want a permanent 535", err)
	}
	s = testSender(t, addr, "hotline", "s3cret-密码", "", pool)
	for to, wantPermanent := range map[string]bool{"tempfail@example.cn": false, "nouser@example.cn": true} {
		msg := notice("ob-" + to)
		msg.To = []netmail.Address{{Address: to}}
		_, err := s.Send(ctx, msg)
		if !errors.As(err, &me) || me.Permanent != wantPermanent || IsPermanent(err) != wantPermanent {
			t.Errorf("%s: %v, want permanent=%v", to, err, wantPermanent)
		}
	}
	if _, err := testSender(t, addr, "hotline", "s3cret-密码", "", nil).Send(ctx, notice("ob-untrusted")); !IsPermanent(err) {
		t.Errorf("untrusted certificate: %v, want a permanent error", err)
	}
	// nothing listens there any more: temporary
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	if _, err := testSender(t, closed, "hotline", "x", "", pool).Send(ctx, notice("ob-down")); err == nil || IsPermanent(err) {
		t.Errorf("relay down: %v, want a temporary error", err)
	}
	if ev, ok := p.Within(0); ok && ev["event"] == "message" {
		t.Errorf("a failed send was delivered: %v", ev)
	}
}

func base64Decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}

// SMTPS (port 465): TLS from the first byte, no STARTTLS.
func TestSendOverImplicitTLS(t *testing.T) {
	certFile, keyFile, pool := testpeer.SelfSigned(t)
	p := testpeer.Start(t, "smtp-server.js", "0", certFile, keyFile, "hotline", "pw", "implicit")
	s := testSender(t, "127.0.0.1:"+strconv.Itoa(p.Port), "hotline", "pw", "", pool)
	// the greeting never comes in plain text: give up quickly
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := s.Send(ctx, notice("ob-465")); err == nil || IsPermanent(err) {
		t.Fatalf("a STARTTLS client on an SMTPS port: %v, want a temporary failure", err)
	}
	s.cfg.ImplicitTLS = true
	id, err := s.Send(context.Background(), notice("ob-465"))
	if err != nil {
		t.Fatal(err)
	}
	ev := p.Next(t, "message", 5*time.Second)
	m, err := netmail.ReadMessage(strings.NewReader(ev["raw"].(string)))
	if err != nil || ev["secure"] != true || ev["user"] != "hotline" || m.Header.Get("Message-ID") != id {
		t.Errorf("message event %v (%v)", ev, err)
	}
}
