package sip

import (
	"bytes"
	"net"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// GuardConn wraps the UDP socket handed to sipgo. sipgo logs and drops a datagram it
// cannot parse; RFC 3261 §8.2 wants such a request answered with 400, so the guard parses
// first, answers malformed requests itself and passes only good datagrams on.
type GuardConn struct {
	net.PacketConn
	parser      *sip.Parser
	OnMalformed func(from net.Addr, reason string)
}

// NewGuardConn wraps c.
func NewGuardConn(c net.PacketConn) *GuardConn {
	return &GuardConn{PacketConn: c, parser: sip.NewParser()}
}

// ReadFrom returns the next datagram that is a well-formed SIP message (or a keep-alive).
func (g *GuardConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, addr, err := g.PacketConn.ReadFrom(b)
		if err != nil || n == 0 {
			return n, addr, err
		}
		reason := Malformed(g.parser, b[:n])
		if reason == "" {
			return n, addr, nil
		}
		if res := BadRequest(b[:n], reason); res != nil {
			g.PacketConn.WriteTo(res, addr)
		}
		if g.OnMalformed != nil {
			g.OnMalformed(addr, reason)
		}
	}
}

// Malformed returns why data is not an acceptable SIP message, or "" when it is fine
// (keep-alives included).
func Malformed(p *sip.Parser, data []byte) string {
	if len(bytes.Trim(data, "\r\n\x00 ")) == 0 {
		return ""
	}
	msg, err := p.ParseSIP(data)
	if err != nil {
		return "unparseable: " + err.Error()
	}
	req, ok := msg.(*sip.Request)
	if !ok {
		return "" // responses are matched or dropped by the transaction layer
	}
	switch {
	case req.Via() == nil:
		return "missing Via"
	case req.From() == nil:
		return "missing From"
	case req.To() == nil:
		return "missing To"
	case req.CallID() == nil:
		return "missing Call-ID"
	case req.CSeq() == nil:
		return "missing CSeq"
	case req.CSeq().MethodName != req.Method:
		return "CSeq method does not match the request"
	}
	return ""
}

// BadRequest builds a 400 for a datagram that did not parse, copying the header lines a
// response needs straight from the text. It returns nil for anything that is not
// recognisably a request (a broken response, noise): those get no answer.
func BadRequest(data []byte, reason string) []byte {
	text := string(data)
	if i := strings.Index(text, "\r\n\r\n"); i >= 0 {
		text = text[:i]
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	first := strings.TrimSpace(lines[0])
	if strings.HasPrefix(first, "SIP/") || !strings.HasSuffix(first, "SIP/2.0") || strings.Count(first, " ") < 2 {
		return nil
	}
	var keep []string
	hasVia, hasCSeq := false, false
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok || len(l) > 1024 {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(strings.ReplaceAll(value, "\r", " "))
		switch name {
		case "via", "v":
			hasVia = true
			keep = append(keep, "Via: "+value)
		case "from", "f":
			keep = append(keep, "From: "+value)
		case "to", "t":
			if !strings.Contains(value, "tag=") {
				value += ";tag=hotline400"
			}
			keep = append(keep, "To: "+value)
		case "call-id", "i":
			keep = append(keep, "Call-ID: "+value)
		case "cseq":
			hasCSeq = validCSeq(value)
			if hasCSeq {
				keep = append(keep, "CSeq: "+value)
			}
		}
	}
	if !hasCSeq {
		// The client cannot match it anyway; keep the response itself parseable.
		keep = append(keep, "CSeq: 0 "+strings.Fields(first)[0])
	}
	if !hasVia {
		return nil // nowhere a response could be routed to
	}
	reason = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, reason)
	if len(reason) > 100 {
		reason = reason[:100]
	}
	var b strings.Builder
	b.WriteString("SIP/2.0 400 Bad Request\r\n")
	for _, l := range keep {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	b.WriteString("Warning: 399 hotline \"" + strings.ReplaceAll(reason, "\"", "'") + "\"\r\nContent-Length: 0\r\n\r\n")
	return []byte(b.String())
}

func validCSeq(v string) bool {
	num, method, ok := strings.Cut(v, " ")
	if !ok || num == "" || len(num) > 10 || strings.TrimSpace(method) == "" {
		return false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return false
		}
	}
	return !strings.ContainsAny(strings.TrimSpace(method), " \t")
}
