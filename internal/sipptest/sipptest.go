// Package sipptest runs SIPp (Debian package sip-tester) as the real SIP peer of the call
// centre's tests: agent phones and citizens, with RTP. Scenarios live in testdata/sipp.
package sipptest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// G711APcap is the A-law audio sip-tester ships, played by callers.
const G711APcap = "/usr/share/sip-tester/g711a.pcap"

// Require fails the test (never skips it) when sipp or its audio is missing.
func Require(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("sipp"); err != nil {
		t.Fatal("sipp is not installed: run scripts/test-deps.sh (Debian package sip-tester)")
	}
	if _, err := os.Stat(G711APcap); err != nil {
		t.Fatalf("%s missing: run scripts/test-deps.sh (Debian package sip-tester)", G711APcap)
	}
}

var nextPort atomic.Int32

// Test binaries of several packages run at once: each starts from its own base by process
// id, and every port is still probed before it is handed out.
func init() { nextPort.Store(int32(46000 + 100*(os.Getpid()%100))) }

// FreePort returns an even port free on TCP and, with the next three (sipp's media binds
// the port, +1 for RTCP, +2/+3 for video), on UDP.
func FreePort(t testing.TB) int {
	t.Helper()
	for range 300 {
		p := int(nextPort.Add(10)) - 10
		ok := true
		for i := range 4 {
			u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p + i})
			if err != nil {
				ok = false
				break
			}
			u.Close()
		}
		if !ok {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p)) // sipp on TCP (-t t1) listens too
		if err != nil {
			continue
		}
		l.Close()
		return p
	}
	t.Fatal("no free port")
	return 0
}

// Proc is one running sipp.
type Proc struct {
	name string
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan struct{} // closed when sipp exited; err is then set
	err  error
}

// Run starts sipp with args in a temporary directory; a bare scenario name (x.xml) is taken
// from testdata/sipp. It is killed when t ends if still running.
func Run(t testing.TB, name string, args ...string) *Proc {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	scen := filepath.Join(filepath.Dir(here), "..", "..", "testdata", "sipp")
	for i, a := range args {
		if strings.HasSuffix(a, ".xml") && !strings.Contains(a, "/") {
			args[i] = filepath.Join(scen, a)
		}
	}
	base := []string{"-nostdin", "-i", "127.0.0.1", "-timeout", "40s", "-timeout_error", "-trace_err", "-max_recv_loops", "100"}
	p := &Proc{name: name, done: make(chan struct{})}
	p.cmd = exec.Command("sipp", append(base, args...)...)
	p.cmd.Dir = t.TempDir()
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// Wait fails t unless sipp exits successfully within the time given.
func (p *Proc) Wait(t testing.TB, within time.Duration) {
	t.Helper()
	select {
	case <-p.done:
		if p.err != nil {
			logs, _ := filepath.Glob(filepath.Join(p.cmd.Dir, "*errors.log"))
			var extra string
			for _, l := range logs {
				b, _ := os.ReadFile(l)
				extra += string(b)
			}
			t.Fatalf("sipp %s failed: %v\n%s\n%s", p.name, p.err, tail(p.out.String(), 3000), tail(extra, 3000))
		}
	case <-time.After(within):
		p.cmd.Process.Kill()
		t.Fatalf("sipp %s still running after %s\n%s", p.name, within, tail(p.out.String(), 2000))
	}
}

// Kill stops sipp at once (a phone that vanishes, a caller who hangs up by dropping).
func (p *Proc) Kill() { p.cmd.Process.Kill() }

// Done is closed when sipp has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Pid is the sipp process id, for the load test's CPU figures.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Dir is where sipp runs and writes its logs and statistics files.
func (p *Proc) Dir() string { return p.cmd.Dir }

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
