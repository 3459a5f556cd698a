package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/loadtest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

const benchHelp = `Usage: hotline bench <subcommand> [flags]

Subcommands:
  seed        fill a database with a year of realistic tickets, fast
  http        create tickets over HTTP from many clients: throughput and latency
  list        time typical list/filter queries: latency p50/p95
  rawinsert   the database's own insert rate (one row per transaction, many clients)

'make bench' runs them all on SQLite and PostgreSQL. Run 'hotline bench <subcommand> --help'
for its flags.
`

func runBench(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "bench", args, map[string]func(context.Context, *env, []string) error{
		"seed": runBenchSeed, "http": runBenchHTTP, "list": runBenchList, "rawinsert": runBenchRaw,
	}, benchHelp)
}

func runBenchSeed(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("bench seed", "bench seed --tickets N [flags]", `
Fill the database (migrating it first) with N tickets spread over the past year, with their
events and callers: states, channels, request types, categories, departments and regions in
realistic proportions. Rows are written many per statement, --batch per transaction. An
empty database first receives the demo organisation; into empty ticket tables the secondary
indexes are dropped for the load and built once after it.`)
	var d dbFlags
	d.register(fs)
	n := fs.Int("tickets", 100000, "number of tickets")
	batch := fs.Int("batch", 5000, "tickets per transaction")
	seed := fs.Uint64("seed", 1, "random seed (same seed and count, same tickets)")
	index := fs.Bool("index", false, "write the search words with the tickets (loads the segmenter; no search reindex needed after)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *n <= 0 || *batch <= 0 {
		return usagef("--tickets and --batch must be positive")
	}
	st, err := d.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := loadtest.SeedOptions{Tickets: *n, Batch: *batch, Seed: *seed, Progress: e.stderr}
	if *index {
		if opt.Tokens, err = kb.SeedTokens(); err != nil {
			return err
		}
	}
	res, err := loadtest.Seed(ctx, st, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "seed (%s): %d tickets, %d events, %d citizens in %.1fs: %.0f tickets/s\n",
		st.Driver(), res.Tickets, res.Events, res.Citizens, res.Elapsed.Seconds(), res.PerSecond)
	if res.IndexBuild > 0 {
		fmt.Fprintf(e.stdout, "  (into empty tables: secondary indexes dropped for the load and built after it in %.1fs)\n",
			res.IndexBuild.Seconds())
	}
	if st.Driver() == "postgres" {
		fmt.Fprintf(e.stdout, "  (planner statistics gathered in %.1fs)\n", res.Analyze.Seconds())
	}
	var parts []string
	for _, s := range ticket.States {
		parts = append(parts, fmt.Sprintf("%s %d", s, res.States[s]))
	}
	fmt.Fprintf(e.stdout, "  by state: %v\n", parts)
	return nil
}

