package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/notify"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/workorder"
)

func TestOutboxAPI(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testOutboxAPI(t, b.Open(t)) })
	}
}

func testOutboxAPI(t *testing.T, st *store.Store) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	acc := account.New(st, log)
	a := newAPI(Deps{Service: workorder.New(st, t.TempDir(), log), Accounts: acc, Store: st, Log: log})
	registered := false
	for _, rt := range a.routes {
		registered = registered || rt.Path == "/api/v1/outbox"
	}
	if !registered { // until registerRoutes calls it
		a.registerOutboxRoutes()
	}
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	tokens := map[string]string{}
	for _, u := range []struct{ name, role string }{{"admin", "admin"}, {"agent", "agent"}, {"monitor", "monitor"}, {"org", "leader"}} {
		if err := acc.CreateUser(ctx, "test", &store.User{Username: u.name, Role: u.role}, "secret-pass-1"); err != nil {
			t.Fatal(err)
		}
		var out struct{ Token string }
		if outboxDo(t, srv.URL, "POST", "/api/v1/auth/login", "", map[string]string{"username": u.name, "password": "secret-pass-1"}, &out) != 200 {
			t.Fatalf("login %s", u.name)
		}
		tokens[u.name] = out.Token
	}
	var dead, sent store.OutboxMessage
	for _, m := range []*store.OutboxMessage{&dead, &sent} {
		m.Channel, m.Recipient, m.Body = "sms", "13800138000", "【12345】测试"
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, m) }); err != nil {
			t.Fatal(err)
		}
	}
	claimed, err := st.ClaimMessages(ctx, time.Now(), time.Minute, "n1", 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %d %v", len(claimed), err)
	}
	_ = st.FinishMessage(ctx, dead.ID, "n1", store.OutboxResult{Status: store.OutboxDead, Error: "0x0B invalid number", At: time.Now()})
	_ = st.FinishMessage(ctx, sent.ID, "n1", store.OutboxResult{Status: store.OutboxSent, ProviderID: "mc-1", ReceiptIDs: []string{"mc-1"}, At: time.Now()})
	if err := st.RecordReceipt(ctx, store.Receipt{MessageID: "mc-1", Stat: "DELIVRD", Error: "000"}); err != nil {
		t.Fatal(err)
	}

	var page outboxPage
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/outbox?status=dead", tokens["admin"], nil, &page); s != 200 || len(page.Items) != 1 || page.Items[0].ID != dead.ID {
		t.Fatalf("dead list: %d %+v", s, page.Items)
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/outbox", tokens["admin"], nil, &page); s != 200 || len(page.Items) != 2 {
		t.Fatalf("full list: %d %d items", s, len(page.Items))
	}
	// The delivery receipt shows on the sent message (状态报告).
	if m := page.Items[0]; m.ID != sent.ID || m.DeliveryStatus != store.DeliveryDelivered || m.DeliveryAt == nil {
		t.Errorf("sent message's delivery: %+v", m)
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/outbox?status=lost", tokens["admin"], nil, nil); s != 400 {
		t.Errorf("bad status filter: %d, want 400", s)
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/outbox", tokens["agent"], nil, nil); s != 403 {
		t.Errorf("agent lists the outbox: %d, want 403", s)
	}
	if s := outboxDo(t, srv.URL, "POST", "/api/v1/outbox/"+dead.ID+"/retry", tokens["agent"], nil, nil); s != 403 {
		t.Errorf("agent retries: %d, want 403", s)
	}
	// The monitor (班长) and the leader watch the queue; only the administrator changes it.
	for _, who := range []string{"monitor", "org"} {
		if s := outboxDo(t, srv.URL, "GET", "/api/v1/outbox", tokens[who], nil, &page); s != 200 || len(page.Items) != 2 {
			t.Errorf("%s lists the outbox: %d, %d items", who, s, len(page.Items))
		}
		if s := outboxDo(t, srv.URL, "POST", "/api/v1/outbox/"+dead.ID+"/retry", tokens[who], nil, nil); s != 403 {
			t.Errorf("%s retries: %d, want 403", who, s)
		}
		if s := outboxDo(t, srv.URL, "GET", "/api/v1/outbox/templates", tokens[who], nil, nil); s != 200 {
			t.Errorf("%s reads templates: %d, want 200", who, s)
		}
		if s := outboxDo(t, srv.URL, "PUT", "/api/v1/outbox/templates/survey", tokens[who], templateRequest{Body: "x"}, nil); s != 403 {
			t.Errorf("%s edits a template: %d, want 403", who, s)
		}
	}
	var m store.OutboxMessage
	if s := outboxDo(t, srv.URL, "POST", "/api/v1/outbox/"+dead.ID+"/retry", tokens["admin"], nil, &m); s != 200 || m.Status != store.OutboxQueued {
		t.Errorf("retry: %d %+v", s, m)
	}
	if s := outboxDo(t, srv.URL, "POST", "/api/v1/outbox/"+sent.ID+"/retry", tokens["admin"], nil, nil); s != 409 {
		t.Errorf("retrying a sent message: %d, want 409", s)
	}
	if s := outboxDo(t, srv.URL, "POST", "/api/v1/outbox/nope/retry", tokens["admin"], nil, nil); s != 404 {
		t.Errorf("retrying no message: %d, want 404", s)
	}

	// Templates: list, edit, refuse a bad one, go back to the default.
	var views []templateView
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/outbox/templates", tokens["admin"], nil, &views); s != 200 || len(views) != len(notify.Defaults) {
		t.Fatalf("templates: %d, %d of them", s, len(views))
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/outbox/templates", tokens["agent"], nil, nil); s != 403 {
		t.Errorf("agent reads templates: %d, want 403", s)
	}
	custom := templateRequest{Subject: "回访 {{.Number}}", Body: "【某市12345】工单{{.Number}}办结了，满意回1，基本满意回2，不满意回3。"}
	var v templateView
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/outbox/templates/survey", tokens["admin"], custom, &v); s != 200 || !v.Customised || v.Body != custom.Body {
		t.Fatalf("edit: %d %+v", s, v)
	}
	set, err := notify.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, body, _ := set.Render(notify.Survey, notify.Data{Number: "2026112300007"}); body != "【某市12345】工单2026112300007办结了，满意回1，基本满意回2，不满意回3。" {
		t.Errorf("the edited template renders %q", body)
	}
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/outbox/templates/survey", tokens["admin"], templateRequest{Body: "{{.Nope}}"}, nil); s != 400 {
		t.Errorf("a template naming an unknown field: %d, want 400", s)
	}
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/outbox/templates/nope", tokens["admin"], custom, nil); s != 404 {
		t.Errorf("an unknown template: %d, want 404", s)
	}
	if s := outboxDo(t, srv.URL, "DELETE", "/api/v1/outbox/templates/survey", tokens["admin"], nil, &v); s != 200 || v.Customised || v.Body != v.DefaultBody {
		t.Errorf("reset: %d %+v", s, v)
	}
}

func outboxDo(t *testing.T, base, method, path, token string, body, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}
