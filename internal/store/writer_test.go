package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
)

// TestWALStartsOver: SQLite's own checkpoints are off on the writer, so the group writer's
// checkpointer must copy the WAL back; otherwise the WAL file grows by every write forever.
// Three rounds of writes with pauses between them must reuse the file, not append to it.
func TestWALStartsOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hotline.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	detail := strings.Repeat("x", 1000)
	round := func() {
		for i := 0; i < 1500; i++ {
			if err := st.Audit(ctx, store.AuditEntry{Actor: "t", Action: "test", ObjectType: "wal", Detail: detail}); err != nil {
				t.Fatal(err)
			}
		}
	}
	walSize := func() int64 {
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	round()
	first := walSize()
	for i := 0; i < 2; i++ {
		time.Sleep(time.Second) // the checkpointer runs every 250 ms
		round()
	}
	if got := walSize(); got > first*3/2 {
		t.Fatalf("the WAL grew from %d to %d bytes over three rounds: it was not checkpointed and started over", first, got)
	}
}
