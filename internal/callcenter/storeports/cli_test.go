package storeports_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hotline-dev/hotline/internal/cli"
)

// hotline agent add | state | list, and their refusals (exit 2 for bad usage, 1 for a
// failure), on a migrated SQLite database.
func TestAgentCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hotline.db")
	runCLI(t, "migrate", "--db", db, "--log-level", "warn")
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := cli.Run(context.Background(), args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	if out := runCLI(t, "agent", "add", "--db", db, "--ext", "1001", "--password", "P", "--name", "张三", "--skills", "12345,12315:2", "--level", "3"); !strings.Contains(out, "12315:2,12345:3") {
		t.Errorf("add: %q", out)
	}
	runCLI(t, "agent", "add", "--db", db, "--ext", "1002", "--password", "Q", "--skills", "12345")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"agent", "add", "--db", db, "--ext", "10a", "--password", "P", "--skills", "12345"}, 2, "want digits"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--skills", "12345"}, 2, "--password is required"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--password", "P"}, 2, "--skills is required"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--password", "P", "--skills", "12345:x"}, 2, "level"},
		{[]string{"agent", "state", "--db", db, "--ext", "1001", "busy"}, 2, "want ready, not-ready or signed-out"},
		{[]string{"agent", "state", "--db", db, "--ext", "1001"}, 2, "give the state"},
		{[]string{"agent", "state", "--db", db, "--ext", "9999", "ready"}, 1, "no agent 9999"},
		{[]string{"agent", "fly"}, 2, "unknown subcommand"},
	} {
		code, _, stderr := run(c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d %q, want %d %q", c.args, code, stderr, c.code, c.msg)
		}
	}
	if out := runCLI(t, "agent", "state", "--db", db, "--ext", "1001", "not-ready"); !strings.Contains(out, "not-ready requested") {
		t.Errorf("state: %q", out)
	}
	out := runCLI(t, "agent", "list", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "1001") || !strings.Contains(lines[1], "not-ready") || !strings.Contains(lines[2], "1002") {
		t.Errorf("list:\n%s", out)
	}
}
