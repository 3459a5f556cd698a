package callcenter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/ivr"
	"github.com/hotline-dev/hotline/internal/sipptest"
)

// These tests run the server on 127.0.0.1 against real SIP peers: sipp (Debian package
// sip-tester) plays the agent phones and the citizens, with RTP.

var (
	rigs         atomic.Int32
	sipgoLogOnce sync.Once
)

type rig struct {
	t      testing.TB
	srv    *Server
	cdrs   *memCDR
	agents *memAgents
	events *memEvents
	data   string
	addr   string // host:port of the server's SIP
	plan   *StaticPlan
}

type rigOpt func(*Config, *Ports, *StaticPlan)

func newRig(t testing.TB, opts ...rigOpt) *rig {
	t.Helper()
	sipptest.Require(t)
	r := &rig{t: t, cdrs: newMemCDR(), events: &memEvents{}, data: t.TempDir()}
	r.agents = &memAgents{agents: []AgentInfo{
		{Ext: "1001", Name: "张三", Password: "pw1001", Skills: map[string]int{"12345": 1, "12315": 1}, Order: 1},
		{Ext: "1002", Name: "李四", Password: "pw1002", Skills: map[string]int{"12345": 2, "12315": 1}, Order: 2},
	}}
	r.plan = &StaticPlan{Schedule: fixedPeriod(WorkHours), Routes: map[string]Route{
		"12345": {Number: "12345", Greeting: []string{"greeting"}, Default: Action{Kind: ActQueue, Target: "q12345"},
			Periods: map[Period]Action{Night: {Kind: ActVoicemail, Prompts: []string{"out-of-hours"}}}},
		"12315": {Number: "12315", Greeting: []string{"greeting"}, Default: Action{Kind: ActIVR, Target: "main"}},
		"12333": {Number: "12333", Default: Action{Kind: ActVoicemail}},
		"12366": {Number: "12366", Greeting: []string{"greeting"}, Default: Action{Kind: ActQueue, Target: "q12366"}},
		"12350": {Number: "12350", Default: Action{Kind: ActForward, Target: "1002"}}, // duty phone (值班电话)
	}, QueueSet: []acd.QueueConfig{
		{Name: "q12345", Group: "12345", Strategy: acd.AgentOrder},
		{Name: "q12315", Group: "12315", Strategy: acd.RingAll},
		{Name: "q12366", Group: "12366", Strategy: acd.FewestCalls},
	}, Menus: map[string]ivr.Menu{"main": {Start: "main", Nodes: map[string]ivr.Node{
		"main": {Kind: ivr.Collect, Prompts: []string{"menu-main"}, MaxDigits: 1, Timeout: 3 * time.Second, Retries: 1,
			Var: "choice", Default: "agents", Branches: map[string]string{"1": "agents", "3": "message"}},
		"agents":  {Kind: ivr.Queue, Target: "q12315"},
		"message": {Kind: ivr.Voicemail},
	}}}}
	cfg := Config{
		DataDir: r.data, SIPAddr: "127.0.0.1:0", AdvertisedIP: "127.0.0.1",
		RTPPortMin: 30000 + 500*int((int32(os.Getpid())+rigs.Add(1))%30), RingTimeout: 4 * time.Second, WrapUp: 500 * time.Millisecond,
		RTPTimeout: 10 * time.Second, MaxVoicemail: 20 * time.Second, QueueAnnounce: time.Second,
		Prompts: os.DirFS(testPrompts(t)), PromptDir: ".",
	}
	cfg.RTPPortMax = cfg.RTPPortMin + 499
	ports := Ports{CDR: r.cdrs, Agents: r.agents, Plan: r.plan, Events: r.events,
		Blacklist: &ListBlacklist{Entries: []BlacklistEntry{{Number: "13900000666", Reason: "harassment"}}},
		Tickets:   memTickets{"2026112100001": "processing"}}
	for _, o := range opts {
		o(&cfg, &ports, r.plan)
	}
	if err := r.plan.Validate(); err != nil {
		t.Fatal(err)
	}
	logLevel := slog.LevelWarn
	if testing.Verbose() {
		logLevel = slog.LevelInfo
	}
	if os.Getenv("HOTLINE_SIP_DEBUG") != "" {
		logLevel = slog.LevelDebug
	}
	sipgoLogOnce.Do(func() {
		// sipgo logs through a global; set it once, before any server runs. Its notices
		// (e.g. UDP reference counts) would garble benchmark output.
		level := slog.LevelError
		if os.Getenv("HOTLINE_SIP_DEBUG") != "" {
			level, sip.SIPDebug = slog.LevelDebug, true
		}
		sip.SetDefaultLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
	})
	srv, err := New(cfg, ports, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel})))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r.srv = srv
	r.addr = srv.UDPAddr().String()
	return r
}

