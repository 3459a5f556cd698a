// Package testpeer runs the real protocol peers of tools/peers (an SMPP message centre and
// an SMTP relay, both Node programs) for tests. Each peer prints JSON lines of what it
// received, which tests wait for, and takes JSON commands on its standard input.
package testpeer

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Peer is a Node test peer from tools/peers, started for one test. Node is a
// hard requirement of these tests: without it they fail, they do not skip.
type Peer struct {
	Port   int // the port it listens on, from its "listening" event
	events chan map[string]any
	stdin  io.WriteCloser
}

// Command writes one JSON command line to the peer.
func (p *Peer) Command(t testing.TB, cmd map[string]any) {
	t.Helper()
	b, _ := json.Marshal(cmd)
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		t.Fatalf("command %s: %v", b, err)
	}
}

func peersDir(t testing.TB) string {
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testpeer: cannot find its own source file")
	}
	return filepath.Join(filepath.Dir(here), "..", "..", "tools", "peers")
}

// npmCI installs the peers' packages once; a lock file keeps two test
// binaries running at once from installing over each other.
func npmCI(t testing.TB, dir string) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required to run the real test peers in tools/peers (install nodejs and npm, e.g. with scripts/test-deps.sh): %v", tool, err)
		}
	}
	lock, err := os.OpenFile(filepath.Join(dir, "node_modules.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil {
		return
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}

// Start runs node script (in tools/peers) with args until t ends, and waits for it to listen.
func Start(t testing.TB, script string, args ...string) *Peer {
	t.Helper()
	dir := peersDir(t)
	npmCI(t, dir)
	cmd := exec.Command("node", append([]string{script}, args...)...)
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuf
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node %s: %v", script, err)
	}
	p := &Peer{events: make(chan map[string]any, 1000), stdin: stdin}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				p.events <- ev
			}
		}
		close(p.events)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", script, stderr.String())
		}
	})
	ev := p.Next(t, "listening", 20*time.Second)
	p.Port = int(ev["port"].(float64))
	return p
}

// Next waits for the next event of a kind, dropping others.
func (p *Peer) Next(t testing.TB, kind string, within time.Duration) map[string]any {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case ev, ok := <-p.events:
			if !ok {
				t.Fatalf("peer exited while waiting for %q", kind)
			}
			if ev["event"] == kind {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %q event from the peer within %s", kind, within)
		}
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  []byte
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b)
}

// SelfSigned writes a certificate for 127.0.0.1 for the SMTP peer and returns the files
// and a pool that trusts it.
func SelfSigned(t testing.TB) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "hotline test relay"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// Discard drops the peer's events from now on, for tests that do not read them (a peer
// whose output nobody reads would stall once its pipe fills).
func (p *Peer) Discard() {
	go func() {
		for range p.events {
		}
	}()
}

// Within returns the next event if one comes within d (0: only one already received).
func (p *Peer) Within(d time.Duration) (map[string]any, bool) {
	if d <= 0 {
		select {
		case ev, ok := <-p.events:
			return ev, ok
		default:
			return nil, false
		}
	}
	select {
	case ev, ok := <-p.events:
		return ev, ok
	case <-time.After(d):
		return nil, false
	}
}

// Collect waits for n events of a kind, dropping others.
func (p *Peer) Collect(t testing.TB, kind string, n int, within time.Duration) []map[string]any {
	t.Helper()
	var out []map[string]any
	for len(out) < n {
		out = append(out, p.Next(t, kind, within))
	}
	return out
}
