package outbox_test

import (
	"github.com/hotline-dev/hotline/internal/testpeer"

	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/mail"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/outbox"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/smpp"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

var ctx = context.Background()

func smsClient(t *testing.T, p *testpeer.Peer, onMO func(smpp.Inbound) error) *smpp.Client {
	t.Helper()
	c, err := smpp.New(smpp.Config{Addr: fmt.Sprintf("127.0.0.1:%d", p.Port), SystemID: "hotline", Password: "secret",
		Source: "12345", NoReceipts: true, ResponseTimeout: 3 * time.Second, BackoffMin: 50 * time.Millisecond,
		BackoffMax: 200 * time.Millisecond, OnMessage: onMO})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.WaitBound(wctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func enqueue(t *testing.T, st *store.Store, channel, to, body string) *store.OutboxMessage {
	t.Helper()
	m := &store.OutboxMessage{Channel: channel, Recipient: to, Template: "test", Subject: "测试 [工单 2026112300001]",
		Body: body, TicketNumber: "2026112300001"}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, m) }); err != nil {
		t.Fatal(err)
	}
	return m
}

func get(t *testing.T, st *store.Store, id string) *store.OutboxMessage {
	t.Helper()
	m, err := st.OutboxMessageByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOutbox(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("SMS retries, backoff, dead and retry by an operator", func(t *testing.T) { testSMSRetries(t, b) })
			t.Run("a crash mid-send does not send twice", func(t *testing.T) { testCrashMidSend(t, b) })
			t.Run("e-mail over SMTP", func(t *testing.T) { testEmail(t, b) })
			t.Run("survey reply by SMS closes the loop", func(t *testing.T) { testSurvey(t, b) })
		})
	}
}

