package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/store"
)

// run runs the command line and returns the exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func tempDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "hotline.db")
	if code, _, stderr := run(t, "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	return db
}

func TestUsageAndVersion(t *testing.T) {
	if code, _, stderr := run(t); code != exitUsage || !strings.Contains(stderr, "Commands:") {
		t.Errorf("no args: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "frobnicate"); code != exitUsage || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown: %d %q", code, stderr)
	}
	if code, stdout, _ := run(t, "version"); code != 0 || !strings.HasPrefix(stdout, "hotline ") {
		t.Errorf("version: %d %q", code, stdout)
	}
	for _, c := range commands() {
		code, stdout, _ := run(t, c.name, "--help")
		if code != 0 || !strings.Contains(stdout, "Usage: hotline "+c.name) {
			t.Errorf("%s --help: %d %q", c.name, code, stdout)
		}
	}
	if code, stdout, _ := run(t, "user", "add", "--help"); code != 0 || !strings.Contains(stdout, "--username") {
		t.Errorf("user add --help: %d %q", code, stdout)
	}
	if code, _, stderr := run(t, "migrate", "--bogus"); code != exitUsage || !strings.Contains(stderr, "bogus") ||
		!strings.Contains(stderr, "hotline migrate --help") {
		t.Errorf("bad flag: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "user", "frob"); code != exitUsage || !strings.Contains(stderr, "add, list") {
		t.Errorf("bad subcommand: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "serve", "--log-level", "loud", "--db", filepath.Join(t.TempDir(), "x.db")); code != exitUsage ||
		!strings.Contains(stderr, "--log-level") {
		t.Errorf("bad log level: %d %q", code, stderr)
	}
}

func TestMigrate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hotline.db")
	code, stdout, _ := run(t, "migrate", "--db", db)
	if code != 0 || !strings.Contains(stdout, "applied migration 1") {
		t.Fatalf("first migrate: %d %q", code, stdout)
	}
	code, stdout, _ = run(t, "migrate", "--db", db)
	if code != 0 || !strings.Contains(stdout, "up to date") {
		t.Errorf("second migrate: %d %q", code, stdout)
	}

	// A database from a newer hotline is refused by migrate and serve alike.
	mustExecSQLite(t, db, `INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`)
	code, _, stderr := run(t, "migrate", "--db", db)
	if code != exitError || !strings.Contains(stderr, "newer hotline") {
		t.Errorf("newer schema, migrate: %d %q", code, stderr)
	}
	code, _, stderr = run(t, "serve", "--db", db, "--data", t.TempDir(), "--http", "127.0.0.1:0", "--sip", "off")
	if code != exitError || !strings.Contains(stderr, "newer hotline") {
		t.Errorf("newer schema, serve: %d %q", code, stderr)
	}
	// Commands that do not migrate refuse a database that is not migrated.
	code, _, stderr = run(t, "user", "list", "--db", filepath.Join(t.TempDir(), "new.db"))
	if code != exitError || !strings.Contains(stderr, "hotline migrate") || !strings.HasPrefix(stderr, "hotline user list: ") {
		t.Errorf("unmigrated: %d %q", code, stderr)
	}
}

func TestUserAndAPIKey(t *testing.T) {
	db := tempDB(t)
	t.Setenv("HOTLINE_DB", db) // the environment stands in for --db

	if code, _, stderr := run(t, "user", "add", "--username", "li"); code != exitUsage || !strings.Contains(stderr, "required") {
		t.Errorf("missing flags: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "user", "add", "--username", "li", "--password", "short", "--role", "boss"); code != exitUsage ||
		!strings.Contains(stderr, "--password") || !strings.Contains(stderr, "--role") {
		t.Errorf("bad values: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "user", "add", "--username", "li", "--password", "secret123", "--role", "handler"); code != exitUsage ||
		!strings.Contains(stderr, "--dept") {
		t.Errorf("handler without department: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "user", "add", "--username", "li", "--password", "secret123", "--role", "handler", "--dept", "nowhere"); code != exitUsage ||
		!strings.Contains(stderr, "nowhere") {
		t.Errorf("unknown department: %d %q", code, stderr)
	}
	code, stdout, stderr := run(t, "user", "add", "--username", "li", "--password", "secret123", "--role", "dispatcher", "--name", "李派单")
	if code != 0 || !strings.Contains(stdout, "created user li") {
		t.Fatalf("add: %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "user", "add", "--username", "li", "--password", "secret123", "--role", "agent"); code != exitUsage ||
		!strings.Contains(stderr, "already taken") {
		t.Errorf("duplicate: %d %q", code, stderr)
	}
	code, stdout, _ = run(t, "user", "list")
	if code != 0 || !strings.Contains(stdout, "li ") || !strings.Contains(stdout, "李派单") || !strings.Contains(stdout, "dispatcher") ||
		!strings.Contains(stdout, "1 users") {
		t.Errorf("list: %d %q", code, stdout)
	}

	if code, _, stderr := run(t, "apikey", "create"); code != exitUsage || !strings.Contains(stderr, "--name") {
		t.Errorf("apikey without name: %d %q", code, stderr)
	}
	code, stdout, stderr = run(t, "apikey", "create", "--name", "WeChat gateway", "--role", "agent")
	if code != 0 || !strings.Contains(stderr, "shown only this once") {
		t.Fatalf("apikey create: %d %q %q", code, stdout, stderr)
	}
	secret := strings.TrimSpace(stdout)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k, err := account.New(st, nil).APIKey(context.Background(), secret)
	if err != nil || k.Name != "WeChat gateway" || k.Role != "agent" {
		t.Fatalf("the printed key does not authenticate: %v %+v", err, k)
	}
	code, stdout, _ = run(t, "apikey", "list")
	if code != 0 || !strings.Contains(stdout, k.Prefix) || !strings.Contains(stdout, "WeChat gateway") || strings.Contains(stdout, secret) {
		t.Errorf("apikey list: %d %q", code, stdout)
	}
}

func TestImportTickets(t *testing.T) {
	db := tempDB(t)
	csv := filepath.Join(t.TempDir(), "old.csv")
	if err := os.WriteFile(csv, []byte("编号,标题,留言时间,内容,一级分类\n"+
		"1,路灯不亮,2019/1/2 20:00:00,小区门口路灯坏了,城乡建设\n"+
		"2,坏时间,不知道,内容,城乡建设\n"+
		"3,噪音扰民,2019-01-03 23:00:00,夜间施工,环境保护\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "import", "tickets", "--db", db, "--csv", csv)
	if code != 0 || !strings.Contains(stdout, "imported 2, rejected 1") || !strings.Contains(stdout, "rejected for time: 1") ||
		!strings.Contains(stderr, "line 3:") {
		t.Errorf("import: %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "import", "tickets", "--db", db); code != exitUsage || !strings.Contains(stderr, "--csv") {
		t.Errorf("no --csv: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "import", "tickets", "--db", db, "--csv", csv, "--channel", "pigeon"); code != exitUsage {
		t.Errorf("bad channel: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "import", "tickets", "--db", db, "--csv", filepath.Join(t.TempDir(), "missing.csv")); code != exitError ||
		!strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "import", "things"); code != exitUsage {
		t.Errorf("import things: %d %q", code, stderr)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeStartsAndStops(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hotline.db")
	addr, debugAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errOut bytes.Buffer
	go func() {
		done <- Run(ctx, []string{"serve", "--db", db, "--data", filepath.Dir(db), "--http", addr, "--sip", "off", "--demo",
			"--log-level", "warn", "--map-tiles", "https://gis.example.gov.cn/tiles/{z}/{x}/{y}.png",
			"--debug-addr", debugAddr}, &out, &errOut)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve never became ready: %v; log: %s", err, errOut.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The profiler answers on its own listener, not on the public one.
	if resp, err := http.Get("http://" + debugAddr + "/debug/pprof/"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("debug listener: %v", err)
	} else {
		resp.Body.Close()
	}
	if resp, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		if resp.StatusCode == http.StatusOK && strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
			body, _ := io.ReadAll(resp.Body)
			if strings.Contains(string(body), "goroutine") {
				t.Error("the profiler answers on the public listener")
			}
		}
		resp.Body.Close()
	}
	// The web app learns the configured map tiles from /api/v1/meta.
	resp, err := http.Get("http://" + addr + "/api/v1/meta")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Map struct {
			TileURL string `json:"tile_url"`
		} `json:"map"`
	}
	err = json.NewDecoder(resp.Body).Decode(&meta)
	resp.Body.Close()
	if err != nil || meta.Map.TileURL != "https://gis.example.gov.cn/tiles/{z}/{x}/{y}.png" {
		t.Errorf("meta.map: %+v %v", meta, err)
	}
	cancel() // as SIGINT would
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	for _, bad := range []string{"ftp://gis/{z}/{x}/{y}", "https://gis.example/tiles.png"} {
		if code, _, stderr := run(t, "serve", "--db", db, "--sip", "off", "--map-tiles", bad); code != exitUsage || !strings.Contains(stderr, "--map-tiles") {
			t.Errorf("serve --map-tiles %s: %d %q", bad, code, stderr)
		}
	}
	// --demo filled the empty database; a second demo load refuses.
	code, _, stderr := run(t, "demo", "--db", db)
	if code != exitError || !strings.Contains(stderr, "not empty") {
		t.Errorf("demo on a loaded database: %d %q", code, stderr)
	}
	code, stdout, _ := run(t, "user", "list", "--db", db)
	if code != 0 || !strings.Contains(stdout, "dispatcher") {
		t.Errorf("demo users: %d %q", code, stdout)
	}
}

// mustExecSQLite changes a SQLite database behind the store's back, as an older or newer
// hotline would have left it.
func mustExecSQLite(t *testing.T, path, q string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestAgentAddLinksUser: agent add --user makes the extension that user's seat; an unknown
// user or a seat another user holds is refused and saves nothing.
func TestAgentAddLinksUser(t *testing.T) {
	db := tempDB(t)
	t.Setenv("HOTLINE_DB", db)
	for _, u := range []string{"li", "wang"} {
		if code, _, stderr := run(t, "user", "add", "--username", u, "--password", "secret123", "--role", "agent"); code != 0 {
			t.Fatalf("user add %s: %s", u, stderr)
		}
	}
	if code, _, stderr := run(t, "agent", "add", "--ext", "1001", "--password", "pass1001", "--skills", "12345", "--user", "nobody"); code != exitUsage || !strings.Contains(stderr, "nobody") {
		t.Errorf("unknown user: %d %q", code, stderr)
	}
	code, stdout, stderr := run(t, "agent", "add", "--ext", "1001", "--password", "pass1001", "--skills", "12345", "--user", "li")
	if code != 0 || !strings.Contains(stdout, "user li answers on 1001") {
		t.Fatalf("agent add --user: %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "agent", "add", "--ext", "1001", "--password", "changed", "--skills", "12345", "--user", "wang"); code == 0 || !strings.Contains(stderr, "li") {
		t.Errorf("a second user on 1001: %d %q", code, stderr)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if u, err := st.UserByAgentExt(ctx, "1001"); err != nil || u.Username != "li" {
		t.Fatalf("seat 1001: %v %+v", err, u)
	}
	if a, err := st.VoiceAgent(ctx, "1001"); err != nil || a.Password != "pass1001" {
		t.Errorf("the refused change was saved: %v %+v", err, a)
	}
	if code, stdout, _ := run(t, "agent", "list"); code != 0 || !strings.Contains(stdout, "USER") || !strings.Contains(stdout, " li\n") {
		t.Errorf("agent list does not name 1001's user: %d %q", code, stdout)
	}
}

// hotline phones import | lookup: a file with any bad line loads nothing; lookups take the
// longest prefix.
func TestPhones(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hotline.db")
	if code, _, stderr := run(t, "migrate", "--db", db); code != 0 {
		t.Fatal(stderr)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("prefix,region\n1380731,湖南长沙\n07,湖南\n1380731,长沙\n0731\n"), 0o600)
	code, _, stderr := run(t, "phones", "import", "--db", db, bad)
	if code != exitError || !strings.Contains(stderr, "line 3:") || !strings.Contains(stderr, "line 4: prefix 1380731 repeats line 2") || !strings.Contains(stderr, "line 5:") {
		t.Errorf("bad file: %d %q", code, stderr)
	}
	if _, out, _ := run(t, "phones", "lookup", "--db", db, "13807311234"); !strings.Contains(out, "not in the table") {
		t.Errorf("a refused import loaded rows: %q", out)
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("\ufeffprefix,region\n1380731,湖南长沙\n0731,湖南长沙\n"), 0o600)
	if code, out, stderr := run(t, "phones", "import", "--db", db, good); code != 0 || !strings.Contains(out, "2 prefixes loaded") {
		t.Errorf("import: %d %q %q", code, out, stderr)
	}
	if _, out, _ := run(t, "phones", "lookup", "--db", db, "+86 138-0731-1234"); !strings.Contains(out, "13807311234\tmobile\t中国移动\t湖南长沙") {
		t.Errorf("lookup: %q", out)
	}
	if code, _, _ := run(t, "phones", "lookup", "--db", db, "x"); code != exitUsage {
		t.Errorf("lookup of a non-number: %d", code)
	}
}
