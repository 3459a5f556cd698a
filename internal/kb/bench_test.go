package kb_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/suggest"
)

// TestSearchLatency measures search on a seeded database (hotline bench seed, then
// hotline search reindex) named by HOTLINE_SEARCH_BENCH_DB (a SQLite path or a postgres://
// URL): each query is run once to warm up, then rounds times; it prints p50/p95/p99 per
// query and over all. HOTLINE_SEARCH_WINDOW sets store.RankWindow. Skipped without the
// database variable.
func TestSearchLatency(t *testing.T) {
	dsn := os.Getenv("HOTLINE_SEARCH_BENCH_DB")
	if dsn == "" {
		t.Skip("HOTLINE_SEARCH_BENCH_DB not set")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if w := os.Getenv("HOTLINE_SEARCH_WINDOW"); w != "" { // compare rank windows
		old := store.RankWindow
		if store.RankWindow, err = strconv.Atoi(w); err != nil {
			t.Fatal(err)
		}
		defer func() { store.RankWindow = old }()
	}
	n, _ := st.CountTickets(ctx)
	p := access.Principal{UserID: "bench", Role: access.Dispatcher}
	if _, err := kb.Segmenter(); err != nil {
		t.Fatal(err)
	}
	queries := []string{"噪音", "停车", "物业", "小区", "问题", "路灯", "噪音扰民", "停车费", "物业公司 垃圾", "占道经营", "施工 噪音 夜间", "供水", "不存在的词语组合"}
	rounds := 20
	// By default each query runs 20 times in a row, the kindest order for the database's
	// cache; HOTLINE_SEARCH_INTERLEAVE=1 runs the queries in turn, so one query's pages may
	// have left the cache when it comes again, as with many agents searching different words.
	interleave := os.Getenv("HOTLINE_SEARCH_INTERLEAVE") == "1"
	res := make([]kb.SearchResult, len(queries))
	for i, q := range queries { // warm-up
		if res[i], err = kb.SearchTickets(ctx, st, p, kb.SearchQuery{Q: q}); err != nil {
			t.Fatal(err)
		}
	}
	ds := make([][]time.Duration, len(queries))
	run := func(i int) {
		start := time.Now()
		if _, err := kb.SearchTickets(ctx, st, p, kb.SearchQuery{Q: queries[i]}); err != nil {
			t.Fatal(err)
		}
		ds[i] = append(ds[i], time.Since(start))
	}
	if interleave {
		for r := 0; r < rounds; r++ {
			for i := range queries {
				run(i)
			}
		}
	} else {
		for i := range queries {
			for r := 0; r < rounds; r++ {
				run(i)
			}
		}
	}
	var all []time.Duration
	for i, q := range queries {
		all = append(all, ds[i]...)
		fmt.Printf("%-16s hits(page)=%-3d any=%-5v %s\n", q, len(res[i].Hits), res[i].Any, pct(ds[i]))
	}
	fmt.Printf("%d tickets, rank window %d, interleaved %v, %d searches: %s\n", n, store.RankWindow, interleave, len(all), pct(all))
}

func pct(ds []time.Duration) string {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return fmt.Sprintf("p50=%s p95=%s p99=%s max=%s", at(0.50).Round(time.Microsecond), at(0.95).Round(time.Microsecond),
		at(0.99).Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond))
}

// BenchmarkSuggest measures one suggestion with a model trained on the reference CSV.
func BenchmarkSuggest(b *testing.B) {
	st := openBench(b)
	ImportAndTrain(b, st)
	in := suggest.Input{Subject: "小区门口占道经营", Text: "小区门口每天晚上有很多流动摊贩占道经营，油烟噪音扰民，请城管处理。"}
	x := kb.For(st)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := x.Suggest(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