func testSMSRetries(t *testing.T, b storetest.Backend) {
	st := b.Open(t)
	p := testpeer.Start(t, "smpp-server.js", "0")
	c := smsClient(t, p, nil)
	start := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	clock := sla.NewManualClock(start)
	st.SetClock(clock.Now)
	w := &outbox.Worker{Store: st, Senders: map[string]outbox.Sender{"sms": outbox.SMS{Client: c}}, Clock: clock,
		Node: "n1", MaxAttempts: 3, BackoffMin: time.Minute, BackoffMax: 10 * time.Minute}

	ok := enqueue(t, st, "sms", "13800138000", "您的诉求已受理，工单号2026112300001。")
	throttled := enqueue(t, st, "sms", "10000000000", "限流")   // the peer throttles 100…: temporary
	badNumber := enqueue(t, st, "sms", "10100000000", "错误号码") // 101…: invalid destination, permanent
	if n, err := w.Drain(ctx); err != nil || n != 3 {
		t.Fatalf("drain: %d, %v", n, err)
	}
	var sub map[string]any
	for i := 0; i < 3; i++ { // sent concurrently: in any order
		if ev := p.Next(t, "submit_sm", 5*time.Second); ev["destination_addr"] == "13800138000" {
			sub = ev
		}
	}
	if sub == nil || !strings.Contains(fmt.Sprint(sub["message"]), "2026112300001") {
		t.Errorf("the peer did not get the receipt: %v", sub)
	}
	if m := get(t, st, ok.ID); m.Status != store.OutboxSent || m.ProviderID == "" || m.Attempts != 1 || m.SentAt == nil {
		t.Errorf("sent message: %+v", m)
	}
	if m := get(t, st, badNumber.ID); m.Status != store.OutboxDead || m.Attempts != 1 || m.LastError == "" {
		t.Errorf("permanent failure: %+v, want dead after one attempt", m)
	}
	// Temporary: failed, retried after 30–60 s (1 min with jitter), then 1–2 min, then dead.
	m := get(t, st, throttled.ID)
	if m.Status != store.OutboxFailed || m.Attempts != 1 {
		t.Fatalf("throttled: %+v, want failed after one attempt", m)
	}
	if d := m.NextAttemptAt.Sub(start); d < 30*time.Second || d > time.Minute {
		t.Errorf("first retry after %v, want 30s–1m", d)
	}
	if n, _ := w.Drain(ctx); n != 0 {
		t.Errorf("retried %d before its time", n)
	}
	clock.Set(m.NextAttemptAt)
	if n, _ := w.Drain(ctx); n != 1 {
		t.Fatalf("second attempt: tried %d", n)
	}
	m2 := get(t, st, throttled.ID)
	if d := m2.NextAttemptAt.Sub(m.NextAttemptAt); m2.Status != store.OutboxFailed || m2.Attempts != 2 || d < time.Minute || d > 2*time.Minute {
		t.Errorf("after the second attempt: %s attempts=%d next in %v, want failed, 2, 1–2m", m2.Status, m2.Attempts, d)
	}
	clock.Set(m2.NextAttemptAt)
	w.Drain(ctx)
	if m := get(t, st, throttled.ID); m.Status != store.OutboxDead || m.Attempts != 3 {
		t.Errorf("after MaxAttempts: %s attempts=%d, want dead, 3", m.Status, m.Attempts)
	}
	// The API's list and an operator's retry.
	dead, err := st.ListOutbox(ctx, store.OutboxFilter{Status: store.OutboxDead})
	if err != nil || len(dead) != 2 {
		t.Fatalf("dead list: %d, %v", len(dead), err)
	}
	if err := st.RetryMessage(ctx, ok.ID, clock.Now()); err == nil {
		t.Error("retrying a sent message was accepted")
	}
	if err := st.RetryMessage(ctx, throttled.ID, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if m := get(t, st, throttled.ID); m.Status != store.OutboxQueued || m.Attempts != 0 {
		t.Errorf("retried: %+v", m)
	}
}

func testCrashMidSend(t *testing.T, b storetest.Backend) {
	st := b.Open(t)
	p := testpeer.Start(t, "smpp-server.js", "0")
	c := smsClient(t, p, nil)
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	st.SetClock(clock.Now)
	m := enqueue(t, st, "sms", "13800138001", "办理结果通知")
	// A node claims the message, hands it to the message centre, and dies before recording it.
	claimed, err := st.ClaimMessages(ctx, clock.Now(), 2*time.Minute, "crashed", 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	first, err := c.Send(ctx, smpp.Message{OutboxID: claimed[0].ID, To: claimed[0].Recipient, Text: claimed[0].Body})
	if err != nil {
		t.Fatal(err)
	}
	p.Next(t, "submit_sm", 5*time.Second)
	w := &outbox.Worker{Store: st, Senders: map[string]outbox.Sender{"sms": outbox.SMS{Client: c}}, Clock: clock, Node: "n2",
		Lease: 2 * time.Minute}
	if n, _ := w.Drain(ctx); n != 0 {
		t.Fatalf("took a message another node holds: %d", n)
	}
	if got := get(t, st, m.ID); got.Status != store.OutboxSending {
		t.Fatalf("status %s, want sending", got.Status)
	}
	clock.Advance(3 * time.Minute) // the lease runs out
	if n, err := w.Drain(ctx); n != 1 || err != nil {
		t.Fatalf("after the lease: tried %d, %v", n, err)
	}
	got := get(t, st, m.ID)
	if got.Status != store.OutboxSent || got.ProviderID != first || got.Attempts != 2 {
		t.Errorf("after the retry: %+v, want sent under the first provider id %s after 2 attempts", got, first)
	}
	// A node restarting under its own name retries its interrupted sends at once.
	again := enqueue(t, st, "sms", "13800138002", "重启后重发")
	if _, err := st.ClaimMessages(ctx, clock.Now(), time.Hour, "n3", 10); err != nil {
		t.Fatal(err)
	}
	w3 := &outbox.Worker{Store: st, Senders: map[string]outbox.Sender{"sms": outbox.SMS{Client: c}}, Clock: clock, Node: "n3"}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w3.Run(rctx); close(done) }()
	if ev := p.Next(t, "submit_sm", 5*time.Second); ev["destination_addr"] != "13800138002" {
		t.Errorf("after the restart the peer got %v", ev)
	}
	for wait := time.Now().Add(5 * time.Second); get(t, st, again.ID).Status != store.OutboxSent; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(wait) {
			t.Errorf("interrupted message after the restart: %s, want sent", get(t, st, again.ID).Status)
			break
		}
	}
	cancel()
	<-done
	// The message centre saw one submission only of the first message.
	if ev, ok := p.Within(300 * time.Millisecond); ok && ev["event"] == "submit_sm" {
		t.Errorf("sent twice: %v", ev)
	}
}

