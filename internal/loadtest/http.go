package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/demo"
)

// Result is a run of many timed operations.
type Result struct {
	OK, Errors    int
	FirstError    string
	Elapsed       time.Duration
	P50, P95, P99 time.Duration
	Driver        string
}

// PerSecond is the rate of successful operations.
func (r *Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// percentiles fills P50/P95/P99 from the latencies (sorted in place).
func (r *Result) percentiles(lat []time.Duration) {
	r.P50, r.P95, r.P99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
}

func pct(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	i := (len(lat)*p + 99) / 100
	return lat[min(max(i-1, 0), len(lat)-1)]
}

// HTTPOptions tune CreateOverHTTP.
type HTTPOptions struct {
	URL      string
	Token    string
	Clients  int
	Duration time.Duration
}

// CreateOverHTTP registers tickets through POST /api/v1/tickets from opt.Clients clients at
// once for opt.Duration, each on its own keep-alive connection (wire) and sending its next
// request as soon as the last is answered.
func CreateOverHTTP(ctx context.Context, opt HTTPOptions) (*Result, error) {
	const path = "/api/v1/tickets"
	wires, err := newWires(opt.URL, opt.Clients)
	if err != nil {
		return nil, err
	}
	defer closeWires(wires)
	// One request first: a wrong URL or token fails at once with a clear message.
	body, _ := json.Marshal(ticketBody(mrand.New(mrand.NewPCG(0, 0))))
	if err := wires[0].do(ctx, http.MethodPost, path, opt.Token, body, http.StatusCreated); err != nil {
		return nil, err
	}
	rngs := make([]*mrand.Rand, opt.Clients)
	for c := range rngs {
		rngs[c] = mrand.New(mrand.NewPCG(uint64(c), 11))
	}
	res := closedLoop(ctx, opt.Clients, opt.Duration, func(c, _ int) error {
		body, _ := json.Marshal(ticketBody(rngs[c]))
		return wires[c].do(ctx, http.MethodPost, path, opt.Token, body, http.StatusCreated)
	})
	return res, ctx.Err()
}

// GetOverHTTP reads path (e.g. /api/v1/auth/me) from opt.Clients clients in a closed loop
// for opt.Duration: what the server and this client manage for a request that writes
// nothing, on the same cores, to set the creation rate beside.
func GetOverHTTP(ctx context.Context, opt HTTPOptions, path string) (*Result, error) {
	wires, err := newWires(opt.URL, opt.Clients)
	if err != nil {
		return nil, err
	}
	defer closeWires(wires)
	get := func(c int) error {
		return wires[c].do(ctx, http.MethodGet, path, opt.Token, nil, http.StatusOK)
	}
	if err := get(0); err != nil {
		return nil, err
	}
	return closedLoop(ctx, opt.Clients, opt.Duration, func(c, _ int) error { return get(c) }), ctx.Err()
}

// closedLoop runs op from clients goroutines at once until d has passed, each starting its
// next operation as soon as the last returns, and times the ones that succeed. op gets the
// client's number and the count of its operations so far.
func closedLoop(ctx context.Context, clients int, d time.Duration, op func(client, i int) error) *Result {
	var mu sync.Mutex
	res := &Result{}
	var lat []time.Duration
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var mine []time.Duration
			ok, bad, first := 0, 0, ""
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				t0 := time.Now()
				if err := op(c, i); err != nil {
					bad++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				mine = append(mine, time.Since(t0))
				ok++
			}
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, mine...)
			res.OK += ok
			res.Errors += bad
			if res.FirstError == "" {
				res.FirstError = first
			}
		}(c)
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.percentiles(lat)
	return res
}

var streets = []string{"人民路", "解放路", "五一大道", "芙蓉路", "韶山路", "劳动路", "八一路", "湘江大道"}

// newTicket is a registration as an agent's form sends it: a real message, a caller, a
// point in the city (the server finds the region). A struct, not a map: the load generator
// shares the server's two cores, and encoding a map costs it several times more.
type newTicket struct {
	Urgency     string  `json:"urgency"`
	Channel     string  `json:"channel"`
	RequestType string  `json:"request_type"`
	Subject     string  `json:"subject"`
	Description string  `json:"description"`
	Phone       string  `json:"phone"`
	CitizenName string  `json:"citizen_name"`
	Address     string  `json:"address"`
	Lat         float64 `json:"lat"`
	Lng         float64 `json:"lng"`
}

var requestTypes = []string{"consult", "complaint", "help", "report", "suggestion"}

func ticketBody(r *mrand.Rand) newTicket {
	msgs := demo.Messages()
	m := msgs[r.IntN(len(msgs))]
	urgency := "normal" // as the seed: 2 % urgent, 6 % expedited
	if n := r.IntN(100); n < 2 {
		urgency = "urgent"
	} else if n < 8 {
		urgency = "expedited"
	}
	return newTicket{
		Urgency:     urgency,
		Channel:     "phone",
		RequestType: requestTypes[r.IntN(len(requestTypes))],
		Subject:     truncate(m.Subject, 200),
		Description: truncate(m.Text, 300),
		Phone:       fmt.Sprintf("171%08d", r.IntN(100000000)),
		CitizenName: "压测市民",
		Address:     fmt.Sprintf("A市%s%d号", streets[r.IntN(len(streets))], 1+r.IntN(300)),
		Lat:         28.10 + r.Float64()*0.24,
		Lng:         112.80 + r.Float64()*0.30,
	}
}

// do sends req and returns the answer's body, or an error when the status is not want.
func do(c *http.Client, req *http.Request, want int) ([]byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != want {
		err = fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, truncate(strings.TrimSpace(string(b)), 200))
	}
	return b, err
}

// SettleIndexer waits, for at most limit, while the server at base is writing the search
// words of tickets registered during a burst (the gauge hotline_search_pending_tickets on
// /metrics falling), so that a measurement after a creation run has the machine to itself.
// It returns as soon as nothing is pending or the count has stopped falling for
// settleQuiet (before any search the server indexes nothing), and reports how many were
// pending at first and at the end.
func SettleIndexer(ctx context.Context, base string, limit time.Duration) (first, pending int, waited time.Duration, err error) {
	start := time.Now()
	first, last := -1, -1
	var since time.Time // when the count last fell
	for {
		n, err := pendingTickets(ctx, strings.TrimRight(base, "/")+"/metrics")
		if err != nil {
			return first, 0, time.Since(start), err
		}
		if first < 0 {
			first = n
		}
		if n != last {
			last, since = n, time.Now()
		}
		if n == 0 || time.Since(since) >= settleQuiet || time.Since(start) >= limit {
			return first, n, time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return first, n, time.Since(start), ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// settleQuiet is how long the backlog must stay unchanged to count as settled: several of
// the indexer's one-second rounds (kb.IndexerEvery), as a poll can fall just before one.
const settleQuiet = 3500 * time.Millisecond

func pendingTickets(ctx context.Context, metricsURL string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "hotline_search_pending_tickets "); ok {
			var n float64
			if _, err := fmt.Sscan(v, &n); err != nil {
				return 0, fmt.Errorf("%s: %q: %w", metricsURL, line, err)
			}
			return int(n), nil
		}
	}
	return 0, fmt.Errorf("%s has no hotline_search_pending_tickets", metricsURL)
}
