package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workorder"
)

func TestHealthz(t *testing.T) {
	// Opened here rather than by storetest.SQLite, because the test closes it itself.
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	ready := false
	h := New(Deps{Store: st, Log: slog.New(slog.DiscardHandler), Ready: func() bool { return ready }})
	check := func(want int, status string) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		var body health
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != want || body.Status != status {
			t.Errorf("healthz: %d %s, want %d %s", rec.Code, rec.Body, want, status)
		}
	}
	check(http.StatusServiceUnavailable, "starting")
	ready = true
	check(http.StatusOK, "ok")
	st.Close()
	check(http.StatusServiceUnavailable, "unavailable")
}

// TestServerFault checks a real fault is a 500 with a generic message, and the cause goes to
// the log only.
func TestServerFault(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	h := New(Deps{Store: st, Log: log, Service: workorder.New(st, t.TempDir(), log), Accounts: account.New(st, log)})
	st.Close() // the database goes away under the server
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/departments", nil)
	req.Header.Set("Authorization", "Bearer hls_whatever")
	h.ServeHTTP(rec, req)
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusInternalServerError ||
		body.Error != "internal error; it has been logged" {
		t.Errorf("answer %d %s", rec.Code, rec.Body)
	}
	if !bytes.Contains(logs.Bytes(), []byte("request failed")) || !bytes.Contains(logs.Bytes(), []byte("closed")) {
		t.Errorf("the cause is not logged: %s", logs.String())
	}
	if !bytes.Contains(logs.Bytes(), []byte("level=ERROR msg=http")) || !bytes.Contains(logs.Bytes(), []byte("status=500")) {
		t.Errorf("the request line is not logged as an error: %s", logs.String())
	}
}

// TestRequestLog: one line per request at its level (info for a normal request, error for a
// 500), and none below the logger's level.
func TestRequestLog(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		level slog.Level
		want  bool
	}{{slog.LevelInfo, true}, {slog.LevelWarn, false}} {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: c.level}))
		h := New(Deps{Store: st, Log: log, Service: workorder.New(st, t.TempDir(), log), Accounts: account.New(st, log)})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json?phone=13800000000", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("openapi: %d", rec.Code)
		}
		line := logs.String()
		got := bytes.Contains(logs.Bytes(), []byte(`msg=http`))
		if got != c.want {
			t.Errorf("logger at %v: request line written %v, want %v: %q", c.level, got, c.want, line)
		}
		if got && (!bytes.Contains(logs.Bytes(), []byte(`route="GET /api/v1/openapi.json"`)) ||
			!bytes.Contains(logs.Bytes(), []byte("status=200")) || bytes.Contains(logs.Bytes(), []byte("13800000000"))) {
			t.Errorf("request line: %q", line)
		}
	}
}