func testEmail(t *testing.T, b storetest.Backend) {
	st := b.Open(t)
	certFile, keyFile, pool := testpeer.SelfSigned(t)
	p := testpeer.Start(t, "smtp-server.js", "0", certFile, keyFile, "hotline", "s3cret")
	sender, err := mail.NewSMTP(mail.Config{Addr: fmt.Sprintf("127.0.0.1:%d", p.Port), Username: "hotline", Password: "s3cret",
		From: netmail.Address{Name: "12345热线", Address: "noreply@12345.example.gov.cn"}, TLS: &tls.Config{RootCAs: pool},
		Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	st.SetClock(clock.Now)
	w := &outbox.Worker{Store: st, Senders: map[string]outbox.Sender{"email": outbox.Email{Client: sender}}, Clock: clock,
		BackoffMin: time.Minute}
	ok := enqueue(t, st, "email", "citizen@example.com", "您的诉求已办理。")
	temp := enqueue(t, st, "email", "tempfail@example.com", "稍后重试")
	perm := enqueue(t, st, "email", "nouser@example.com", "无此用户")
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	msg := p.Next(t, "message", 5*time.Second)
	if raw := fmt.Sprint(msg["raw"]); !strings.Contains(raw, sender.MessageID(ok.ID)) {
		t.Errorf("the mail lacks the outbox's Message-ID %s:\n%s", sender.MessageID(ok.ID), raw)
	}
	if m := get(t, st, ok.ID); m.Status != store.OutboxSent || m.ProviderID != sender.MessageID(ok.ID) {
		t.Errorf("sent: %+v", m)
	}
	if m := get(t, st, temp.ID); m.Status != store.OutboxFailed {
		t.Errorf("451: %s, want failed (retry)", m.Status)
	}
	if m := get(t, st, perm.ID); m.Status != store.OutboxDead {
		t.Errorf("550: %s, want dead", m.Status)
	}
}

var _ = x509.NewCertPool

func testSurvey(t *testing.T, b storetest.Backend) {
	st := b.Open(t)
	clock := sla.NewManualClock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	st.SetClock(clock.Now)
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveDepartment(ctx, &org.Department{ID: "centre", Code: "C", Name: "热线中心", Kind: org.KindCentre}); err != nil {
			return err
		}
		return tx.SaveDepartment(ctx, &org.Department{ID: "water", Code: "W", Name: "市水务集团", ParentID: "centre",
			Kind: org.KindCompany, Phone: "13900000001"})
	}); err != nil {
		t.Fatal(err)
	}
	s, err := sla.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	svc := workorder.New(st, t.TempDir(), nil)
	svc.Now, svc.Deadlines, svc.Hooks = clock.Now, s.Deadlines, []workorder.TxHook{s.Hook}
	surveys := &outbox.Surveys{Store: st, Service: svc}
	p := testpeer.Start(t, "smpp-server.js", "0")
	c := smsClient(t, p, surveys.OnMessage)
	w := &outbox.Worker{Store: st, Senders: map[string]outbox.Sender{"sms": outbox.SMS{Client: c}}, Clock: clock}
	s.OnEnqueue = w.Notify
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	defer func() { cancel(); <-done }()

	pr := func(role access.Role, dept string) access.Principal {
		x, err := svc.PrincipalFor(ctx, "u-"+string(role), string(role), string(role), dept, false)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	agent, disp, handler := pr(access.Agent, ""), pr(access.Dispatcher, ""), pr(access.Handler, "water")
	through := func(phone string) *ticket.Ticket {
		tk, err := svc.Register(ctx, agent, &ticket.Ticket{Subject: "停水三天", RequestType: ticket.Help, Phone: phone}, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			p   access.Principal
			cmd ticket.Command
		}{
			{disp, ticket.Command{Action: ticket.ActDispatch, DepartmentID: "water"}},
			{handler, ticket.Command{Action: ticket.ActAccept}},
			{handler, ticket.Command{Action: ticket.ActReply, Note: "已抢修，今日恢复供水"}},
			{disp, ticket.Command{Action: ticket.ActApproveReply}},
		} {
			if _, _, err := svc.Act(ctx, step.p, tk.Number, step.cmd); err != nil {
				t.Fatalf("%s: %v", step.cmd.Action, err)
			}
		}
		return tk
	}
	waitSurvey := func(phone string) {
		for {
			ev := p.Next(t, "submit_sm", 5*time.Second)
			if ev["destination_addr"] == phone && strings.Contains(fmt.Sprint(ev["message"]), "请回复 1 满意") {
				return
			}
		}
	}
	waitState := func(tk *ticket.Ticket, want ticket.State) *ticket.Ticket {
		deadline := time.Now().Add(5 * time.Second)
		for {
			got, err := st.TicketByID(ctx, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State == want {
				return got
			}
			if time.Now().After(deadline) {
				t.Fatalf("ticket %s is %s, want %s", tk.Number, got.State, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	happy := through("13812340001")
	waitSurvey("13812340001")
	p.Command(t, map[string]any{"cmd": "mo", "from": "13812340001", "to": "12345", "text": "1"})
	got := waitState(happy, ticket.Closed)
	if got.Satisfaction != ticket.Satisfied {
		t.Errorf("satisfaction %s, want satisfied", got.Satisfaction)
	}

	unhappy := through("13812340002")
	waitSurvey("13812340002")
	p.Command(t, map[string]any{"cmd": "mo", "from": "8613812340002", "to": "12345", "text": "3 水还是浑的"})
	got = waitState(unhappy, ticket.Processing)
	if got.Satisfaction != ticket.Unsatisfied || got.ReopenCount != 1 {
		t.Errorf("reopened ticket: %+v", got)
	}
	evs, _ := st.TicketEvents(ctx, unhappy.ID)
	last := evs[len(evs)-1]
	if last.Action != ticket.ActCallback || !strings.Contains(last.Note, "水还是浑的") {
		t.Errorf("callback event %+v, want the SMS text as the note", last)
	}
	// A number no survey went to, and a second answer to a closed survey, change nothing.
	if ok, err := surveys.Handle(ctx, smpp.Inbound{From: "13999999999", Text: "1"}); ok || err != nil {
		t.Errorf("an answer from a stranger: %v %v", ok, err)
	}
	if ok, err := surveys.Handle(ctx, smpp.Inbound{From: "13812340001", Text: "3 改主意了"}); ok || err != nil {
		t.Errorf("a second answer: %v %v", ok, err)
	}
	if got, _ := st.TicketByID(ctx, happy.ID); got.State != ticket.Closed || got.Satisfaction != ticket.Satisfied {
		t.Errorf("the first answer did not stand: %s %s", got.State, got.Satisfaction)
	}
	// The reopened ticket has its handling timers again.
	timers, _ := st.TicketTimers(ctx, unhappy.ID)
	armed := 0
	for _, tm := range timers {
		if tm.FiredAt == nil {
			armed++
		}
	}
	if armed == 0 {
		t.Error("no timers after the reopen")
	}
}

func TestParseAnswer(t *testing.T) {
	for text, want := range map[string]ticket.Satisfaction{
		"1": ticket.Satisfied, " 1 ": ticket.Satisfied, "１": ticket.Satisfied, "满意": ticket.Satisfied,
		"2": ticket.BasicSatisfied, "基本满意": ticket.BasicSatisfied,
		"3": ticket.Unsatisfied, "3 还没修好": ticket.Unsatisfied, "不满意，没人来": ticket.Unsatisfied,
	} {
		if got, ok := outbox.ParseAnswer(text); !ok || got != want {
			t.Errorf("%q: %q %v, want %q", text, got, ok, want)
		}
	}
	for _, text := range []string{"", "4", "12", "你好，我想反映一个问题", "13800138000"} {
		if got, ok := outbox.ParseAnswer(text); ok {
			t.Errorf("%q read as %q", text, got)
		}
	}
}
