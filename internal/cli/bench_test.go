package cli

import (
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{0.9, 0.1, 0.5}, 0.5}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}

// bench http --against alternates creation runs with the database's raw insert rate and
// reports each ratio and their median.
func TestBenchHTTPAgainstRawRate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hotline.db")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--db", db, "--data", dir, "--http", addr, "--sip", "off", "--demo",
			"--log-level", "warn"}, io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	waitReady(t, "http://"+addr)
	code, key, stderr := run(t, "apikey", "create", "--db", db, "--name", "bench", "--role", "agent")
	if code != 0 {
		t.Fatalf("apikey: %d %s", code, stderr)
	}
	key = strings.TrimSpace(key)
	url := "http://" + addr
	raw := filepath.Join(dir, "raw.db")

	code, stdout, stderr := run(t, "bench", "http", "--url", url, "--token", key, "--clients", "2", "--duration", "300ms",
		"--against", raw, "--rounds", "3")
	if code != 0 {
		t.Fatalf("bench http --against: %d %q %q", code, stdout, stderr)
	}
	if n := len(regexp.MustCompile(`(?m)^http create: 2 clients, [1-9]\d* tickets`).FindAllString(stdout, -1)); n != 3 {
		t.Errorf("%d creation runs, want 3: %q", n, stdout)
	}
	if n := len(regexp.MustCompile(`(?m)^  then raw insert \(sqlite\): [1-9]\d* rows/s; creation ÷ raw = \d+\.\d{3}$`).FindAllString(stdout, -1)); n != 3 {
		t.Errorf("%d raw runs, want 3: %q", n, stdout)
	}
	if !regexp.MustCompile(`(?m)^median of 3 rounds: [1-9]\d* tickets/s, creation ÷ raw \d+\.\d{3} \(lowest \d+\.\d{3}, highest \d+\.\d{3}\)$`).MatchString(stdout) {
		t.Errorf("no median line: %q", stdout)
	}

	for _, bad := range [][]string{
		{"--rounds", "0"},
		{"--get", "/api/v1/auth/me", "--against", raw},
		{"--get", "/api/v1/auth/me", "--rounds", "2"},
	} {
		args := append([]string{"bench", "http", "--url", url, "--token", key, "--duration", "100ms"}, bad...)
		if code, _, stderr := run(t, args...); code != exitUsage || !strings.Contains(stderr, "--") {
			t.Errorf("%v: %d %q", bad, code, stderr)
		}
	}
}
