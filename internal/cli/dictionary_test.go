package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The city dictionary on the command line: add (arguments and a file), list, remove, and
// search reindex segments with the stored words (its dictionary version changes).
func TestDictionaryCommands(t *testing.T) {
	db := tempDB(t)
	if code, stdout, stderr := run(t, "search", "reindex", "--db", db); code != 0 || !strings.Contains(stdout, "dictionary version 1)") {
		t.Fatalf("reindex, empty dictionary: %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "dictionary", "add", "--db", db, "湾"); code != exitUsage || !strings.Contains(stderr, "two characters") {
		t.Fatalf("one character: %d %q", code, stderr)
	}
	if code, stdout, stderr := run(t, "dictionary", "add", "--db", db, "--pos", "ns", "柳荫湾"); code != 0 || !strings.Contains(stdout, "added 1 words") {
		t.Fatalf("add: %d %q %q", code, stdout, stderr)
	}
	file := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(file, []byte("# city words\n接诉即办 5000 n\n柳荫湾\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := run(t, "dictionary", "add", "--db", db, "--file", file); code != 0 || !strings.Contains(stdout, "added 1 words") || !strings.Contains(stderr, "柳荫湾: already") {
		t.Fatalf("add file: %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr := run(t, "dictionary", "list", "--db", db)
	if code != 0 || !strings.Contains(stdout, "柳荫湾\t0\tns\tcli") || !strings.Contains(stdout, "接诉即办\t5000\tn") || !strings.Contains(stderr, "2 of 2") {
		t.Fatalf("list: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, stderr := run(t, "search", "reindex", "--db", db); code != 0 || !strings.Contains(stdout, "dictionary version 1.") {
		t.Fatalf("reindex with words: %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "dictionary", "remove", "--db", db, "柳荫湾", "不存在"); code != exitError || !strings.Contains(stderr, "不存在") {
		t.Fatalf("remove: %d %q", code, stderr)
	}
	if code, stdout, _ := run(t, "dictionary", "list", "--db", db, "--q", "柳荫"); code != 0 || stdout != "" {
		t.Fatalf("list after remove: %d %q", code, stdout)
	}
}
