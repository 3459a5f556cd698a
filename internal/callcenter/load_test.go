package callcenter

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/sipptest"
)

// BenchmarkSIPRecordedCalls is a short, bounded load test with real SIP and RTP: b.N
// callers (sipp, 10 new calls/s, at most 20 at once, 2 s of talk each) reach 20 agents
// seated on one sipp UAS that echoes the audio; every call is bridged and recorded.
//
//	go test ./internal/callcenter -run '^$' -bench SIPRecordedCalls -benchtime 60x
//
// HOTLINE_LOAD_RATE=N (≤ 50) changes the offered calls per second.
// Reports setups/s (answered by an agent) and the peak of concurrent recorded calls.
func BenchmarkSIPRecordedCalls(b *testing.B) {
	const agents, limit, talkMS = 20, 20, 2000
	rate := 10
	if v, err := strconv.Atoi(os.Getenv("HOTLINE_LOAD_RATE")); err == nil && v > 0 && v <= 50 {
		rate = v // bounded: the machine is shared
	}
	r := newRig(b, func(c *Config, ports *Ports, p *StaticPlan) {
		c.WrapUp = time.Millisecond
		var list []AgentInfo
		for i := range agents {
			list = append(list, AgentInfo{Ext: fmt.Sprint(2001 + i), Password: "pw", Skills: map[string]int{"12345": 1}, Order: i})
		}
		ports.Agents = &memAgents{agents: list}
		p.QueueSet[0].Strategy = acd.LongestIdle
	})
	r.cdrs.ch = make(chan CDR, b.N+10)
	uasPort, mediaPort := sipptest.FreePort(r.t), sipptest.FreePort(r.t)
	uas := r.sipp("agents", "-sf", "agent_answer.xml", "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(mediaPort), "-rtp_echo", "-timeout", "300s")
	// Every extension registers the same UAS as its phone.
	for i := range agents {
		ext := fmt.Sprint(2001 + i)
		r.sipp("register "+ext, r.addr, "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(r.t)), "-s", ext,
			"-au", ext, "-ap", "pw", "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1").Wait(r.t, 10*time.Second)
	}
	for i := range agents {
		r.waitAgent(fmt.Sprint(2001+i), acd.Ready)
	}

	peak := 0
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				n := 0
				for _, c := range r.srv.LiveCalls() {
					if c.State == "talking" {
						n++
					}
				}
				peak = max(peak, n)
			}
		}
	}()
	b.ResetTimer()
	start := time.Now()
	callers := r.sipp("callers", r.addr, "-sf", "caller.xml", "-p", fmt.Sprint(sipptest.FreePort(r.t)), "-mp", fmt.Sprint(sipptest.FreePort(r.t)),
		"-s", "12345", "-key", "caller", "13800000000", "-key", "pcap", sipptest.G711APcap, "-d", fmt.Sprint(talkMS),
		"-r", fmt.Sprint(rate), "-l", fmt.Sprint(limit), "-m", fmt.Sprint(b.N), "-timeout", "300s")
	callers.Wait(r.t, time.Duration(b.N)*time.Second+60*time.Second)
	elapsed := time.Since(start)
	b.StopTimer()
	close(stop)
	uas.Kill()

	answered := 0
	var first, last time.Time
	for range b.N {
		cdr := r.cdrs.next(r.t, 10*time.Second)
		if cdr.Agent == "" || cdr.RecordingPath == "" {
			b.Fatalf("call not bridged and recorded: %+v", cdr)
		}
		dur, _ := wavDuration(r.t, filepath.Join(r.data, cdr.RecordingPath))
		if talk := cdr.End.Sub(cdr.Answered); dur < talk-500*time.Millisecond || dur > talk+500*time.Millisecond {
			b.Errorf("recording %s for %s of talk", dur, talk)
		}
		answered++
		if first.IsZero() || cdr.Answered.Before(first) {
			first = cdr.Answered
		}
		if cdr.Answered.After(last) {
			last = cdr.Answered
		}
	}
	// Setups per second between the first and the last agent answer; the offered rate
	// (sipp -r) is the ceiling.
	if answered > 1 {
		b.ReportMetric(float64(answered-1)/last.Sub(first).Seconds(), "setups/s")
	}
	b.ReportMetric(elapsed.Seconds(), "run-s")
	b.ReportMetric(float64(peak), "peak-calls")
}