func runBenchHTTP(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("bench http", "bench http --url URL --token T [--clients 32] [--duration 20s] [--against DSN] [--rounds 1] [--get PATH]", `
Create tickets over HTTP (POST /api/v1/tickets) from --clients concurrent clients for
--duration and print the throughput and the latency percentiles. The token is an API key
with a role that may register tickets (hotline apikey create --name bench --role agent).
With --against DSN each creation run is followed by the database's raw insert rate
(bench rawinsert, as long and with as many clients, once the server's search indexer has
written the words it left for later) and the ratio of the two; --rounds N
alternates them N times and prints the median ratio, as one pair on a noisy machine says
little. With --get PATH the clients read PATH instead (e.g. /api/v1/auth/me: a request that
writes nothing), which shows what the server and this client manage on the same cores.`)
	url := fs.String("url", "http://127.0.0.1:8080", "base URL of a running hotline serve")
	token := fs.String("token", "", "API key (bearer token)")
	clients := fs.Int("clients", 32, "concurrent clients")
	duration := fs.Duration("duration", 20*time.Second, "how long to run")
	get := fs.String("get", "", "read this path instead of creating tickets, e.g. /api/v1/auth/me")
	against := fs.String("against", "", "database to measure the raw insert rate on after each creation run (the server's --db)")
	rounds := fs.Int("rounds", 1, "creation runs (each followed by a raw insert run with --against)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	tuneGC(ctx)
	if *token == "" {
		return usagef("--token is required")
	}
	if *clients <= 0 || *duration <= 0 || *rounds <= 0 {
		return usagef("--clients, --duration and --rounds must be positive")
	}
	if *get != "" && (*against != "" || *rounds != 1) {
		return usagef("--get reads: it takes neither --against nor --rounds")
	}
	opt := loadtest.HTTPOptions{URL: *url, Token: *token, Clients: *clients, Duration: *duration}
	if *get != "" {
		if !strings.HasPrefix(*get, "/") {
			return usagef("--get %q: a path starting with /", *get)
		}
		res, err := loadtest.GetOverHTTP(ctx, opt, *get)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "http get %s: %d clients, %d requests in %.1fs: %.0f requests/s; latency p50 %s p95 %s p99 %s; %d errors\n",
			*get, *clients, res.OK, res.Elapsed.Seconds(), res.PerSecond(), ms(res.P50), ms(res.P95), ms(res.P99), res.Errors)
		if res.OK == 0 {
			return fmt.Errorf("no request succeeded: %s", res.FirstError)
		}
		return nil
	}
	var rates, ratios []float64
	for range *rounds {
		res, err := loadtest.CreateOverHTTP(ctx, opt)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "http create: %d clients, %d tickets in %.1fs: %.0f tickets/s; latency p50 %s p95 %s p99 %s; %d errors\n",
			*clients, res.OK, res.Elapsed.Seconds(), res.PerSecond(), ms(res.P50), ms(res.P95), ms(res.P99), res.Errors)
		if res.Errors > 0 {
			fmt.Fprintf(e.stdout, "  first error: %s\n", res.FirstError)
		}
		if res.OK == 0 {
			return fmt.Errorf("no ticket was created")
		}
		rates = append(rates, res.PerSecond())
		if *against == "" {
			continue
		}
		if first, left, waited, err := loadtest.SettleIndexer(ctx, *url, 10*time.Minute); err != nil {
			return err
		} else if first > 0 {
			fmt.Fprintf(e.stdout, "  %d tickets waited for their search words; %.1fs later %d still did\n", first, waited.Seconds(), left)
		}
		raw, err := loadtest.RawInsert(ctx, *against, *clients, *duration)
		if err != nil {
			return err
		}
		ratios = append(ratios, res.PerSecond()/raw.PerSecond())
		fmt.Fprintf(e.stdout, "  then raw insert (%s): %.0f rows/s; creation ÷ raw = %.3f\n", raw.Driver, raw.PerSecond(), ratios[len(ratios)-1])
	}
	if *rounds > 1 {
		fmt.Fprintf(e.stdout, "median of %d rounds: %.0f tickets/s", *rounds, median(rates))
		if len(ratios) > 0 {
			fmt.Fprintf(e.stdout, ", creation ÷ raw %.3f (lowest %.3f, highest %.3f)", median(ratios), slices.Min(ratios), slices.Max(ratios))
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

// median of xs (the mean of the middle two when their count is even).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func runBenchList(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("bench list", "bench list (--url URL --token T | --db DSN) [--rounds 30]", `
Time typical ticket list queries (the newest page, by state, by department, by category,
by region, overdue, a date range, a phone number, a word in the text, the second page)
and print p50 and p95 for each (a query stops early, after at least 5 runs, once it has
taken 10 seconds). With --url the queries go through the API, as the web app
sends them; without, straight to the database with --db.`)
	var d dbFlags
	d.register(fs)
	url := fs.String("url", "", "base URL of a running hotline serve (empty: query the database directly)")
	token := fs.String("token", "", "API key (bearer token), with --url")
	rounds := fs.Int("rounds", 30, "times each query runs")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *url != "" && *token == "" {
		return usagef("--token is required with --url")
	}
	if *rounds <= 0 {
		return usagef("--rounds must be positive")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	results, err := loadtest.List(ctx, st, loadtest.ListOptions{URL: *url, Token: *token, Rounds: *rounds})
	if err != nil {
		return err
	}
	via := "database"
	if *url != "" {
		via = "HTTP API"
	}
	n, _ := st.CountTickets(ctx)
	fmt.Fprintf(e.stdout, "list latency via %s (%s, %d tickets, %d rounds):\n", via, st.Driver(), n, *rounds)
	worst := time.Duration(0)
	for _, r := range results {
		fmt.Fprintf(e.stdout, "  %-26s p50 %9s  p95 %9s  (%d rows, %d runs)\n", r.Name, ms(r.P50), ms(r.P95), r.Rows, r.Runs)
		worst = max(worst, r.P95)
	}
	fmt.Fprintf(e.stdout, "  worst p95: %s\n", ms(worst))
	return nil
}

func runBenchRaw(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("bench rawinsert", "bench rawinsert --db DSN [--clients 32] [--duration 10s]", `
Measure the database's own insert rate, the reference for ticket creation: plain INSERTs
of a ticket-sized row into a scratch table (bench_raw, dropped afterwards), one row per
transaction, from --clients goroutines. SQLite is opened as the store opens it (WAL,
synchronous=FULL, one writer connection); PostgreSQL with a pool of --clients connections.`)
	var d dbFlags
	d.register(fs)
	clients := fs.Int("clients", 32, "concurrent writers")
	duration := fs.Duration("duration", 10*time.Second, "how long to run")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	tuneGC(ctx)
	if *clients <= 0 || *duration <= 0 {
		return usagef("--clients and --duration must be positive")
	}
	res, err := loadtest.RawInsert(ctx, d.dsn(), *clients, *duration)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "raw insert (%s): %d clients, %d rows in %.1fs: %.0f rows/s; latency p50 %s p99 %s\n",
		res.Driver, *clients, res.OK, res.Elapsed.Seconds(), res.PerSecond(), ms(res.P50), ms(res.P99))
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
