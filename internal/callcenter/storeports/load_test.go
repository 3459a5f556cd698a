package storeports_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
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
// arrive at HOTLINE_LOAD_RATE calls/s (default 50); each hears the greeting (about 10.5 s),
// is queued, answered by its own agent (sipp UAS processes that ring 300 ms and echo RTP,
// HOTLINE_LOAD_PHONES of them, default one), recorded, and talks with RTP
// both ways until the caller hangs up 84.6 s after its answer. It fails unless every call
// is answered, bridged and recorded, talks at least 60 s, and all of them talk at once for
// at least 60 s. It reports setups/s, setup latency p50/p99 (the caller's INVITE → 200 OK,
// queue → agent answer, offer → agent answer), and CPU and memory per call of the server
// process and the CPU of each sipp. It runs only when HOTLINE_LOAD_CALLS is set:
//
//	HOTLINE_LOAD_CALLS=500 HOTLINE_LOAD_RATE=100 go test ./internal/callcenter/storeports -run LoadRecordedCallsHeld -v -timeout 10m
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
			Route: json.RawMessage(`{"number":"12345","greeting":["greeting"],"default":{"kind":"queue","target":"q12345"}}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	logs := countingHandler{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}), &sync.Mutex{}, map[string]int{}, &[]offerTiming{}}
	sipAddr := fmt.Sprintf("127.0.0.1:%d", sipptest.FreePort(t))
	v, err := storeports.Start(ctx, st, callcenter.Config{DataDir: data, SIPAddr: sipAddr, AdvertisedIP: "127.0.0.1",
		RTPPortMin: 36000, RTPPortMax: 45999, WrapUp: time.Millisecond, RTPTimeout: 20 * time.Second},
		storeports.Options{}, slog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })

	// The agent phones: HOTLINE_LOAD_PHONES sipp UAS processes (default one), each
	// registering its share of the extensions from an injection file. One sipp answered
	// for 500 phones without falling behind (the offers' split below shows where time goes).
	phones := 1
	if v, err := strconv.Atoi(os.Getenv("HOTLINE_LOAD_PHONES")); err == nil && v > 0 {
		phones = min(v, calls)
	}
	here, _ := os.Getwd()
	var uases, regs []*sipptest.Proc
	for ph := range phones {
		uasPort := sipptest.FreePort(t)
		uases = append(uases, sipptest.Run(t, fmt.Sprintf("agents-%d", ph), "-sf", "agent_answer.xml", "-p", fmt.Sprint(uasPort),
			"-mp", fmt.Sprint(sipptest.FreePort(t)), "-rtp_echo", "-l", "100000", "-timeout", "400s", "-trace_stat", "-fd", "5", "-trace_msg"))
		inf := filepath.Join(t.TempDir(), "agents.csv")
		var b strings.Builder
		b.WriteString("SEQUENTIAL\n")
		n := 0
		for i := ph; i < calls; i += phones {
			fmt.Fprintf(&b, "%d;[authentication username=%d password=pw%d]\n", 100001+i, 100001+i, 100001+i)
			n++
		}
		if err := os.WriteFile(inf, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		regs = append(regs, sipptest.Run(t, fmt.Sprintf("register-%d", ph), sipAddr, "-sf", filepath.Join(here, "testdata", "agents_register.xml"),
			"-inf", inf, "-p", fmt.Sprint(sipptest.FreePort(t)), "-key", "contact_port", fmt.Sprint(uasPort),
			"-m", fmt.Sprint(n), "-r", fmt.Sprint(max(1, 100/phones)), "-l", "50"))
	}
	for _, reg := range regs {
		reg.Wait(t, time.Duration(calls/20+20)*time.Second)
	}
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

	// The offer's own time: from ringing (INVITE sent to the agent phone) to its answer.
	evs, unsub := v.Events.Subscribe(16 * calls)
	defer unsub()

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
		"-trace_rtt", "-rtt_freq", "1", "-trace_stat", "-fd", "5")
	callerDir := callers.Dir() // sipp writes its rtt file where it runs
	sipps := map[string]*sipptest.Proc{"callers": callers}
	for i, p := range uases {
		sipps[fmt.Sprintf("agents-%d", i)] = p
	}
	cpu0 := map[string]cpuSample{}
	for n, p := range sipps {
		cpu0[n] = sampleCPU(p.Pid())
	}
	cpuSteady := map[string]cpuSample{}
	cpuRun := map[string]cpuSample{}
	var lastSample time.Time

	// Sample concurrency, and CPU over the steady part of the hold.
	peak := 0
	var allFrom, allTo time.Time // every call talking at once, as sampled
	var cpuFrom, cpuTo time.Duration
	var wallFrom, wallTo time.Time
	var heapPeak uint64
	var rssPeak int64
	for {
		select {
		case <-callers.Done():
		case <-time.After(500 * time.Millisecond):
		}
		select {
		case <-callers.Done():
		default:
			// Every 5 s: reading a thread per call costs the server process (this one) CPU.
			if time.Since(lastSample) >= 5*time.Second {
				lastSample = time.Now()
				for n, p := range sipps {
					cpuRun[n] = sampleCPU(p.Pid())
				}
			}
		}
		n := 0
		for _, c := range v.Server.LiveCalls() {
			if c.State == "talking" {
				n++
			}
		}
		peak = max(peak, n)
		switch {
		case n == calls && allFrom.IsZero():
			allFrom = time.Now()
		case n < calls && !allFrom.IsZero() && allTo.IsZero():
			allTo = time.Now()
		}
		if n == calls && wallFrom.IsZero() {
			wallFrom, cpuFrom = time.Now(), cpuTime()
			for n, p := range sipps {
				cpuSteady[n] = sampleCPU(p.Pid())
			}
			if prof != nil {
				pprof.StartCPUProfile(prof) // HOTLINE_LOAD_CPUPROFILE: the steady part only
			}
		}
		if !wallFrom.IsZero() && wallTo.IsZero() && time.Since(wallFrom) >= 30*time.Second {
			wallTo, cpuTo = time.Now(), cpuTime()
			for n, p := range sipps {
				if a, ok := cpuSteady[n]; ok {
					tot, top, nth := a.cores(sampleCPU(p.Pid()), wallTo.Sub(wallFrom))
					t.Logf("sipp %s over the steady 30 s: %.2f cores, busiest thread %.2f, %d threads", n, tot, top, nth)
				}
			}
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
	runWall := lastSample.Sub(start)
	for n := range sipps {
		tot, top, nth := cpu0[n].cores(cpuRun[n], runWall)
		t.Logf("sipp %s over the whole run: %.2f cores, busiest thread %.2f, %d threads", n, tot, top, nth)
	}
	for i, p := range uases {
		p.Kill()
		t.Logf("agent phones' sipp %d: %v%s", i, sippStats(p.Dir()), sippErrors(p.Dir()))
	}
	t.Logf("callers' sipp: %v%s", sippStats(callerDir), sippErrors(callerDir))
	logs.mu.Lock()
	t.Logf("server log: %v", logs.counts)
	offersSeen := slices.Clone(*logs.offers)
	logs.mu.Unlock()
	phoneSide := map[string]*phoneTiming{}
	for _, p := range uases {
		maps.Copy(phoneSide, phoneTimes(p.Dir()))
	}
	// An offer's time, split: server sends INVITE → phone reads it; phone reads it → sends
	// 180 / 200 OK (the 300 ms ring is here); phone sends 200 OK → server has it.
	var toProv, toAns, toPhone, inPhoneRing, inPhone, back []time.Duration
	for _, o := range offersSeen {
		toProv, toAns = append(toProv, o.toProvisional), append(toAns, o.toAnswer)
		if p := phoneSide[o.leg]; p != nil && !p.invite.IsZero() && !p.ok.IsZero() && !p.ringing.IsZero() {
			toPhone = append(toPhone, p.invite.Sub(o.sent))
			inPhoneRing = append(inPhoneRing, p.ringing.Sub(p.invite))
			inPhone = append(inPhone, p.ok.Sub(p.invite))
			back = append(back, o.sent.Add(o.toAnswer).Sub(p.ok))
		}
	}
	if len(toAns) > 0 {
		t.Logf("server: INVITE to the phone → its first provisional p50 %s p99 %s; → its 200 OK p50 %s p99 %s (%d offers answered)",
			pct(toProv, 50), pct(toProv, 99), pct(toAns, 50), pct(toAns, 99), len(toAns))
	}
	if len(toPhone) > 0 {
		t.Logf("split by the phones' message logs (%d offers): server sends INVITE → phone reads it p50 %s p99 %s; phone reads INVITE → sends 180 p50 %s p99 %s, → sends 200 OK p50 %s p99 %s (300 ms ring); phone sends 200 OK → server has it p50 %s p99 %s",
			len(toPhone), pct(toPhone, 50), pct(toPhone, 99), pct(inPhoneRing, 50), pct(inPhoneRing, 99), pct(inPhone, 50), pct(inPhone, 99), pct(back, 50), pct(back, 99))
	}

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
			if r.TalkSeconds >= 60 {
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
	ringing, offers := map[string]time.Time{}, map[string]int{}
	var offerToAnswer []time.Duration
drain:
	for {
		select {
		case ev := <-evs:
			switch ev.Type {
			case callcenter.EvCallRinging:
				ringing[ev.CallID] = ev.At
				offers[ev.CallID]++
			case callcenter.EvCallAnswered:
				if at, ok := ringing[ev.CallID]; ok {
					offerToAnswer = append(offerToAnswer, ev.At.Sub(at))
				}
			}
		default:
			break drain
		}
	}
	reoffered := 0
	for _, n := range offers {
		if n > 1 {
			reoffered++
		}
	}
	t.Logf("%d agent phone processes (sipp UAS)", phones)
	t.Logf("calls %d offered at %d/s; answered, bridged and recorded %d; peak concurrent %d; run %s",
		calls, rate, answered, peak, time.Since(start).Round(time.Second))
	t.Logf("held ≥ 60 s: %d of %d (shortest talk %d s); hang-ups %v", held, answered, minTalk, sides)
	all := allTo.Sub(allFrom)
	if allFrom.IsZero() || allTo.IsZero() {
		all = 0
	}
	t.Logf("all %d calls talking at once for %s (sampled every 0.5 s)", calls, all.Round(100*time.Millisecond))
	if answered > 1 {
		t.Logf("setups/s (first to last agent answer): %.1f", float64(answered-1)/last.Sub(first).Seconds())
	}
	if len(rtt) > 0 {
		t.Logf("setup latency at the caller, INVITE to 200 OK (the server answers at once and plays the greeting): p50 %s p99 %s max %s",
			pct(rtt, 50), pct(rtt, 99), pct(rtt, 100))
	}
	if len(queueToAnswer) > 0 {
		t.Logf("queue to agent answer (includes the agent phone's deliberate 300 ms ringing): p50 %s p99 %s max %s",
			pct(queueToAnswer, 50), pct(queueToAnswer, 99), pct(queueToAnswer, 100))
	}
	if len(offerToAnswer) > 0 {
		t.Logf("offer to agent answer, INVITE sent to 200 OK received (includes the 300 ms ringing): p50 %s p99 %s max %s; %d answers seen, %d calls offered more than once",
			pct(offerToAnswer, 50), pct(offerToAnswer, 99), pct(offerToAnswer, 100), len(offerToAnswer), reoffered)
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
	if answered != calls || held != calls || all < 60*time.Second {
		t.Errorf("%d of %d calls answered, %d held ≥ 60 s, all talking at once for %s (want 60 s)", answered, calls, held, all.Round(100*time.Millisecond))
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

// procCPU reads the CPU time of process pid (exited threads included), and of each live
// thread (a sipp whose main thread is near 1 core per second is saturated whatever the
// process total says).
func procCPU(pid int) (total time.Duration, threads map[int]time.Duration) {
	threads = map[int]time.Duration{}
	total = statCPU(fmt.Sprintf("/proc/%d/stat", pid))
	dirs, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
	for _, d := range dirs {
		tid, _ := strconv.Atoi(filepath.Base(d))
		threads[tid] = statCPU(filepath.Join(d, "stat"))
	}
	return total, threads
}

// statCPU is utime+stime of a /proc stat file.
func statCPU(path string) time.Duration {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	// Fields after the ")" of the command name: state is 3, utime 14, stime 15.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// cpuSample is a sipp process's CPU at one moment.
type cpuSample struct {
	total   time.Duration
	threads map[int]time.Duration
}

func sampleCPU(pid int) cpuSample {
	t, th := procCPU(pid)
	return cpuSample{t, th}
}

// cores reports the process's cores and its busiest thread's over the window.
func (a cpuSample) cores(b cpuSample, wall time.Duration) (total, busiest float64, nthreads int) {
	var top time.Duration
	for tid, v := range b.threads {
		top = max(top, v-a.threads[tid])
	}
	return (b.total - a.total).Seconds() / wall.Seconds(), top.Seconds() / wall.Seconds(), len(b.threads)
}

// sippStats sums the cumulative columns of interest of sipp's -trace_stat files in dir
// (the last line of each), to show whether the phones lost or retransmitted messages.
func sippStats(dir string) map[string]int {
	out := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(dir, "*_.csv"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) < 2 {
			continue
		}
		head, last := strings.Split(lines[0], ";"), strings.Split(lines[len(lines)-1], ";")
		for i, h := range head {
			if i >= len(last) || !strings.HasSuffix(h, "(C)") {
				continue
			}
			name := strings.TrimSuffix(h, "(C)")
			if !strings.HasPrefix(name, "Failed") && name != "Retransmissions" && name != "OutOfCallMsgs" &&
				name != "DeadCallMsgs" && name != "FatalErrors" && name != "AutoAnswered" && name != "WatchdogMajor" &&
				name != "WatchdogMinor" && name != "SuccessfulCall" && name != "FailedCall" {
				continue
			}
			if n, _ := strconv.Atoi(last[i]); n > 0 {
				out[name] += n
			}
		}
	}
	return out
}

// countingHandler counts the server's log messages (offers that failed, late answers) and
// passes warnings and errors on.
type countingHandler struct {
	slog.Handler
	mu     *sync.Mutex
	counts map[string]int
	offers *[]offerTiming
}

// offerTiming is the server's view of one answered offer: INVITE sent to the phone's first
// provisional reply, and to its 200 OK.
type offerTiming struct {
	leg                     string // the agent leg's Call-ID
	sent                    time.Time
	toProvisional, toAnswer time.Duration
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelInfo {
		h.mu.Lock()
		h.counts[r.Message]++
		h.mu.Unlock()
	}
	if r.Message == "offer answered" {
		var o offerTiming
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "leg":
				o.leg = a.Value.String()
			case "sent":
				o.sent = a.Value.Time()
			case "to_provisional":
				o.toProvisional = a.Value.Duration()
			case "to_answer":
				o.toAnswer = a.Value.Duration()
			}
			return true
		})
		h.mu.Lock()
		*h.offers = append(*h.offers, o)
		h.mu.Unlock()
	}
	if r.Level >= slog.LevelWarn {
		return h.Handler.Handle(ctx, r)
	}
	return nil
}

func (h countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return countingHandler{h.Handler.WithAttrs(as), h.mu, h.counts, h.offers}
}

func (h countingHandler) WithGroup(name string) slog.Handler {
	return countingHandler{h.Handler.WithGroup(name), h.mu, h.counts, h.offers}
}

// sippErrors summarises sipp's -trace_err log in dir: its distinct messages, counted.
func sippErrors(dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "*errors.log"))
	counts := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			// "YYYY-MM-DD hh:mm:ss.uuuuuu epoch: message"
			if i := strings.Index(line, ": "); i > 0 && line[0] >= '0' && line[0] <= '9' {
				msg := line[i+2:]
				if len(msg) > 120 {
					msg = msg[:120]
				}
				counts[msg]++
			}
		}
	}
	if len(counts) == 0 {
		return ""
	}
	return fmt.Sprintf("; errors %v", counts)
}

// phoneTiming is one offer as the agent phone's sipp logged it (-trace_msg): when it read
// the INVITE and when it sent its 180 and 200 OK.
type phoneTiming struct{ invite, ringing, ok time.Time }

// phoneTimes reads the -trace_msg logs in dir, keyed by Call-ID.
func phoneTimes(dir string) map[string]*phoneTiming {
	out := map[string]*phoneTiming{}
	files, _ := filepath.Glob(filepath.Join(dir, "*_messages.log"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, block := range strings.Split(string(b), "----------------------------------------------- ")[1:] {
			lines := strings.SplitN(block, "\n", 40)
			if len(lines) < 4 {
				continue
			}
			at, err := time.ParseInLocation("2006-01-02 15:04:05.000000", strings.TrimSpace(lines[0]), time.Local)
			if err != nil {
				continue
			}
			first := strings.TrimSpace(lines[3])
			var callID, cseq string
			for _, l := range lines[4:] {
				if v, ok := strings.CutPrefix(l, "Call-ID: "); ok {
					callID = strings.TrimSpace(v)
				}
				if v, ok := strings.CutPrefix(l, "CSeq: "); ok {
					cseq = strings.TrimSpace(v)
				}
			}
			if callID == "" || !strings.HasSuffix(cseq, "INVITE") {
				continue
			}
			p := out[callID]
			if p == nil {
				p = &phoneTiming{}
				out[callID] = p
			}
			received := strings.Contains(lines[1], "received")
			switch {
			case received && strings.HasPrefix(first, "INVITE ") && p.invite.IsZero():
				p.invite = at
			case !received && strings.HasPrefix(first, "SIP/2.0 180") && p.ringing.IsZero():
				p.ringing = at
			case !received && strings.HasPrefix(first, "SIP/2.0 200") && p.ok.IsZero():
				p.ok = at
			}
		}
	}
	return out
}
