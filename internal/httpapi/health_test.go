package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/hotline-dev/hotline/internal/store"
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
