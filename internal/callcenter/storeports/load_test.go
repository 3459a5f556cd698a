package storeports_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/sipptest"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// TestLoadRecordedCallsHeld is the SIPp load benchmark of issue 3, on the store-backed
// wiring `hotline serve` uses (SQLite, CDRs through the spool): HOTLINE_LOAD_CALLS callers
// (default 100) arrive at HOTLINE_LOAD_RATE calls/s (default 50), each is queued, answered
// by its own agent (all agents are seated on one sipp UAS that echoes RTP), recorded, and
// held for about 63 s with RTP both ways, then hangs up. It reports the peak of concurrent
// recorded calls, setups/s, setup latency p50/p99, and CPU and memory per call of the
// server process. It runs only when HOTLINE_LOAD_CALLS is set:
//
//	HOTLINE_LOAD_CALLS=500 HOTLINE_LOAD_RATE=50 go test ./internal/callcenter/storeports -run LoadRecordedCallsHeld -v -timeout 10m
//
// HOTLINE_LOAD_CPUPROFILE=FILE writes a CPU profile of the server over the steady 30 s.
func TestLoadRecordedCallsHeld(t *testing.T) {
	calls, _ := strconv.Atoi(os.Getenv("HOTLINE_LOAD_CALLS"))
	if calls <= 0 {
		t.Skip("set HOTLINE_LOAD_CALLS to run the load benchmark")
	}
	rate := 50
	if v, err := strconv.Atoi(os.Getenv("HOTLINE_LOAD_RATE")); err == nil && v > 0 {
		rate = v
	}
	sipptest.Require(t)
	ctx := context.Background()
	st := storetest.SQLite(t)
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for i := range calls {
			ext := fmt.Sprint(100001 + i)
			if err := tx.SaveVoiceAgent(ctx, &store.VoiceAgent{Ext: ext, Name: ext, Password: "pw" + ext, Skills: map[string]int{"12345": 1}, Order: i}); err != nil {
				return err
			}
		}
		return tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: "12345", Queue: "q12345",
			Route: json.RawMessage(`{"number":"12345","default":{"kind":"queue","target":"q12345"}}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	sipAddr := fmt.Sprintf("127.0.0.1:%d", sipptest.FreePort(t))
	v, err := storeports.Start(ctx, st, callcenter.Config{DataDir: data, SIPAddr: sipAddr, AdvertisedIP: "127.0.0.1",
		RTPPortMin: 36000, RTPPortMax: 45999, WrapUp: time.Millisecond, RTPTimeout: 20 * time.Second},
		storeports.Options{}, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })

	// One UAS answers for every agent; the agents register from an injection file.
	uasPort := sipptest.FreePort(t)
	uas := sipptest.Run(t, "agents", "-sf", "agent_answer.xml", "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(sipptest.FreePort(t)), "-rtp_echo",
		"-l", "100000", "-timeout", "400s")
	inf := filepath.Join(t.TempDir(), "agents.csv")
	var b strings.Builder
	b.WriteString("SEQUENTIAL\n")
	for i := range calls {
		fmt.Fprintf(&b, "%d;[authentication username=%d password=pw%d]\n", 100001+i, 100001+i, 100001+i)
	}
	if err := os.WriteFile(inf, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	here, _ := os.Getwd()
	reg := sipptest.Run(t, "register", sipAddr, "-sf", filepath.Join(here, "testdata", "agents_register.xml"), "-inf", inf,
		"-p", fmt.Sprint(sipptest.FreePort(t)), "-key", "contact_port", fmt.Sprint(uasPort), "-m", fmt.Sprint(calls), "-r", "100", "-l", "50")
	reg.Wait(t, time.Duration(calls/20+20)*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ready := 0
		for _, a := range v.Server.Agents() {
			if a.StateName == "ready" {
				ready++
			}
		}
		if ready == calls {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d agents ready", ready, calls)
		}
		time.Sleep(100 * time.Millisecond)
	}

	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	rss0 := rssBytes()

	var prof *os.File
	if path := os.Getenv("HOTLINE_LOAD_CPUPROFILE"); path != "" {
		if prof, err = os.Create(path); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	callers := sipptest.Run(t, "callers", sipAddr, "-sf", filepath.Join(here, "testdata", "caller_hold.xml"), "-p", fmt.Sprint(sipptest.FreePort(t)),
		"-mp", fmt.Sprint(sipptest.FreePort(t)), "-s", "12345", "-key", "caller", "13800000000", "-key", "pcap", sipptest.G711APcap,
		"-r", fmt.Sprint(rate), "-l", fmt.Sprint(calls), "-m", fmt.Sprint(calls), "-timeout", "300s",
		"-trace_rtt", "-rtt_freq", "1")
	callerDir := callers.Dir() // sipp writes its rtt file where it runs

	// Sample concurrency, and CPU over the steady part of the hold.
	peak := 0
	var cpuFrom, cpuTo time.Duration
	var wallFrom, wallTo time.Time
	var heapPeak uint64
	var rssPeak int64
	for {
		select {
		case <-callers.Done():
		case <-time.After(500 * time.Millisecond):
		}
		n := 0
		for _, c := range v.Server.LiveCalls() {
			if c.State == "talking" {
				n++
			}
		}
		peak = max(peak, n)
		if n == calls && wallFrom.IsZero() {
			wallFrom, cpuFrom = time.Now(), cpuTime()
			if prof != nil {
				pprof.StartCPUProfile(prof) // HOTLINE_LOAD_CPUPROFILE: the steady part only
			}
		}
		if !wallFrom.IsZero() && wallTo.IsZero() && time.Since(wallFrom) >= 30*time.Second {
			wallTo, cpuTo = time.Now(), cpuTime()
			if prof != nil {
				pprof.StopCPUProfile()
				prof.Close()
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			heapPeak, rssPeak = m.HeapInuse, rssBytes()
		}
		select {
		case <-callers.Done():
		default:
			continue
		}
		break
	}
	callers.Wait(t, time.Second)
	uas.Kill()

	var answered int
	var first, last time.Time
	var queueToAnswer []time.Duration
	held, minTalk := 0, -1
	sides := map[string]int{}
	deadline = time.Now().Add(30 * time.Second)
	for {
		page, err := st.CallRecords(ctx, store.CallRecordFilter{Limit: 500})
		if err == nil && len(page.Records) >= min(calls, 500) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	var cursor string
	for {
		page, err := st.CallRecords(ctx, store.CallRecordFilter{Limit: 500, Before: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			if r.Agent == "" || r.Answered == nil || r.RecordingPath == "" {
				t.Errorf("call not bridged and recorded: %+v", r)
				continue
			}
			answered++
			if r.TalkSeconds >= 55 {
				held++
			}
			if minTalk < 0 || r.TalkSeconds < minTalk {
				minTalk = r.TalkSeconds
			}
			sides[r.HangupSide+"/"+r.HangupReason]++
			if first.IsZero() || r.Answered.Before(first) {
				first = *r.Answered
			}
			if r.Answered.After(last) {
				last = *r.Answered
			}
			if r.Enqueued != nil {
				queueToAnswer = append(queueToAnswer, r.Answered.Sub(*r.Enqueued))
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	rtt := readRTT(t, callerDir)
	t.Logf("calls %d offered at %d/s; answered, bridged and recorded %d; peak concurrent %d; run %s",
		calls, rate, answered, peak, time.Since(start).Round(time.Second))
	t.Logf("held ≥ 55 s: %d of %d (shortest talk %d s); hang-ups %v", held, answered, minTalk, sides)
	if answered > 1 {
		t.Logf("setups/s (first to last agent answer): %.1f", float64(answered-1)/last.Sub(first).Seconds())
	}
	if len(rtt) > 0 {
		t.Logf("setup latency at the caller, INVITE to 200 OK (includes the agent phone's 300 ms ringing): p50 %s p99 %s max %s",
			pct(rtt, 50), pct(rtt, 99), pct(rtt, 100))
	}
	if len(queueToAnswer) > 0 {
		t.Logf("queue to agent answer (includes the 300 ms ringing): p50 %s p99 %s", pct(queueToAnswer, 50), pct(queueToAnswer, 99))
	}
	if !wallTo.IsZero() {
		cpu := (cpuTo - cpuFrom).Seconds() / wallTo.Sub(wallFrom).Seconds()
		t.Logf("server CPU with %d calls held: %.2f cores = %.2f%% of a core per call", calls, cpu, 100*cpu/float64(calls))
		t.Logf("memory per call: heap in use %.0f KiB, RSS %.0f KiB (heap %d→%d MiB, RSS %d→%d MiB)",
			float64(int64(heapPeak)-int64(m0.HeapInuse))/float64(calls)/1024, float64(rssPeak-rss0)/float64(calls)/1024,
			m0.HeapInuse>>20, heapPeak>>20, rss0>>20, rssPeak>>20)
	} else {
		t.Logf("the %d calls were never all talking at once for 30 s: no steady-state CPU figure", calls)
	}
	if answered != calls || held != calls {
		t.Errorf("%d of %d calls answered, %d held ≥ 55 s", answered, calls, held)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func rssBytes() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// readRTT reads sipp's -trace_rtt file: "date;dateMs;responsetime;repartition", the response
// time in ms.
func readRTT(t *testing.T, dir string) []time.Duration {
	files, _ := filepath.Glob(filepath.Join(dir, "*_rtt.csv"))
	var out []time.Duration
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(fh)
		fh.Close()
		for _, line := range strings.Split(string(b), "\n") {
			parts := strings.Split(line, ";")
			if len(parts) < 3 {
				continue
			}
			ms, err := strconv.ParseFloat(parts[2], 64)
			if err != nil {
				continue
			}
			out = append(out, time.Duration(ms*float64(time.Millisecond)))
		}
	}
	if len(out) == 0 {
		t.Logf("no rtt file in %s", dir)
	}
	return out
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	i = min(max(i-1, 0), len(s)-1)
	return s[i].Round(100 * time.Microsecond)
}
