package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	created  *prometheus.CounterVec
	handler  http.Handler
}

func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

func newMetrics(reg *prometheus.Registry, st *store.Store) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hotline_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern, method and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method", "code"}),
		created: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotline_tickets_created_total",
			Help: "Tickets registered through HTTP (API and Open311), by channel.",
		}, []string{"channel"}),
		handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
	}
	reg.MustRegister(m.requests, m.latency, m.created)
	if st != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "hotline_search_pending_tickets",
			Help: "Tickets waiting for their search words: the search indexer's backlog after a burst of registrations.",
		}, func() float64 {
			// A count on the pending tickets' own index, at scrape time.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := st.CountPendingIndex(ctx)
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}))
	}
	return m
}

func (m *metrics) ticketCreated(channel string) { m.created.WithLabelValues(channel).Inc() }

// observe records each request: metrics by route pattern (never by raw path, which would
// make one series per ticket), one structured log line, and a 500 instead of a crash on panic.
func (a *api) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := requestID(r.Header.Get("X-Request-ID"))
		w.Header().Set("X-Request-ID", rid)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.Error("panic serving request", "method", r.Method, "path", logPath(r), "panic", v, "request_id", rid,
					"stack", string(debug.Stack()))
				if !rec.wrote {
					writeJSON(rec, http.StatusInternalServerError, errorBody{Error: "internal error; it has been logged"})
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			code := strconv.Itoa(rec.status)
			a.metrics.requests.WithLabelValues(route, r.Method, code).Inc()
			a.metrics.latency.WithLabelValues(route, r.Method, code).Observe(d.Seconds())
			level := slog.LevelInfo
			switch {
			case route == "GET /healthz" || route == "GET /metrics":
				level = slog.LevelDebug // polled every few seconds; a 503 while starting is expected
			case rec.status == http.StatusServiceUnavailable:
				level = slog.LevelWarn
			case rec.status >= 500:
				level = slog.LevelError
			}
			// Checked first: the line's attributes cost allocations even when it is dropped.
			// The query string is left out: it can carry phone numbers.
			if a.log.Enabled(r.Context(), level) {
				a.log.Log(r.Context(), level, "http", "method", r.Method, "path", logPath(r), "route", route,
					"status", rec.status, "bytes", rec.bytes, "ms", d.Milliseconds(), "user", rec.user, "ip", clientIP(r),
					"request_id", rid)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder remembers the status and size of the answer, and who asked (set by authenticate).
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
	user   string
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// requestID keeps the caller's X-Request-ID when it is short and plain (a proxy's id ties
// its log to ours), else makes one.
func requestID(in string) string {
	if len(in) > 0 && len(in) <= 64 {
		ok := true
		for _, c := range in {
			ok = ok && (c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
		}
		if ok {
			return in
		}
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// logPath is the request path as logs may keep it: a phone number in the path (citizen
// records) is masked, like everywhere else personal data leaves the database.
func logPath(r *http.Request) string {
	if p := r.PathValue("phone"); p != "" {
		return strings.Replace(r.URL.Path, p, access.MaskPhone(p), 1)
	}
	return r.URL.Path
}
