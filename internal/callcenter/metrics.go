package callcenter

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotline-dev/hotline/internal/acd"
)

// Prometheus metrics of the call centre. Counters grow as CDRs are written; gauges are
// read from the live state at scrape time, so nothing can drift.
type metrics struct {
	calls *prometheus.CounterVec
	wait  prometheus.Histogram
	talk  prometheus.Histogram
}

func newMetrics() *metrics {
	return &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_calls_total", Help: "Calls ended, by hotline number dialled and outcome.",
		}, []string{"number", "outcome"}),
		wait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "hotline_queue_wait_seconds", Help: "Time answered callers waited in queue (ASA).",
			Buckets: []float64{5, 10, 20, 30, 60, 120, 300},
		}),
		talk: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "hotline_talk_seconds", Help: "Talk time of answered calls (AHT without wrap-up).",
			Buckets: []float64{30, 60, 120, 180, 300, 600, 1200},
		}),
	}
}

// outcome sorts a CDR into one label value.
func outcome(c CDR) string {
	switch {
	case c.Blocked:
		return "blocked"
	case c.HangupReason == "unknown-number":
		return "unknown-number"
	case c.Abandoned:
		return "abandoned"
	case c.Agent != "":
		return "answered"
	case c.VoicemailPath != "":
		return "voicemail"
	}
	return "self-service" // ended in the IVR or a notice
}

func (m *metrics) observe(c CDR, known bool) {
	number := c.Called
	if !known {
		number = "other" // keep label values bounded whatever is dialled
	}
	m.calls.WithLabelValues(number, outcome(c)).Inc()
	if c.Agent != "" {
		m.wait.Observe(c.Wait.Seconds())
		m.talk.Observe(float64(c.TalkSeconds))
	}
}

var (
	descActive  = prometheus.NewDesc("hotline_calls_active", "Calls in progress.", nil, nil)
	descWaiting = prometheus.NewDesc("hotline_queue_waiting", "Callers waiting in a queue.", []string{"queue"}, nil)
	descLongest = prometheus.NewDesc("hotline_queue_longest_wait_seconds", "Longest current wait in a queue.", []string{"queue"}, nil)
	descAgents  = prometheus.NewDesc("hotline_agents", "Agents by state.", []string{"state"}, nil)
	descSpool   = prometheus.NewDesc("hotline_cdr_spool_pending", "CDRs waiting on disk for the database.", nil, nil)
	agentStates = []acd.AgentState{acd.SignedOut, acd.Ready, acd.NotReady, acd.Ringing, acd.Busy, acd.WrapUp}
)

// Collector returns the call centre's metrics for the HTTP server's /metrics registry.
func (s *Server) Collector() prometheus.Collector { return collector{s} }

type collector struct{ s *Server }

func (c collector) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(c, ch) }

func (c collector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	s.metrics.calls.Collect(ch)
	s.metrics.wait.Collect(ch)
	s.metrics.talk.Collect(ch)
	s.mu.Lock()
	active := len(s.calls)
	s.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(descActive, prometheus.GaugeValue, float64(active))
	for _, q := range s.Queues() {
		ch <- prometheus.MustNewConstMetric(descWaiting, prometheus.GaugeValue, float64(q.Waiting), q.Name)
		ch <- prometheus.MustNewConstMetric(descLongest, prometheus.GaugeValue, q.LongestWait.Seconds(), q.Name)
	}
	count := map[acd.AgentState]int{}
	s.mu.Lock()
	for _, a := range s.center.Agents() {
		count[a.State]++
	}
	s.mu.Unlock()
	for _, st := range agentStates {
		ch <- prometheus.MustNewConstMetric(descAgents, prometheus.GaugeValue, float64(count[st]), st.String())
	}
	ch <- prometheus.MustNewConstMetric(descSpool, prometheus.GaugeValue, float64(s.spool.Pending()))
}
