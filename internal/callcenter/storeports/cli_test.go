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
	if out := runCLI(t, "agent", "add", "--db", db, "--ext", "1001", "--password", "pass1001", "--name", "张三", "--skills", "12345,12315:2", "--level", "3"); !strings.Contains(out, "12315:2,12345:3") {
		t.Errorf("add: %q", out)
	}
	runCLI(t, "agent", "add", "--db", db, "--ext", "1002", "--password", "pass1002", "--skills", "12345")
	// Changing an agent may leave the password out: the old one stays.
	if out := runCLI(t, "agent", "add", "--db", db, "--ext", "1002", "--name", "李四", "--skills", "12345"); !strings.Contains(out, "1002 (李四)") {
		t.Errorf("edit without password: %q", out)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"agent", "add", "--db", db, "--ext", "10a", "--password", "pass1003", "--skills", "12345"}, 2, "--ext: digits"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--skills", "12345"}, 2, "--password: required for a new agent"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--password", "P", "--skills", "12345"}, 2, "--password: 4 to 64 characters"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--password", "pass1003"}, 2, "--skills is required"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--password", "pass1003", "--skills", "12345:x"}, 2, "level"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--password", "pass1003", "--skills", "12345:10"}, 2, "a level from 1 to 9"},
		{[]string{"agent", "add", "--db", db, "--ext", "1003", "--password", "pass1003", "--skills", "hotline"}, 2, "--skills: \"hotline\": a hotline number"},
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
