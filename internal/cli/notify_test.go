package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	netmail "net/mail"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/testpeer"
)

// lockedBuffer collects the server's log from its goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeNotifications runs hotline serve's own wiring (flags → outbox worker → SMPP and
// SMTP gateways, inbound SMS → survey) against the real SMPP and SMTP peers: a new ticket's
// receipt SMS reaches the citizen in UCS-2, the dispatch mail reaches the department, and
// the citizen's "1" by SMS becomes the ticket's callback result.
func TestServeNotifications(t *testing.T) {
	start := time.Now()
	smsc := testpeer.Start(t, "smpp-server.js", "0")
	certFile, keyFile, _ := testpeer.SelfSigned(t)
	relay := testpeer.Start(t, "smtp-server.js", "0", certFile, keyFile, "hotline", "s3cret")

	dir := t.TempDir()
	db := filepath.Join(dir, "hotline.db")
	seedNotifyCity(t, db)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs lockedBuffer
	go func() {
		done <- Run(ctx, []string{"serve", "--db", db, "--data", dir, "--http", addr, "--sip", "off", "--log-level", "warn",
			"--smpp", fmt.Sprintf("127.0.0.1:%d", smsc.Port), "--smpp-user", "hotline", "--smpp-password", "secret", "--smpp-source", "12345",
			"--smtp", fmt.Sprintf("127.0.0.1:%d", relay.Port), "--smtp-user", "hotline", "--smtp-password", "s3cret", "--smtp-ca", certFile,
			"--smtp-from", "12345热线 <noreply@12345.example.gov.cn>", "--lookup-url", "https://12345.example.gov.cn/q"}, io.Discard, &logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d: %s", code, logs.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	texts := &smsReader{p: smsc, partial: map[string][]string{}}
	waitReady(t, base)
	if ev := smsc.Next(t, "bind", 10*time.Second); ev["ok"] != true || ev["system_id"] != "hotline" {
		t.Fatalf("serve's SMPP bind: %v", ev)
	}
	tok := map[string]string{}
	for _, u := range []string{"admin", "disp", "water"} {
		var out struct{ Token string }
		if s := apitest.Call(t, base, "POST", "/api/v1/auth/login", "", map[string]string{"username": u, "password": "secret-pass-1"}, &out); s != 200 {
			t.Fatalf("login %s: %d", u, s)
		}
		tok[u] = out.Token
	}

	// 登记: the citizen gets the receipt SMS, in UCS-2 from 12345.
	var tk struct {
		Number       string `json:"number"`
		State        string `json:"state"`
		Satisfaction string `json:"satisfaction"`
	}
	if s := apitest.Call(t, base, "POST", "/api/v1/tickets", tok["disp"], map[string]any{"request_type": "help", "phone": "13800138000",
		"citizen_name": "张先生", "subject": "小区停水", "description": "东风小区从早上起停水，何时恢复？"}, &tk); s != 201 || tk.Number == "" {
		t.Fatalf("register: %d %+v", s, tk)
	}
	sms := texts.next(t)
	if sms.to != "13800138000" || sms.from != "12345" || !sms.ucs2 || !strings.Contains(sms.text, "工单号"+tk.Number) ||
		!strings.Contains(sms.text, "https://12345.example.gov.cn/q") {
		t.Errorf("receipt SMS: %+v", sms)
	}

	// 派单: the department's mail arrives through STARTTLS with AUTH, threaded on the ticket.
	if s := apitest.Call(t, base, "POST", "/api/v1/tickets/"+tk.Number+"/dispatch", tok["disp"], map[string]any{"department_id": "water"}, nil); s != 200 {
		t.Fatalf("dispatch: %d", s)
	}
	mail := relay.Next(t, "message", 10*time.Second)
	if to := fmt.Sprint(mail["to"]); to != "[office@water.example.gov.cn]" || mail["secure"] != true || mail["user"] != "hotline" {
		t.Errorf("dispatch mail envelope: to %s secure %v user %v", to, mail["secure"], mail["user"])
	}
	msg, err := netmail.ReadMessage(strings.NewReader(fmt.Sprint(mail["raw"])))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(readAll(msg.Body)))
	if msg.Header.Get("X-Hotline-Ticket") != tk.Number || !strings.Contains(string(body), "市水务集团") || !strings.Contains(string(body), tk.Number) {
		t.Errorf("dispatch mail: ticket header %q, body %q", msg.Header.Get("X-Hotline-Ticket"), body)
	}

	// 签收, 反馈, 审核通过: the result and the survey go to the citizen.
	for _, step := range []struct{ who, action, note string }{{"water", "accept", ""}, {"water", "reply", "已抢修管道，下午三点恢复供水。"},
		{"disp", "approve_reply", ""}} {
		if s := apitest.Call(t, base, "POST", "/api/v1/tickets/"+tk.Number+"/"+step.action, tok[step.who], map[string]any{"note": step.note}, nil); s != 200 {
			t.Fatalf("%s: %d", step.action, s)
		}
	}
	survey := false
	for deadline := time.Now().Add(10 * time.Second); !survey && time.Now().Before(deadline); {
		sms := texts.next(t)
		survey = sms.to == "13800138000" && strings.Contains(sms.text, "满意")
	}
	if !survey {
		t.Fatal("no survey SMS reached the citizen")
	}
	// The survey is recorded as sent before the reply can match it.
	waitFor(t, "survey sent", func() bool {
		var page struct{ Items []store.OutboxMessage }
		apitest.Call(t, base, "GET", "/api/v1/outbox?ticket="+tk.Number+"&channel=sms", tok["admin"], nil, &page)
		for _, m := range page.Items {
			if m.Template == "survey" && m.Status == store.OutboxSent {
				return true
			}
		}
		return false
	})

	// The citizen answers "1" (满意) by SMS: the ticket's callback is recorded and it closes.
	smsc.Command(t, map[string]any{"cmd": "mo", "from": "13800138000", "to": "12345", "text": "1"})
	for {
		ev := smsc.Next(t, "deliver_sm_resp", 10*time.Second) // receipts of earlier texts come first
		if ev["kind"] != "mo" {
			continue
		}
		if ev["command_status"] != float64(0) {
			t.Errorf("serve answered the MO with %v", ev["command_status"])
		}
		break
	}
	waitFor(t, "the callback result", func() bool {
		apitest.Call(t, base, "GET", "/api/v1/tickets/"+tk.Number, tok["disp"], nil, &tk)
		return tk.Satisfaction == "satisfied"
	})
	if tk.State != "closed" {
		t.Errorf("after a satisfied answer the ticket is %s, want closed", tk.State)
	}
	// The MC's delivery receipts reached the outbox rows (serve wires them too).
	waitFor(t, "delivery receipts", func() bool {
		var page struct{ Items []store.OutboxMessage }
		apitest.Call(t, base, "GET", "/api/v1/outbox?ticket="+tk.Number+"&channel=sms", tok["admin"], nil, &page)
		for _, m := range page.Items {
			if m.DeliveryStatus != store.DeliveryDelivered {
				return false
			}
		}
		return len(page.Items) == 3 // received, result, survey
	})
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the scenario took %s, want under 20s", d)
	}
}

