package sip

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

const goodOptions = "OPTIONS sip:12345@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK1\r\n" +
	"From: <sip:a@127.0.0.1>;tag=9\r\nTo: <sip:12345@127.0.0.1>\r\nCall-ID: ok-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"

func TestMalformed(t *testing.T) {
	p := sip.NewParser()
	tests := []struct {
		name      string
		data      string
		malformed bool
		answer400 bool
	}{
		{"good", goodOptions, false, false},
		{"keep-alive", "\r\n\r\n", false, false},
		{"bad cseq", strings.Replace(goodOptions, "CSeq: 1 OPTIONS", "CSeq: one OPTIONS", 1), true, true},
		{"cseq method mismatch", strings.Replace(goodOptions, "CSeq: 1 OPTIONS", "CSeq: 1 INVITE", 1), true, true},
		{"missing call-id", strings.Replace(goodOptions, "Call-ID: ok-1\r\n", "", 1), true, true},
		{"bad content-length", strings.Replace(goodOptions, "Content-Length: 0", "Content-Length: x", 1), true, true},
		{"noise", "hello there", true, false},
		{"broken response", "SIP/2.0 abc\r\nVia: x\r\n\r\n", true, false},
	}
	for _, tt := range tests {
		reason := Malformed(p, []byte(tt.data))
		if (reason != "") != tt.malformed {
			t.Errorf("%s: reason %q, malformed want %v", tt.name, reason, tt.malformed)
			continue
		}
		if !tt.malformed {
			continue
		}
		res := BadRequest([]byte(tt.data), reason)
		if (res != nil) != tt.answer400 {
			t.Errorf("%s: 400 %q, want answer %v", tt.name, res, tt.answer400)
			continue
		}
		if res == nil {
			continue
		}
		msg, err := sip.ParseMessage(res)
		if err != nil {
			t.Errorf("%s: our 400 does not parse: %v\n%s", tt.name, err, res)
			continue
		}
		r := msg.(*sip.Response)
		if r.StatusCode != 400 || r.Via() == nil {
			t.Errorf("%s: %s", tt.name, res)
		}
		if tt.name != "missing call-id" && (r.CallID() == nil || r.CallID().Value() != "ok-1") {
			t.Errorf("%s: Call-ID not copied: %s", tt.name, res)
		}
	}
}

func TestGuardConnAnswersAndFilters(t *testing.T) {
	srv, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	g := NewGuardConn(srv)
	cli, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	bad := strings.Replace(goodOptions, "CSeq: 1 OPTIONS", "CSeq: x", 1)
	cli.WriteTo([]byte(bad), srv.LocalAddr())
	cli.WriteTo([]byte(goodOptions), srv.LocalAddr())

	buf := make([]byte, 4096)
	g.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _, err := g.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if string(buf[:n]) != goodOptions {
		t.Fatalf("guard passed on %q", buf[:n])
	}
	cli.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _, err = cli.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no 400 came back: %v", err)
	}
	if !strings.HasPrefix(string(buf[:n]), "SIP/2.0 400 ") {
		t.Fatalf("got %q", buf[:n])
	}
}
