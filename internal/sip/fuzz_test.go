package sip

import (
	"bytes"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// FuzzSDP: any body either fails to parse or yields an answer that we can parse back
// with the same codec and telephone-event type.
func FuzzSDP(f *testing.F) {
	f.Add([]byte(sippOffer))
	f.Add([]byte("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 0 RTP/AVP 0 8\r\na=inactive\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := ParseSDP(body)
		if err != nil {
			return
		}
		ans, codec := Answer(m, "127.0.0.1", 20000, 1)
		back, err := ParseSDP(ans)
		if err != nil {
			t.Fatalf("answer to %q does not parse: %v\n%s", body, err, ans)
		}
		if back.Codecs[0] != codec || back.DTMFPT != m.DTMFPT {
			t.Fatalf("answer changed codec/dtmf: %+v vs %+v", back, m)
		}
	})
}

// FuzzGuard: no datagram panics the guard, and a 400 it builds is one well-framed
// response with no header injected from the input.
func FuzzGuard(f *testing.F) {
	f.Add([]byte(goodOptions))
	f.Add([]byte(strings.Replace(goodOptions, "CSeq: 1 OPTIONS", "CSeq: x", 1)))
	f.Add([]byte("INVITE sip:12345@127.0.0.1 SIP/2.0\r\nv: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\nContent-Length: 99999\r\n\r\n"))
	p := sip.NewParser()
	f.Fuzz(func(t *testing.T, data []byte) {
		reason := Malformed(p, data)
		if reason == "" {
			return
		}
		res := BadRequest(data, reason)
		if res == nil {
			return
		}
		if !bytes.HasPrefix(res, []byte("SIP/2.0 400 Bad Request\r\n")) || !bytes.HasSuffix(res, []byte("\r\n\r\n")) {
			t.Fatalf("badly framed 400: %q", res)
		}
		head := res[:len(res)-4]
		if bytes.Contains(head, []byte("\r\n\r\n")) || bytes.Count(head, []byte("\r")) != bytes.Count(head, []byte("\n")) {
			t.Fatalf("400 has a broken line structure: %q", res)
		}
	})
}
