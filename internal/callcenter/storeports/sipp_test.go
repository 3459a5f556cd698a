package storeports_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/cli"
	"github.com/hotline-dev/hotline/internal/sipptest"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// These tests drive the call centre as `hotline serve` runs it, with sipp (Debian package
// sip-tester) as the agent phones and the citizens.

// agentPhone starts a sipp UAS that answers calls one after the other and registers it as ext.
func agentPhone(t testing.TB, sipAddr, ext, password string, calls int) *sipptest.Proc {
	t.Helper()
	uasPort, mediaPort := sipptest.FreePort(t), sipptest.FreePort(t)
	uas := sipptest.Run(t, "agent "+ext, "-sf", "agent_answer.xml", "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(mediaPort), "-rtp_echo", "-m", fmt.Sprint(calls))
	reg := sipptest.Run(t, "register "+ext, sipAddr, "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-s", ext,
		"-au", ext, "-ap", password, "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1")
	reg.Wait(t, 10*time.Second)
	return uas
}

func caller(t testing.TB, sipAddr, number, dialled string, talkMS int) *sipptest.Proc {
	t.Helper()
	return sipptest.Run(t, "caller "+number, sipAddr, "-sf", "caller.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)),
		"-s", dialled, "-key", "caller", number, "-key", "pcap", sipptest.G711APcap, "-d", fmt.Sprint(talkMS), "-m", "1")
}

func runCLI(t testing.TB, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Run(context.Background(), args, &out, &errOut); code != 0 {
		t.Fatalf("hotline %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// api is a logged-in HTTP client.
type api struct {
	t     testing.TB
	base  string
	token string
}

func (a *api) do(method, path string, body any, out any) int {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			if p, ok := out.(*[]byte); ok {
				*p = b
			} else {
				a.t.Fatalf("%s %s: %v: %s", method, path, err, b)
			}
		}
	}
	return resp.StatusCode
}

func (a *api) agentState(ext string) string {
	var agents []struct {
		Ext   string `json:"ext"`
		State string `json:"state"`
		Live  bool   `json:"live"`
	}
	if code := a.do("GET", "/api/v1/voice/agents", nil, &agents); code != 200 {
		a.t.Fatalf("agents: %d", code)
	}
	for _, ag := range agents {
		if ag.Ext == ext {
			return ag.State
		}
	}
	return ""
}

func (a *api) waitAgentState(ext, state string, within time.Duration) {
	a.t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := a.agentState(ext)
		if got == state {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("agent %s is %s, not %s, after %s", ext, got, state, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// alwaysQueue routes 12345 straight to its queue at any hour, after the greeting, so the
// test does not depend on the time of day it runs at.
var alwaysQueue = json.RawMessage(`{"number":"12345","name":"政务服务便民热线","greeting":["greeting"],"default":{"kind":"queue","target":"q12345"}}`)

// TestServeAnswersRecordsAndBills is issue 3's "done when": `hotline serve --demo` answers
// 12345; demo agent 1001 registers with digest auth, is set not ready and ready again with
// `hotline agent state`, gets the call; the call is recorded and its CDR and recording are
// read over the HTTP API.
func TestServeAnswersRecordsAndBills(t *testing.T) {
	sipptest.Require(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "hotline.db")
	runCLI(t, "migrate", "--db", db, "--log-level", "warn")
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: "12345", Queue: "q12345", Route: alwaysQueue, UpdatedBy: "test"})
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	sipPort := sipptest.FreePort(t)
	sipAddr := fmt.Sprintf("127.0.0.1:%d", sipPort)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpAddr := l.Addr().String()
	l.Close()
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan int, 1)
	var logBuf syncBuffer
	go func() {
		done <- cli.Run(sctx, []string{"serve", "--db", db, "--data", dir, "--http", httpAddr, "--sip", sipAddr, "--demo", "--log-level", "warn"}, io.Discard, &logBuf)
	}()
	var stopOnce sync.Once
	stopServe := func() {
		stopOnce.Do(func() {
			cancel() // as SIGTERM would
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("serve exited %d: %s", code, logBuf.String())
				}
			case <-time.After(30 * time.Second):
				t.Error("serve did not stop")
			}
		})
	}
	t.Cleanup(stopServe)
	base := "http://" + httpAddr
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never became ready: %v\n%s", err, logBuf.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	a := &api{t: t, base: base}
	var login struct {
		Token string `json:"token"`
	}
	if code := a.do("POST", "/api/v1/auth/login", map[string]string{"username": "monitor", "password": "monitor12345"}, &login); code != 200 {
		t.Fatalf("login: %d", code)
	}
	a.token = login.Token
	if out := runCLI(t, "agent", "list", "--db", db); !strings.Contains(out, "1010") {
		t.Fatalf("demo agents: %s", out)
	}

	phone := agentPhone(t, sipAddr, "1001", storeports.DemoAgentPassword("1001"), 1)
	a.waitAgentState("1001", "ready", 5*time.Second) // signed in by registering
	start := time.Now()
	runCLI(t, "agent", "state", "--db", db, "--ext", "1001", "not-ready")
	a.waitAgentState("1001", "not-ready", 5*time.Second)
	t.Logf("agent state from the CLI reached the running ACD in %s", time.Since(start).Round(time.Millisecond))
	runCLI(t, "agent", "state", "--db", db, "--ext", "1001", "ready")
	a.waitAgentState("1001", "ready", 5*time.Second)

	// The agent's screen pop listens to the event stream.
	evCtx, evStop := context.WithCancel(ctx)
	t.Cleanup(evStop)
	var evMu sync.Mutex
	var evTypes []string
	evReq, _ := http.NewRequestWithContext(evCtx, "GET", base+"/api/v1/voice/events?agent=1001", nil)
	evReq.Header.Set("Authorization", "Bearer "+a.token)
	evResp, err := http.DefaultClient.Do(evReq)
	if err != nil || evResp.StatusCode != 200 || !strings.HasPrefix(evResp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("event stream: %v %v", err, evResp)
	}
	go func() {
		defer evResp.Body.Close()
		sc := bufio.NewScanner(evResp.Body)
		for sc.Scan() {
			if typ, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				evMu.Lock()
				evTypes = append(evTypes, typ)
				evMu.Unlock()
			}
		}
	}()

	call := caller(t, sipAddr, "13800000001", "12345", 16000) // the greeting lasts 10.5 s

	call.Wait(t, 45*time.Second)
	phone.Wait(t, 10*time.Second)

	type cdrPage struct {
		Records []store.CallRecord `json:"records"`
	}
	var page cdrPage
	deadline = time.Now().Add(10 * time.Second)
	for {
		if code := a.do("GET", "/api/v1/voice/cdrs?agent=1001&caller=13800000001", nil, &page); code != 200 {
			t.Fatalf("cdrs: %d", code)
		}
		if len(page.Records) == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(page.Records) != 1 {
		t.Fatalf("no CDR over the API: %+v\n%s", page, logBuf.String())
	}
	cdr := page.Records[0]
	if cdr.Called != "12345" || cdr.Queue != "q12345" || cdr.Answered == nil || cdr.Abandoned || cdr.TalkSeconds < 2 ||
		!strings.HasPrefix(cdr.RecordingPath, "recordings/"+time.Now().In(callcenter.DefaultSchedule().Location).Format("2006/01/")) {
		t.Fatalf("CDR %+v", cdr)
	}
	var one store.CallRecord
	if code := a.do("GET", "/api/v1/voice/cdrs/"+cdr.CallID, nil, &one); code != 200 || one.CallID != cdr.CallID {
		t.Fatalf("one CDR: %d %+v", code, one)
	}
	var wav []byte
	if code := a.do("GET", "/api/v1/voice/cdrs/"+cdr.CallID+"/recording", nil, &wav); code != 200 || len(wav) < 44+8000*2*2 || string(wav[:4]) != "RIFF" {
		t.Fatalf("recording: %d, %d bytes", code, len(wav))
	}
	t.Logf("CDR %s: wait %s, talk %d s, recording %s (%d bytes)", cdr.CallID, cdr.Wait, cdr.TalkSeconds, cdr.RecordingPath, len(wav))
	if resp, err := http.Get(base + "/metrics"); err != nil {
		t.Fatal(err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "hotline_calls_active") {
			t.Error("/metrics lacks the call centre's gauges")
		}
	}

	evMu.Lock()
	got := strings.Join(evTypes, " ")
	evMu.Unlock()
	for _, want := range []string{"call.ringing", "call.answered", "call.ended", "agent.state"} {
		if !strings.Contains(got, want) {
			t.Errorf("event %s not streamed to the agent's page: %s", want, got)
		}
	}

	// A department handler may not hear the citizens.
	h := &api{t: t, base: base}
	if code := h.do("POST", "/api/v1/auth/login", map[string]string{"username": "handler", "password": "handler12345"}, &login); code != 200 {
		t.Fatalf("handler login: %d", code)
	}
	h.token = login.Token
	if code := h.do("GET", "/api/v1/voice/cdrs/"+cdr.CallID+"/recording", nil, nil); code != 403 {
		t.Fatalf("handler got the recording: %d", code)
	}
	// The live views answer.
	var queues []map[string]any
	if code := a.do("GET", "/api/v1/voice/queues", nil, &queues); code != 200 || len(queues) == 0 {
		t.Fatalf("queues: %d %v", code, queues)
	}

	// The server stops promptly and cleanly although the agent's page still streams events.
	stopAt := time.Now()
	stopServe()
	if d := time.Since(stopAt); d > 10*time.Second {
		t.Errorf("serve took %s to stop with an event stream open", d)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's log goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// downSink is the CDR sink of a database that can be taken away and given back.
type downSink struct {
	sink callcenter.CDRSink
	down atomic.Bool
}

var errDown = errors.New("database down")

func (s *downSink) WriteCDR(ctx context.Context, c callcenter.CDR) error {
	if s.down.Load() {
		return errDown
	}
	return s.sink.WriteCDR(ctx, c)
}

// TestDatabaseDownCallsGoOn is the availability requirement (seed 000): with the database
// gone mid-test, new calls are still answered, and their CDRs reach the database once it is
// back (spool replay). On PostgreSQL the database itself goes away: its connections are
// terminated and new ones refused, so every port fails. On SQLite, which has no server to
// stop, the CDR sink is what fails.
func TestDatabaseDownCallsGoOn(t *testing.T) {
	sipptest.Require(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := b.DSN(t)
			main := storetest.Open(t, dsn) // the test's own view, used while the database is up
			if err := storeports.SeedDemo(ctx, main); err != nil {
				t.Fatal(err)
			}
			// 12345 straight to the queue, no greeting, at any hour.
			if err := main.InTx(ctx, func(tx *store.Tx) error {
				return tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: "12345", Queue: "q12345",
					Route: json.RawMessage(`{"number":"12345","default":{"kind":"queue","target":"q12345"}}`)})
			}); err != nil {
				t.Fatal(err)
			}
			ccStore := main
			var admin *sql.DB
			var dbName string
			if b.Name == "postgres" {
				var err error
				if ccStore, err = store.Open(ctx, dsn); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ccStore.Close() })
				u, _ := url.Parse(dsn)
				dbName = strings.TrimPrefix(u.Path, "/")
				if admin, err = sql.Open("pgx", os.Getenv(storetest.PostgresEnv)); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					admin.Exec(`ALTER DATABASE "` + dbName + `" ALLOW_CONNECTIONS true`)
					admin.Close()
				})
			}
			sink := &downSink{sink: storeports.CDRSink{Store: ccStore}}
			sipAddr := fmt.Sprintf("127.0.0.1:%d", sipptest.FreePort(t))
			rtp := 33000 + 500*(os.Getpid()%20)
			v, err := storeports.Start(ctx, ccStore, callcenter.Config{DataDir: t.TempDir(), SIPAddr: sipAddr, AdvertisedIP: "127.0.0.1",
				RTPPortMin: rtp, RTPPortMax: rtp + 499, WrapUp: 200 * time.Millisecond, CDRRetry: 300 * time.Millisecond},
				storeports.Options{CDR: sink, Poll: 200 * time.Millisecond}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { v.Close() })

			waitReady := func() {
				deadline := time.Now().Add(5 * time.Second)
				for time.Now().Before(deadline) {
					for _, a := range v.Server.Agents() {
						if a.Ext == "1002" && a.State == acd.Ready {
							return
						}
					}
					time.Sleep(50 * time.Millisecond)
				}
				t.Fatalf("agent 1002 not ready: %+v", v.Server.Agents())
			}
			phone := agentPhone(t, sipAddr, "1002", "1002pass", 3)
			call := func(number string) {
				waitReady()
				c := caller(t, sipAddr, number, "12345", 1000)
				c.Wait(t, 30*time.Second)
			}
			call("13700000001") // database up
			if rec := waitRecord(t, main, "13700000001", 5*time.Second); rec.Agent != "1002" || rec.Answered == nil {
				t.Fatalf("CDR with the database up: %+v", rec)
			}

			// The database goes away.
			if admin != nil {
				if _, err := admin.Exec(`ALTER DATABASE "` + dbName + `" ALLOW_CONNECTIONS false`); err != nil {
					t.Fatal(err)
				}
				if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, dbName); err != nil {
					t.Fatal(err)
				}
				if err := ccStore.Ping(ctx); err == nil {
					t.Fatal("the database still answers")
				}
			} else {
				sink.down.Store(true)
			}
			call("13700000002")
			call("13700000003")
			phone.Wait(t, 10*time.Second)
			if n := v.Server.SpoolPending(); n != 2 {
				t.Fatalf("spool holds %d CDRs, want 2", n)
			}

			// The database returns.
			if admin != nil {
				if _, err := admin.Exec(`ALTER DATABASE "` + dbName + `" ALLOW_CONNECTIONS true`); err != nil {
					t.Fatal(err)
				}
			} else {
				sink.down.Store(false)
			}
			for _, n := range []string{"13700000002", "13700000003"} {
				rec := waitRecord(t, main, n, 15*time.Second)
				if rec.Agent != "1002" || rec.Answered == nil {
					t.Errorf("replayed CDR %+v", rec)
				}
			}
			if n := v.Server.SpoolPending(); n != 0 {
				t.Errorf("spool still holds %d", n)
			}
		})
	}
}

func waitRecord(t *testing.T, st *store.Store, caller string, within time.Duration) *store.CallRecord {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		page, err := st.CallRecords(context.Background(), store.CallRecordFilter{Caller: caller})
		if err == nil && len(page.Records) == 1 {
			return page.Records[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no CDR for %s after %s (%v)", caller, within, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
