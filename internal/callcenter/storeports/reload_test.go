package storeports_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/sipptest"
	"github.com/hotline-dev/hotline/internal/store"
)

// An agent added with the CLI (another process, the same database) reaches the running
// call centre within its poll, not at the server's once-a-minute directory reload.
func TestAgentAddedByCLIReachesRunningServer(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "hotline.db")
	runCLI(t, "migrate", "--db", db, "--log-level", "warn")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sipAddr := fmt.Sprintf("127.0.0.1:%d", sipptest.FreePort(t))
	v, err := storeports.Start(ctx, st, callcenter.Config{DataDir: t.TempDir(), SIPAddr: sipAddr, AdvertisedIP: "127.0.0.1"},
		storeports.Options{Poll: 100 * time.Millisecond}, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })

	known := func(ext, name string) bool {
		for _, a := range v.Server.Agents() {
			if a.Ext == ext && a.Name == name {
				return true
			}
		}
		return false
	}
	if known("2001", "新坐席") {
		t.Fatal("agent 2001 known before it was added")
	}
	runCLI(t, "agent", "add", "--db", db, "--ext", "2001", "--password", "pw2001", "--name", "新坐席", "--skills", "12345")
	deadline := time.Now().Add(5 * time.Second)
	for !known("2001", "新坐席") {
		if time.Now().After(deadline) {
			t.Fatal("agent 2001, added with hotline agent add, not known to the running server after 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// An edit (a new name) reaches it the same way.
	runCLI(t, "agent", "add", "--db", db, "--ext", "2001", "--password", "pw2001", "--name", "改名坐席", "--skills", "12345")
	deadline = time.Now().Add(5 * time.Second)
	for !known("2001", "改名坐席") {
		if time.Now().After(deadline) {
			t.Fatal("agent 2001's new name not known to the running server after 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
