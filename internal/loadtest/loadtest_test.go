package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/httpapi"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

func TestSeed(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			indexes := func() int {
				q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('tickets', 'ticket_events')`
				if b.Name == "postgres" {
					q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('tickets', 'ticket_events')`
				}
				var n int
				if err := st.DB().QueryRow(q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			// PostgreSQL's planner statistics of the loaded tables (pg_stats reads the catalogue,
			// so it shows them as soon as ANALYZE commits); SQLite gathers none.
			stats := func() int {
				q := `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`
				if b.Name == "postgres" {
					q = `SELECT COUNT(DISTINCT tablename) FROM pg_stats WHERE schemaname = current_schema()
						AND tablename IN ('tickets', 'ticket_events', 'citizens')`
				}
				var n int
				if err := st.DB().QueryRow(q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := indexes()
			if n := stats(); n != 0 {
				t.Fatalf("statistics before the seed: %d", n)
			}
			res, err := Seed(ctx, st, SeedOptions{Tickets: 3000, Batch: 700, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if want, n := map[string]int{"postgres": 3}[b.Name], stats(); n != want {
				t.Errorf("tables with planner statistics after the seed: %d, want %d", n, want)
			}
			if n, _ := st.CountTickets(ctx); n != 3000 || res.Tickets != 3000 {
				t.Fatalf("count %d, result %d", n, res.Tickets)
			}
			// The indexes dropped for the load into empty tables are all back.
			if after := indexes(); after != before || before < 10 || res.IndexBuild == 0 {
				t.Errorf("indexes before %d, after %d (build %v)", before, after, res.IndexBuild)
			}
			if res.States[ticket.Closed] < 2000 || res.States[ticket.Processing] == 0 || res.Citizens == 0 {
				t.Errorf("states %v, citizens %d", res.States, res.Citizens)
			}
			page, err := st.ListTickets(ctx, store.TicketFilter{Limit: 5})
			if err != nil || len(page.Tickets) != 5 {
				t.Fatalf("list: %v", err)
			}
			evs, err := st.TicketEvents(ctx, page.Tickets[0].ID)
			if err != nil || len(evs) == 0 || evs[0].Action != ticket.ActRegister {
				t.Errorf("events %v %v", evs, err)
			}
			// A second seed adds to the first, and a ticket registered afterwards gets a fresh
			// number of its day: the seeded numbers moved the day's counter on.
			if _, err := Seed(ctx, st, SeedOptions{Tickets: 500, Seed: 1}); err != nil { // the same seed again
				t.Fatal(err)
			}
			svc := workorder.New(st, t.TempDir(), nil)
			newest, _ := st.ListTickets(ctx, store.TicketFilter{Limit: 1})
			svc.Now = func() time.Time { return newest.Tickets[0].CreatedAt }
			p := access.Principal{UserID: "u", Username: "agent", Role: access.Agent}
			tk, err := svc.Register(ctx, p, &ticket.Ticket{Subject: "路灯不亮", Phone: "13800001111"}, "")
			if err != nil {
				t.Fatalf("register after seeding: %v", err)
			}
			if tk.Number <= newest.Tickets[0].Number {
				t.Errorf("new number %s not after the seeded %s", tk.Number, newest.Tickets[0].Number)
			}
		})
	}
}

func TestHTTPAndListAndRaw(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	if _, err := Seed(ctx, st, SeedOptions{Tickets: 1000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	acc := account.New(st, nil)
	secret, _, err := acc.CreateAPIKey(ctx, "test", "bench", "agent", "")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{Service: workorder.New(st, t.TempDir(), nil), Accounts: acc, Store: st}))
	defer srv.Close()

	before, err := st.CountTickets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := CreateOverHTTP(ctx, HTTPOptions{URL: srv.URL, Token: secret, Clients: 4, Duration: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK == 0 || res.Errors != 0 || res.P50 <= 0 || res.P99 < res.P50 {
		t.Errorf("http: %+v", res)
	}
	// Every creation counted is a ticket stored (plus the one sent first to check the URL).
	if after, err := st.CountTickets(ctx); err != nil || after-before != res.OK+1 {
		t.Errorf("%d creations counted, %d tickets stored (%v)", res.OK, after-before-1, err)
	}
	if _, err := CreateOverHTTP(ctx, HTTPOptions{URL: srv.URL, Token: "wrong", Clients: 1, Duration: time.Second}); err == nil {
		t.Error("a wrong token was not reported")
	}

	got, err := GetOverHTTP(ctx, HTTPOptions{URL: srv.URL, Token: secret, Clients: 4, Duration: 300 * time.Millisecond}, "/api/v1/auth/me")
	if err != nil || got.OK == 0 || got.Errors != 0 {
		t.Errorf("get: %+v %v", got, err)
	}
	if _, err := GetOverHTTP(ctx, HTTPOptions{URL: srv.URL, Token: "wrong", Clients: 1, Duration: time.Second}, "/api/v1/auth/me"); err == nil {
		t.Error("get: a wrong token was not reported")
	}

	for _, url := range []string{"", srv.URL} {
		results, err := List(ctx, st, ListOptions{URL: url, Token: secret, Rounds: 2})
		if err != nil {
			t.Fatalf("list via %q: %v", url, err)
		}
		for _, r := range results {
			if r.P95 <= 0 {
				t.Errorf("%s: %+v", r.Name, r)
			}
			if r.Name == "newest" && r.Rows != 50 {
				t.Errorf("newest page has %d rows", r.Rows)
			}
		}
	}

	raw, err := RawInsert(ctx, t.TempDir()+"/raw.db", 4, 300*time.Millisecond)
	if err != nil || raw.OK == 0 || raw.Driver != "sqlite" {
		t.Errorf("raw: %+v %v", raw, err)
	}
}

func TestPercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	if p := pct(lat, 50); p != 50*time.Millisecond {
		t.Errorf("p50 = %v", p)
	}
	if p := pct(lat, 99); p != 99*time.Millisecond {
		t.Errorf("p99 = %v", p)
	}
	if pct(nil, 50) != 0 {
		t.Error("empty")
	}
}

// BenchmarkCreateOverHTTP profiles ticket creation in one process:
// go test -run '^$' -bench CreateOverHTTP -cpuprofile cpu.out ./internal/loadtest
func BenchmarkCreateOverHTTP(b *testing.B) {
	ctx := context.Background()
	st := storetest.SQLite(b)
	if _, err := Seed(ctx, st, SeedOptions{Tickets: 1000, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	acc := account.New(st, nil)
	secret, _, err := acc.CreateAPIKey(ctx, "test", "bench", "agent", "")
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{Service: workorder.New(st, b.TempDir(), nil), Accounts: acc, Store: st}))
	defer srv.Close()
	b.ResetTimer()
	res, err := CreateOverHTTP(ctx, HTTPOptions{URL: srv.URL, Token: secret, Clients: 32, Duration: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.PerSecond(), "tickets/s")
}

// SettleIndexer waits while the server's backlog of tickets without search words falls, and
// no longer than that: it stops at zero, once the count has stood still for a while (no
// search has loaded the segmenter), or at its limit; a server without the gauge is an error.
func TestSettleIndexer(t *testing.T) {
	var mu sync.Mutex
	counts := []int{300, 300, 200, 50, 0}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		n := counts[0]
		if len(counts) > 1 {
			counts = counts[1:]
		}
		fmt.Fprintf(w, "# HELP hotline_search_pending_tickets x\nhotline_search_pending_tickets %d\nother_metric 1\n", n)
	}))
	defer srv.Close()
	ctx := context.Background()
	first, left, waited, err := SettleIndexer(ctx, srv.URL, time.Minute)
	if err != nil || first != 300 || left != 0 || waited < 4*time.Second || waited > 8*time.Second {
		t.Errorf("falling backlog: first %d left %d after %s, %v; want 300, 0 after about 4s", first, left, waited, err)
	}

	mu.Lock()
	counts = []int{120}
	mu.Unlock()
	first, left, waited, err = SettleIndexer(ctx, srv.URL, time.Minute)
	if err != nil || first != 120 || left != 120 || waited < settleQuiet || waited > settleQuiet+3*time.Second {
		t.Errorf("standing backlog: first %d left %d after %s, %v; want 120 left after %s", first, left, waited, err, settleQuiet)
	}
	first, left, waited, err = SettleIndexer(ctx, srv.URL, 1500*time.Millisecond)
	if err != nil || left != 120 || waited > 3*time.Second {
		t.Errorf("limit: left %d after %s, %v", left, waited, err)
	}

	if _, _, _, err := SettleIndexer(ctx, srv.URL+"/elsewhere", time.Minute); err == nil {
		t.Error("no gauge: no error")
	}
}
