package storeports_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/cli"
	"github.com/hotline-dev/hotline/internal/store"
)

// hotline numbers export | import: the numbers go out as YAML and come back; a file with
// any wrong entry changes nothing and names every wrong entry.
func TestNumbersExportImport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "hotline.db")
	runCLI(t, "migrate", "--db", db, "--log-level", "warn")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := storeports.SeedDemo(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.Close()

	exported := runCLI(t, "numbers", "export", "--db", db)
	for _, want := range []string{`number: "12345"`, "queue: q12345", `number: "12315"`} {
		if !strings.Contains(exported, want) {
			t.Fatalf("export lacks %q:\n%s", want, exported)
		}
	}
	file := filepath.Join(dir, "numbers.yaml")
	runCLI(t, "numbers", "export", "--db", db, "--out", file)
	if b, _ := os.ReadFile(file); string(b) != exported {
		t.Fatal("export --out differs from standard output")
	}

	// Rename 12345, give it a night route to voicemail, add a new line 12399.
	edited := strings.Replace(exported, "queue: q12345\n", "queue: q12345\n    route:\n      default: {kind: queue, target: q12345}\n      periods:\n        night: {kind: voicemail, prompts: [out-of-hours]}\n", 1)
	edited = strings.Replace(edited, "  - number: \"12345\"\n    name: ", "  - number: \"12345\"\n    name: 市民热线", 1)
	edited += "  - number: \"12399\"\n    name: 测试热线\n    queue: q12345\n"
	if err := os.WriteFile(file, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := runCLI(t, "numbers", "import", "--db", db, file); !strings.Contains(out, "imported") {
		t.Fatalf("import: %q", out)
	}
	after := runCLI(t, "numbers", "export", "--db", db)
	for _, want := range []string{"市民热线", "kind: voicemail", `number: "12399"`, "name: 测试热线"} {
		if !strings.Contains(after, want) {
			t.Errorf("after import, export lacks %q:\n%s", want, after)
		}
	}

	for name, c := range map[string]struct{ yaml, msg string }{
		"unknown queue":     {"numbers:\n  - number: \"12345\"\n    queue: nowhere\n", "numbers[0].queue: no such queue"},
		"bad number":        {"numbers:\n  - number: \"12a45\"\n    queue: q12345\n", "numbers[0].number: digits only"},
		"repeated":          {"numbers:\n  - number: \"12345\"\n    queue: q12345\n  - number: \"12345\"\n    queue: q12345\n", "numbers[1].number: repeated"},
		"misspelt key":      {"numbers:\n  - number: \"12345\"\n    qeue: q12345\n", "qeue"},
		"route to no queue": {"numbers:\n  - number: \"12345\"\n    queue: q12345\n    route:\n      default: {kind: queue, target: nowhere}\n", "numbers[0].route"},
		"empty":             {"", "empty"},
		// One good entry beside a bad one: the good one is not saved either.
		"all or nothing": {"numbers:\n  - number: \"12388\"\n    queue: q12345\n  - number: \"x\"\n    queue: q12345\n", "numbers[1].number"},
	} {
		bad := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(bad, []byte(c.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		code := cli.Run(ctx, []string{"numbers", "import", "--db", db, bad}, &out, &errOut)
		if code != 1 || !strings.Contains(errOut.String(), c.msg) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", name, code, errOut.String(), c.msg)
		}
		if now := runCLI(t, "numbers", "export", "--db", db); now != after {
			t.Errorf("%s: a refused import changed the numbers", name)
		}
	}
	var out, errOut bytes.Buffer
	if code := cli.Run(ctx, []string{"numbers", "import", "--db", db}, &out, &errOut); code != 2 {
		t.Errorf("import without a file: exit %d", code)
	}
}
