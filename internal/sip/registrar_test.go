package sip

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

func registerReq(t *testing.T, ext string, contacts []string, expires int, auth string) *sip.Request {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK%d\r\n", time.Now().UnixNano())
	fmt.Fprintf(&b, "From: <sip:%s@127.0.0.1>;tag=1\r\nTo: <sip:%s@127.0.0.1>\r\nCall-ID: reg-%s\r\nCSeq: 1 REGISTER\r\n", ext, ext, ext)
	for _, c := range contacts {
		fmt.Fprintf(&b, "Contact: %s\r\n", c)
	}
	if expires >= 0 {
		fmt.Fprintf(&b, "Expires: %d\r\n", expires)
	}
	if auth != "" {
		fmt.Fprintf(&b, "Authorization: %s\r\n", auth)
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	msg, err := sip.ParseMessage([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return msg.(*sip.Request)
}

func answerChallenge(t *testing.T, res *sip.Response, ext, password string) string {
	t.Helper()
	h := res.GetHeader("WWW-Authenticate")
	if h == nil {
		t.Fatalf("no challenge in %d", res.StatusCode)
	}
	chal, err := digest.ParseChallenge(h.Value())
	if err != nil {
		t.Fatal(err)
	}
	cred, err := digest.Digest(chal, digest.Options{Method: "REGISTER", URI: "sip:127.0.0.1", Username: ext, Password: password, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	return cred.String()
}

func TestRegistrar(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	var changes []string
	r := &Registrar{
		Realm:    "hotline",
		Password: func(ext string) (string, bool) { return map[string]string{"1001": "s3cret"}[ext], ext == "1001" },
		Now:      func() time.Time { return now },
		OnChange: func(ext string, b []Binding) { changes = append(changes, fmt.Sprintf("%s:%d", ext, len(b))) },
	}
	deskPhone, softPhone := "<sip:1001@127.0.0.1:5071>", "<sip:1001@127.0.0.1:5072>;expires=60"
	register := func(ext, password string, contacts []string, expires int) *sip.Response {
		res := r.register(registerReq(t, ext, contacts, expires, ""))
		if res.StatusCode != 401 {
			t.Fatalf("first REGISTER: %d, want 401", res.StatusCode)
		}
		return r.register(registerReq(t, ext, contacts, expires, answerChallenge(t, res, ext, password)))
	}

	if res := register("1001", "s3cret", []string{deskPhone}, 3600); res.StatusCode != 200 || len(res.GetHeaders("Contact")) != 1 {
		t.Fatalf("register: %d %v", res.StatusCode, res.GetHeaders("Contact"))
	}
	if res := register("1001", "s3cret", []string{softPhone}, -1); res.StatusCode != 200 || len(res.GetHeaders("Contact")) != 2 {
		t.Fatalf("second contact: %d, %d contacts", res.StatusCode, len(res.GetHeaders("Contact")))
	}
	if got := r.Contacts("1001"); len(got) != 2 || got[0].Contact.Port != 5071 || got[1].Contact.Port != 5072 {
		t.Fatalf("contacts %+v", got)
	}
	now = now.Add(61 * time.Second) // the soft phone's 60 s run out
	if got := r.Contacts("1001"); len(got) != 1 || got[0].Contact.Port != 5071 {
		t.Fatalf("after expiry %+v", got)
	}
	if res := register("1001", "wrong", []string{deskPhone}, 3600); res.StatusCode != 403 {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	if res := register("9999", "x", []string{deskPhone}, 3600); res.StatusCode != 403 {
		t.Fatalf("unknown extension: %d", res.StatusCode)
	}
	if res := register("1001", "s3cret", []string{deskPhone}, 5); res.StatusCode != 423 || res.GetHeader("Min-Expires") == nil {
		t.Fatalf("too brief: %d", res.StatusCode)
	}
	if res := register("1001", "s3cret", []string{"*"}, 0); res.StatusCode != 200 || len(r.Contacts("1001")) != 0 {
		t.Fatalf("unregister all: %d, %d left", res.StatusCode, len(r.Contacts("1001")))
	}
	// A nonce is not accepted once it is older than its TTL.
	res := r.register(registerReq(t, "1001", []string{deskPhone}, 3600, ""))
	auth := answerChallenge(t, res, "1001", "s3cret")
	now = now.Add(10 * time.Minute)
	if res := r.register(registerReq(t, "1001", []string{deskPhone}, 3600, auth)); res.StatusCode != 401 {
		t.Fatalf("stale nonce: %d, want a new challenge", res.StatusCode)
	}
	if strings.Join(changes, ",") != "1001:1,1001:2,1001:0" {
		t.Fatalf("changes %v", changes)
	}
}