// seedNotifyCity makes the database serve opens: a centre, a water company with an e-mail
// address, a dispatcher, a handler of the water company and an administrator.
func seedNotifyCity(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		for _, d := range []*org.Department{{ID: "centre", Code: "C", Name: "热线中心", Kind: org.KindCentre},
			{ID: "water", Code: "W", Name: "市水务集团", ParentID: "centre", Kind: org.KindCompany, Email: "office@water.example.gov.cn"}} {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	acc := account.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, u := range []store.User{{Username: "admin", Role: "admin"}, {Username: "disp", Role: "dispatcher"},
		{Username: "water", Role: "handler", DepartmentID: "water"}} {
		if err := acc.CreateUser(ctx, "test", &u, "secret-pass-1"); err != nil {
			t.Fatal(err)
		}
	}
}

// waitReady waits for serve to answer /healthz; loading the demo city may take a while on a
// busy CI machine.
func waitReady(t *testing.T, base string) {
	t.Helper()
	waitWithin(t, "serve ready", 60*time.Second, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitWithin(t, what, 10*time.Second, cond)
}

func waitWithin(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sms is one text as the message centre received it, its concatenated parts joined.
type sms struct {
	from, to, text string
	ucs2           bool
	parts          int
}

// smsReader joins the parts of concatenated texts (UDH 00 03 ref total part) as the message
// centre receives them; the outbox sends several messages at once, so parts may interleave.
type smsReader struct {
	p       *testpeer.Peer
	partial map[string][]string // by destination and reference
}

func (r *smsReader) next(t *testing.T) sms {
	t.Helper()
	for {
		ev := r.p.Next(t, "submit_sm", 10*time.Second)
		out := sms{from: fmt.Sprint(ev["source_addr"]), to: fmt.Sprint(ev["destination_addr"]), ucs2: ev["data_coding"] == float64(8), parts: 1}
		udh := fmt.Sprint(ev["udh"])
		if len(udh) != 10 {
			out.text = fmt.Sprint(ev["message"])
			return out
		}
		var total, part int
		fmt.Sscanf(udh[6:8], "%x", &total)
		fmt.Sscanf(udh[8:10], "%x", &part)
		key := out.to + ":" + udh[4:6]
		if r.partial[key] == nil {
			r.partial[key] = make([]string, total)
		}
		r.partial[key][part-1] = fmt.Sprint(ev["message"])
		if slices.Contains(r.partial[key], "") {
			continue
		}
		out.text, out.parts = strings.Join(r.partial[key], ""), total
		delete(r.partial, key)
		return out // ucs2 as its last part says: the client codes every part alike
	}
}

func readAll(r io.Reader) string {
	b, _ := io.ReadAll(r)
	return string(b)
}