func (r *rig) sipp(name string, args ...string) *sipptest.Proc {
	r.t.Helper()
	return sipptest.Run(r.t, name, args...)
}

// agentPhone starts a sipp UAS (ringing 300 ms before answering) and registers it as ext.
func (r *rig) agentPhone(ext, password string, scenario string) *sipptest.Proc {
	r.t.Helper()
	uasPort, mediaPort := sipptest.FreePort(r.t), sipptest.FreePort(r.t)
	uas := r.sipp("agent "+ext, "-sf", scenario, "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(mediaPort), "-rtp_echo",
		"-m", "1")
	reg := r.sipp("register "+ext, r.addr, "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(r.t)), "-s", ext,
		"-au", ext, "-ap", password, "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1")
	reg.Wait(r.t, 10*time.Second)
	r.waitAgent(ext, acd.Ready)
	return uas
}

func (r *rig) waitAgent(ext string, st acd.AgentState) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, a := range r.srv.Agents() {
			if a.Ext == ext && a.State == st {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("agent %s never became %s: %+v", ext, st, r.srv.Agents())
}

func (r *rig) caller(number, dialled string, talkMS int, pcap string) *sipptest.Proc {
	r.t.Helper()
	return r.sipp("caller "+number, r.addr, "-sf", "caller.xml", "-p", fmt.Sprint(sipptest.FreePort(r.t)), "-mp", fmt.Sprint(sipptest.FreePort(r.t)),
		"-s", dialled, "-key", "caller", number, "-key", "pcap", pcap, "-d", fmt.Sprint(talkMS), "-m", "1")
}

func TestSIPAnsweredCallIsBridgedRecordedAndBilled(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	agent := r.agentPhone("1001", "pw1001", "agent_answer.xml")
	caller := r.caller("13800000001", "12345", 4000, sipptest.G711APcap)
	caller.Wait(t, 20*time.Second)
	agent.Wait(t, 10*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)

	if cdr.Caller != "13800000001" || cdr.Called != "12345" || cdr.Queue != "q12345" || cdr.Agent != "1001" {
		t.Errorf("cdr identity %+v", cdr)
	}
	if cdr.Abandoned || cdr.HangupSide != "caller" || cdr.Answered.IsZero() || cdr.Period != WorkHours {
		t.Errorf("cdr outcome %+v", cdr)
	}
	talk := cdr.End.Sub(cdr.Answered)
	if talk < 2500*time.Millisecond || talk > 4500*time.Millisecond || cdr.TalkSeconds < 3 || cdr.TalkSeconds > 4 {
		t.Errorf("talk %s (%d s), want about 3.5 s", talk, cdr.TalkSeconds)
	}
	if !strings.HasPrefix(cdr.RecordingPath, "recordings/") {
		t.Fatalf("recording path %q", cdr.RecordingPath)
	}
	dur, rms := wavDuration(t, filepath.Join(r.data, cdr.RecordingPath))
	t.Logf("talk %s, recording %s (rms %.0f), wait %s", talk, dur, rms, cdr.Wait)
	if d := dur - talk; d < -300*time.Millisecond || d > 300*time.Millisecond {
		t.Errorf("recording lasts %s for %s of talk", dur, talk)
	}
	if rms < 300 {
		t.Errorf("recording is silent (rms %.0f): media was not bridged", rms)
	}
	// After the call the agent wraps up, then is ready again.
	r.waitAgent("1001", acd.Ready)
	a := r.srv.Agents()[0]
	if a.CallsTaken != 1 || a.TalkTime < 2*time.Second {
		t.Errorf("agent counters %+v", a.Agent)
	}
	got := fmt.Sprint(r.events.types())
	for _, want := range []EventType{EvCallOffered, EvCallRinging, EvCallAnswered, EvCallEnded, EvAgentState, EvQueue} {
		if !strings.Contains(got, string(want)) {
			t.Errorf("event %s not published: %s", want, got)
		}
	}
	if runtime.GOOS == "linux" && r.srv.SpoolPending() != 0 {
		t.Errorf("spool holds %d CDRs with a working sink", r.srv.SpoolPending())
	}
}

func TestSIPAgentHangsUp(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	uasPort, mediaPort := sipptest.FreePort(t), sipptest.FreePort(t)
	agent := r.sipp("agent 1001", "-sf", "agent_hangs_up.xml", "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(mediaPort),
		"-rtp_echo", "-m", "1", "-d", "2000")
	r.sipp("register 1001", r.addr, "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-s", "1001",
		"-au", "1001", "-ap", "pw1001", "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1").Wait(t, 10*time.Second)
	r.waitAgent("1001", acd.Ready)
	caller := r.sipp("caller", r.addr, "-sf", "caller_waits_for_bye.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)),
		"-s", "12345", "-key", "caller", "13800000002", "-key", "pcap", sipptest.G711APcap, "-m", "1")
	agent.Wait(t, 15*time.Second)
	caller.Wait(t, 10*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.HangupSide != "agent" || cdr.Agent != "1001" || cdr.Abandoned || cdr.TalkSeconds < 1 || cdr.TalkSeconds > 3 {
		t.Fatalf("cdr %+v", cdr)
	}
	if _, rms := wavDuration(t, filepath.Join(r.data, cdr.RecordingPath)); rms < 300 {
		t.Fatalf("recording silent: rms %.0f", rms)
	}
}

func TestSIPRingTimeoutOffersTheNextAgent(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	lazy := r.agentPhone("1001", "pw1001", "agent_no_answer.xml") // first in seat order
	good := r.agentPhone("1002", "pw1002", "agent_answer.xml")
	caller := r.caller("13800000003", "12345", 6500, sipptest.G711APcap)
	lazy.Wait(t, 15*time.Second)
	caller.Wait(t, 15*time.Second)
	good.Wait(t, 5*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Agent != "1002" || cdr.Abandoned {
		t.Fatalf("cdr %+v", cdr)
	}
	// Answered after 1001 rang the full ring timeout (4 s) and 1002 rang 300 ms.
	if cdr.Wait < 4*time.Second || cdr.Wait > 6*time.Second {
		t.Errorf("wait %s", cdr.Wait)
	}
	for _, a := range r.srv.Agents() {
		if a.Ext == "1001" && (a.MissedOffers != 1 || a.State != acd.Ready) {
			t.Errorf("1001 after a missed offer: %+v", a.Agent)
		}
	}
}

func TestSIPRingAllCancelsTheOthers(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	slow := r.agentPhone("1002", "pw1002", "agent_no_answer.xml")
	fast := r.agentPhone("1001", "pw1001", "agent_answer.xml")
	// 12315 goes through the menu: key 1 (RFC 4733) → ring-all queue q12315.
	caller := r.caller("13800000004", "12315", 3000, "/usr/share/sip-tester/dtmf_2833_1.pcap")
	slow.Wait(t, 10*time.Second)
	caller.Wait(t, 15*time.Second)
	fast.Wait(t, 5*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Agent != "1001" || cdr.Queue != "q12315" || fmt.Sprint(cdr.IVRPath) != "[main agents]" {
		t.Fatalf("cdr %+v", cdr)
	}
	for _, a := range r.srv.Agents() {
		if a.Ext == "1002" && a.MissedOffers != 0 {
			t.Errorf("1002 was cancelled because 1001 won, not for missing: %+v", a.Agent)
		}
	}
}

func TestSIPCallerAbandonsInQueue(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.caller("13800000005", "12366", 2000, sipptest.G711APcap).Wait(t, 10*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if !cdr.Abandoned || cdr.Queue != "q12366" || cdr.Agent != "" || cdr.HangupSide != "caller" || cdr.HangupReason != "abandoned" {
		t.Fatalf("cdr %+v", cdr)
	}
	if cdr.Wait < 1500*time.Millisecond || cdr.Wait > 2500*time.Millisecond {
		t.Errorf("wait %s", cdr.Wait)
	}
	if q := r.srv.Queues(); q[len(q)-1].Name != "q12366" || q[len(q)-1].Waiting != 0 {
		t.Errorf("queue still holds the caller: %+v", q)
	}
}

func TestSIPVoicemailAtNight(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(_ *Config, _ *Ports, p *StaticPlan) { p.Schedule = fixedPeriod(Night) })
	r.caller("13800000006", "12345", 3000, sipptest.G711APcap).Wait(t, 10*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Period != Night || cdr.Queue != "" || cdr.VoicemailPath == "" || cdr.RecordingPath != "" {
		t.Fatalf("cdr %+v", cdr)
	}
	dur, rms := wavDuration(t, filepath.Join(r.data, cdr.VoicemailPath))
	t.Logf("voicemail %s rms %.0f", dur, rms)
	// 3 s call minus out-of-hours, voicemail and beep prompts (100 ms each here).
	if dur < 2300*time.Millisecond || dur > 3100*time.Millisecond || rms < 300 {
		t.Fatalf("voicemail %s rms %.0f", dur, rms)
	}
}

func TestSIPMenuKeys(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	t.Run("rfc4733", func(t *testing.T) {
		r.caller("13800000007", "12315", 2500, "/usr/share/sip-tester/dtmf_2833_3.pcap").Wait(t, 10*time.Second)
		cdr := r.cdrs.next(t, 5*time.Second)
		if fmt.Sprint(cdr.IVRPath) != "[main message]" || cdr.IVRVars["choice"] != "3" || cdr.VoicemailPath == "" {
			t.Fatalf("cdr %+v", cdr)
		}
	})
	t.Run("sip info", func(t *testing.T) {
		r.sipp("caller info", r.addr, "-sf", "caller_info_dtmf.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)),
			"-s", "12315", "-key", "caller", "13800000008", "-key", "key", "3", "-key", "pcap", sipptest.G711APcap, "-d", "1500", "-m", "1").Wait(t, 10*time.Second)
		cdr := r.cdrs.next(t, 5*time.Second)
		if fmt.Sprint(cdr.IVRPath) != "[main message]" || cdr.VoicemailPath == "" {
			t.Fatalf("cdr %+v", cdr)
		}
	})
}

func TestSIPRefusalsProbesAndMalformed(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	run := func(name string, args ...string) {
		r.sipp(name, append([]string{r.addr, "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)), "-m", "1"}, args...)...).Wait(t, 10*time.Second)
	}
	t.Run("blacklist 603", func(t *testing.T) {
		run("blacklisted", "-sf", "caller_603.xml", "-s", "12345", "-key", "caller", "13900000666")
		cdr := r.cdrs.next(t, 5*time.Second)
		if !cdr.Blocked || cdr.HangupReason != "blacklist: harassment" || cdr.Queue != "" {
			t.Fatalf("cdr %+v", cdr)
		}
	})
	t.Run("unknown number 404", func(t *testing.T) {
		run("unknown", "-sf", "caller_404.xml", "-s", "99999", "-key", "caller", "13800000009")
		if cdr := r.cdrs.next(t, 5*time.Second); cdr.HangupReason != "unknown-number" || cdr.Called != "99999" {
			t.Fatalf("cdr %+v", cdr)
		}
	})
	t.Run("metrics", func(t *testing.T) {
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(r.srv.Collector())
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, mf := range mfs {
			for _, m := range mf.GetMetric() {
				key := mf.GetName()
				for _, l := range m.GetLabel() {
					key += "," + l.GetName() + "=" + l.GetValue()
				}
				switch {
				case m.Counter != nil:
					got[key] = m.GetCounter().GetValue()
				case m.Gauge != nil:
					got[key] = m.GetGauge().GetValue()
				}
			}
		}
		want := map[string]float64{
			"hotline_calls_total,number=12345,outcome=blocked":        1,
			"hotline_calls_total,number=other,outcome=unknown-number": 1,
			"hotline_agents,state=signed-out":                         2,
			"hotline_queue_waiting,queue=q12345":                      0,
			"hotline_calls_active":                                    0,
			"hotline_cdr_spool_pending":                               0,
		}
		for k, v := range want {
			if g, ok := got[k]; !ok || g != v {
				t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
			}
		}
	})
	t.Run("options", func(t *testing.T) { run("options", "-sf", "options.xml", "-s", "12345") })
	t.Run("malformed 400", func(t *testing.T) {
		run("malformed", "-sf", "malformed.xml", "-s", "12345")
		run("options after malformed", "-sf", "options.xml", "-s", "12345") // still serving
	})
}

func TestSIPForwardToDutyPhone(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	duty := r.agentPhone("1002", "pw1002", "agent_answer.xml")
	r.caller("13800000010", "12350", 2500, sipptest.G711APcap).Wait(t, 10*time.Second)
	duty.Wait(t, 5*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Forwarded != "1002" || cdr.Agent != "1002" || cdr.Queue != "" || cdr.RecordingPath == "" {
		t.Fatalf("cdr %+v", cdr)
	}
	// A forward is not an ACD call: 1002's counters stay untouched.
	if a := r.srv.Agents()[1]; a.Ext != "1002" || a.CallsTaken != 0 || a.State != acd.Ready {
		t.Fatalf("agent %+v", a.Agent)
	}
}

func TestSIPQueueOverflowToVoicemail(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(_ *Config, _ *Ports, p *StaticPlan) {
		for i := range p.QueueSet {
			if p.QueueSet[i].Name == "q12366" {
				p.QueueSet[i].MaxWait = time.Second
				p.QueueSet[i].Overflow = acd.Overflow{Kind: acd.OverflowVoicemail}
			}
		}
	})
	caller := r.caller("13800000011", "12366", 3500, sipptest.G711APcap)
	// While waiting, the live API shows the caller queued.
	deadline := time.Now().Add(time.Second)
	seen := false
	for time.Now().Before(deadline) && !seen {
		for _, c := range r.srv.LiveCalls() {
			seen = seen || (c.State == "queued" && c.Queue == "q12366" && c.Position == 1)
		}
		for _, q := range r.srv.Queues() {
			seen = seen && (q.Name != "q12366" || q.Waiting == 1)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !seen {
		t.Errorf("caller never seen queued in LiveCalls/Queues")
	}
	caller.Wait(t, 10*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Abandoned || cdr.Queue != "q12366" || cdr.VoicemailPath == "" || cdr.Wait < time.Second {
		t.Fatalf("cdr %+v", cdr)
	}
	if dur, _ := wavDuration(t, filepath.Join(r.data, cdr.VoicemailPath)); dur < time.Second {
		t.Fatalf("voicemail %s", dur)
	}
}

func TestSIPFeatureCodes(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	phone := r.agentPhone("1001", "pw1001", "agent_answer.xml")
	defer phone.Kill()
	code := func(c string) {
		r.sipp("feature "+c, r.addr, "-sf", "agent_feature_code.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)),
			"-s", c, "-au", "1001", "-ap", "pw1001", "-key", "ext", "1001", "-m", "1").Wait(t, 10*time.Second)
	}
	code("*2")
	r.waitAgent("1001", acd.NotReady)
	code("*1")
	r.waitAgent("1001", acd.Ready)
}

func TestSIPBlacklistNoticeThenBye(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(c *Config, _ *Ports, _ *StaticPlan) { c.BlacklistPrompt = true })
	r.sipp("blacklisted", r.addr, "-sf", "caller_waits_for_bye.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)),
		"-s", "12345", "-key", "caller", "13900000666", "-key", "pcap", sipptest.G711APcap, "-m", "1").Wait(t, 10*time.Second)
	if cdr := r.cdrs.next(t, 5*time.Second); !cdr.Blocked || cdr.Queue != "" {
		t.Fatalf("cdr %+v", cdr)
	}
}

func TestSIPOverTCP(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sipp("options tcp", r.addr, "-t", "t1", "-sf", "options.xml", "-s", "12345", "-p", fmt.Sprint(sipptest.FreePort(t)), "-m", "1").Wait(t, 10*time.Second)
	r.sipp("caller tcp", r.addr, "-t", "t1", "-sf", "caller.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)),
		"-s", "12366", "-key", "caller", "13800000012", "-key", "pcap", sipptest.G711APcap, "-d", "1000", "-m", "1").Wait(t, 10*time.Second)
	if cdr := r.cdrs.next(t, 5*time.Second); !cdr.Abandoned || cdr.Queue != "q12366" {
		t.Fatalf("cdr %+v", cdr)
	}
}

func TestSIPAgentHoldsAndResumes(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	uasPort, mediaPort := sipptest.FreePort(t), sipptest.FreePort(t)
	agent := r.sipp("agent holds", "-sf", "agent_holds.xml", "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(mediaPort), "-rtp_echo", "-m", "1")
	r.sipp("register 1001", r.addr, "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-s", "1001",
		"-au", "1001", "-ap", "pw1001", "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1").Wait(t, 10*time.Second)
	r.waitAgent("1001", acd.Ready)
	caller := r.caller("13800000013", "12345", 4500, sipptest.G711APcap)
	caller.Wait(t, 15*time.Second)
	agent.Wait(t, 5*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Agent != "1001" || cdr.HangupSide != "caller" || cdr.TalkSeconds < 3 {
		t.Fatalf("cdr %+v", cdr)
	}
}

// flakyCDR fails while down, like a database that is away.
type flakyCDR struct {
	*memCDR
	down atomic.Bool
}

func (f *flakyCDR) WriteCDR(ctx context.Context, c CDR) error {
	if f.down.Load() {
		return fmt.Errorf("database unavailable")
	}
	return f.memCDR.WriteCDR(ctx, c)
}

func TestSIPCallsGoOnWhileTheDatabaseIsDown(t *testing.T) {
	t.Parallel()
	sink := &flakyCDR{memCDR: newMemCDR()}
	sink.down.Store(true)
	r := newRig(t, func(c *Config, p *Ports, _ *StaticPlan) { c.CDRRetry = 200 * time.Millisecond; p.CDR = sink })
	r.cdrs = sink.memCDR
	start := time.Now()
	r.caller("13800000014", "12366", 500, sipptest.G711APcap).Wait(t, 10*time.Second)
	r.caller("13800000015", "12366", 500, sipptest.G711APcap).Wait(t, 10*time.Second)
	if time.Since(start) > 5*time.Second {
		t.Errorf("calls slowed down by the database: %s", time.Since(start))
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.srv.SpoolPending() != 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := r.srv.SpoolPending(); n != 2 {
		t.Fatalf("spooled %d CDRs, want 2", n)
	}
	sink.down.Store(false)
	a, b := r.cdrs.next(t, 5*time.Second), r.cdrs.next(t, 5*time.Second)
	if a.Caller != "13800000014" || b.Caller != "13800000015" {
		t.Fatalf("replayed out of order: %s then %s", a.Caller, b.Caller)
	}
}

func TestCloseEndsCallsWithShutdownCDR(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	caller := r.caller("13800000016", "12366", 10000, sipptest.G711APcap)
	deadline := time.Now().Add(5 * time.Second)
	for len(r.srv.LiveCalls()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := r.srv.Hangup("no-such-call"); !errors.Is(err, ErrNoSuchCall) {
		t.Errorf("hangup of an unknown call: %v", err)
	}
	if err := r.srv.Close(); err != nil {
		t.Logf("close: %v", err)
	}
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Abandoned || cdr.HangupSide != "system" || cdr.HangupReason != "shutdown" {
		t.Fatalf("cdr %+v", cdr)
	}
	caller.Kill()
}

func TestSIPAgentOnTCP(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	uasPort, mediaPort := sipptest.FreePort(t), sipptest.FreePort(t)
	agent := r.sipp("agent tcp", "-t", "t1", "-sf", "agent_answer.xml", "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(mediaPort), "-rtp_echo", "-m", "1")
	r.sipp("register tcp", r.addr, "-t", "t1", "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-s", "1001",
		"-au", "1001", "-ap", "pw1001", "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1").Wait(t, 10*time.Second)
	r.waitAgent("1001", acd.Ready)
	r.caller("13800000017", "12345", 2000, sipptest.G711APcap).Wait(t, 10*time.Second)
	agent.Wait(t, 5*time.Second)
	if cdr := r.cdrs.next(t, 5*time.Second); cdr.Agent != "1001" || cdr.RecordingPath == "" {
		t.Fatalf("cdr %+v", cdr)
	}
}

func TestSIPMonitorForcesHangup(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	agent := r.agentPhone("1001", "pw1001", "agent_answer.xml")
	caller := r.sipp("caller", r.addr, "-sf", "caller_waits_for_bye.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)),
		"-s", "12345", "-key", "caller", "13800000018", "-key", "pcap", sipptest.G711APcap, "-m", "1")
	var id string
	deadline := time.Now().Add(5 * time.Second)
	for id == "" && time.Now().Before(deadline) {
		for _, c := range r.srv.LiveCalls() {
			if c.State == "talking" && c.Agent == "1001" {
				id = c.CallID
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if id == "" {
		t.Fatalf("call never talking: %+v", r.srv.LiveCalls())
	}
	time.Sleep(500 * time.Millisecond)
	if err := r.srv.Hangup(id); err != nil {
		t.Fatal(err)
	}
	caller.Wait(t, 5*time.Second)
	agent.Wait(t, 5*time.Second)
	if cdr := r.cdrs.next(t, 5*time.Second); cdr.HangupSide != "system" || cdr.HangupReason != "forced" || cdr.Agent != "1001" {
		t.Fatalf("cdr %+v", cdr)
	}
}

// One agent, two phones (desk phone and softphone): both ring, the one picked up wins,
// the other gets CANCEL.
func TestSIPAgentWithTwoPhones(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	register := func(uasPort int) {
		r.sipp("register", r.addr, "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-s", "1001",
			"-au", "1001", "-ap", "pw1001", "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1").Wait(t, 10*time.Second)
	}
	deskPort, softPort := sipptest.FreePort(t), sipptest.FreePort(t)
	desk := r.sipp("desk phone", "-sf", "agent_answer.xml", "-p", fmt.Sprint(deskPort), "-mp", fmt.Sprint(sipptest.FreePort(t)), "-rtp_echo", "-m", "1")
	soft := r.sipp("soft phone", "-sf", "agent_no_answer.xml", "-p", fmt.Sprint(softPort), "-mp", fmt.Sprint(sipptest.FreePort(t)), "-m", "1")
	register(deskPort)
	register(softPort)
	if a := r.srv.Agents()[0]; len(a.Contacts) != 2 {
		t.Fatalf("contacts %v", a.Contacts)
	}
	r.caller("13800000019", "12345", 2000, sipptest.G711APcap).Wait(t, 10*time.Second)
	soft.Wait(t, 5*time.Second)
	desk.Wait(t, 5*time.Second)
	if cdr := r.cdrs.next(t, 5*time.Second); cdr.Agent != "1001" || cdr.RecordingPath == "" {
		t.Fatalf("cdr %+v", cdr)
	}
}

func TestSIPSupervisor(t *testing.T) {
	for _, mode := range []SuperviseMode{Listen, Whisper, Barge} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			testSupervisor(t, mode)
		})
	}
}

func testSupervisor(t *testing.T, mode SuperviseMode) {
	r := newRig(t, func(_ *Config, p *Ports, _ *StaticPlan) {
		a := p.Agents.(*memAgents)
		a.agents = append(a.agents, AgentInfo{Ext: "1099", Name: "班长", Password: "pw1099", Order: 99})
	})
	agent := r.agentPhone("1001", "pw1001", "agent_answer.xml")
	// The supervisor's phone echoes what it hears, so in whisper and barge modes it
	// "speaks" back into the call.
	monitor := r.agentPhone("1099", "pw1099", "agent_answer.xml")
	caller := r.caller("13800000020", "12345", 4000, sipptest.G711APcap)
	var id string
	deadline := time.Now().Add(5 * time.Second)
	for id == "" && time.Now().Before(deadline) {
		for _, c := range r.srv.LiveCalls() {
			if c.State == "talking" {
				id = c.CallID
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if id == "" {
		t.Fatal("call never connected")
	}
	if err := r.srv.Supervise(context.Background(), id, "1099", mode); err != nil {
		t.Fatal(err)
	}
	if err := r.srv.Supervise(context.Background(), id, "1099", "shout"); err == nil {
		t.Error("unknown mode accepted")
	}
	time.Sleep(800 * time.Millisecond)
	var heard int64
	r.srv.mu.Lock()
	for _, l := range r.srv.legs {
		if l.ext == "1099" {
			_, heard = l.rtp.Packets()
		}
	}
	c := r.srv.calls[id]
	r.srv.mu.Unlock()
	if heard < 20 {
		t.Errorf("supervisor got %d packets in 800 ms", heard)
	}
	c.mu.Lock()
	toAgent, toCaller := c.supAgent, c.supCaller
	c.mu.Unlock()
	switch mode {
	case Listen:
		if toAgent != nil || toCaller != nil {
			t.Error("a listener is heard")
		}
	case Whisper:
		if toAgent == nil || toAgent.Taken() == 0 || toCaller != nil {
			t.Errorf("whisper: agent hears %v, caller hears %v", toAgent, toCaller)
		}
	case Barge:
		if toAgent == nil || toAgent.Taken() == 0 || toCaller == nil || toCaller.Taken() == 0 {
			t.Errorf("barge: agent hears %v, caller hears %v", toAgent, toCaller)
		}
	}
	caller.Wait(t, 10*time.Second)
	agent.Wait(t, 5*time.Second)
	monitor.Wait(t, 5*time.Second) // hung up with the call
	if cdr := r.cdrs.next(t, 5*time.Second); cdr.Agent != "1001" {
		t.Fatalf("cdr %+v", cdr)
	}
	if !strings.Contains(fmt.Sprint(r.events.types()), string(EvSupervise)) {
		t.Error("no call.supervised event")
	}
}

func TestSIPTransferToAnotherAgent(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	first := r.agentPhone("1001", "pw1001", "agent_answer.xml")
	second := r.agentPhone("1002", "pw1002", "agent_answer.xml")
	caller := r.caller("13800000021", "12345", 5000, sipptest.G711APcap)
	var id string
	deadline := time.Now().Add(5 * time.Second)
	for id == "" && time.Now().Before(deadline) {
		for _, c := range r.srv.LiveCalls() {
			if c.State == "talking" && c.Agent == "1001" {
				id = c.CallID
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if id == "" {
		t.Fatal("call never reached 1001")
	}
	time.Sleep(time.Second)
	if err := r.srv.Transfer(id, "1002"); err != nil {
		t.Fatal(err)
	}
	first.Wait(t, 5*time.Second) // 1001 got BYE
	caller.Wait(t, 10*time.Second)
	second.Wait(t, 5*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Agent != "1002" || fmt.Sprint(cdr.Transfers) != "[1001]" || cdr.HangupSide != "caller" {
		t.Fatalf("cdr %+v", cdr)
	}
	dur, _ := wavDuration(t, filepath.Join(r.data, cdr.RecordingPath))
	if talk := cdr.End.Sub(cdr.Answered); dur < talk-300*time.Millisecond || dur > talk+300*time.Millisecond {
		t.Errorf("one recording across the transfer: %s for %s", dur, talk)
	}
	r.waitAgent("1002", acd.Ready)
	for _, a := range r.srv.Agents() {
		if a.CallsTaken != 1 {
			t.Errorf("%s took %d calls, want 1 each", a.Ext, a.CallsTaken)
		}
	}
	if err := r.srv.Transfer(id, "1001"); !errors.Is(err, ErrNoSuchCall) {
		t.Errorf("transfer of an ended call: %v", err)
	}
}

func TestSIPAgentTransfersByREFER(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	uasPort := sipptest.FreePort(t)
	first := r.sipp("agent refers", "-sf", "agent_refers.xml", "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(sipptest.FreePort(t)), "-rtp_echo",
		"-m", "1", "-key", "target", "1002")
	r.sipp("register 1001", r.addr, "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-s", "1001",
		"-au", "1001", "-ap", "pw1001", "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1").Wait(t, 10*time.Second)
	second := r.agentPhone("1002", "pw1002", "agent_answer.xml")
	r.waitAgent("1001", acd.Ready)
	caller := r.caller("13800000022", "12345", 4000, sipptest.G711APcap)
	first.Wait(t, 10*time.Second)
	caller.Wait(t, 10*time.Second)
	second.Wait(t, 5*time.Second)
	if cdr := r.cdrs.next(t, 5*time.Second); cdr.Agent != "1002" || fmt.Sprint(cdr.Transfers) != "[1001]" {
		t.Fatalf("cdr %+v", cdr)
	}
}

func TestSIPCallBackThroughTrunk(t *testing.T) {
	t.Parallel()
	gwPort := sipptest.FreePort(t)
	r := newRig(t, func(c *Config, _ *Ports, _ *StaticPlan) { c.Trunk = fmt.Sprintf("sip:127.0.0.1:%d", gwPort) })
	// The phone network: a gateway where the citizen answers and speaks.
	gateway := r.sipp("gateway", "-sf", "citizen_answers.xml", "-p", fmt.Sprint(gwPort), "-mp", fmt.Sprint(sipptest.FreePort(t)),
		"-key", "pcap", sipptest.G711APcap, "-m", "1")
	agent := r.agentPhone("1001", "pw1001", "agent_answer.xml")
	if _, err := r.srv.CallBack("1001", "138-bad"); err == nil {
		t.Error("bad number accepted")
	}
	if _, err := r.srv.CallBack("9999", "13800000023"); !errors.Is(err, acd.ErrUnknownAgent) {
		t.Errorf("unknown agent: %v", err)
	}
	id, err := r.srv.CallBack("1001", "13800000023")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	talking := false
	for !talking && time.Now().Before(deadline) {
		for _, c := range r.srv.LiveCalls() {
			talking = talking || (c.CallID == id && c.State == "talking")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !talking {
		t.Fatalf("call-back never connected: %+v", r.srv.LiveCalls())
	}
	time.Sleep(1500 * time.Millisecond)
	if err := r.srv.Hangup(id); err != nil {
		t.Fatal(err)
	}
	gateway.Wait(t, 5*time.Second)
	agent.Wait(t, 5*time.Second)
	cdr := r.cdrs.next(t, 5*time.Second)
	if cdr.Direction != "outbound" || cdr.Called != "13800000023" || cdr.Caller != "12345" || cdr.Agent != "1001" ||
		cdr.HangupReason != "forced" || cdr.RecordingPath == "" {
		t.Fatalf("cdr %+v", cdr)
	}
	if _, rms := wavDuration(t, filepath.Join(r.data, cdr.RecordingPath)); rms < 300 {
		t.Errorf("call-back recording silent (rms %.0f)", rms)
	}
	r.waitAgent("1001", acd.Ready) // wrap-up over
	if a := r.srv.Agents()[0]; a.CallsTaken != 1 {
		t.Errorf("call-back not counted: %+v", a.Agent)
	}
}

func TestCallBackNeedsATrunk(t *testing.T) {
	srv, err := New(Config{DataDir: t.TempDir()}, Ports{CDR: newMemCDR(), Agents: &memAgents{}, Plan: DefaultPlan()}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CallBack("1001", "13800000000"); !errors.Is(err, ErrNoTrunk) {
		t.Fatalf("%v", err)
	}
}
