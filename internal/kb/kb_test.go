package kb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/importer"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/suggest"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

var ctx = context.Background()

type city struct {
	st                         *store.Store
	svc                        *workorder.Service
	agent, dispatcher, handler access.Principal
}

func newCity(t *testing.T, st *store.Store) *city {
	t.Helper()
	depts := []*org.Department{
		{ID: "centre", Code: "C", Name: "热线中心", Kind: org.KindCentre},
		{ID: "a1", Code: "A1", Name: "A1区人民政府", ParentID: "centre", Kind: org.KindDistrict},
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, d := range depts {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	svc := workorder.New(st, t.TempDir(), nil)
	kb.Wire(svc)
	p := func(role access.Role, dept string) access.Principal {
		pr, err := svc.PrincipalFor(ctx, "u-"+string(role), string(role), string(role), dept, false)
		if err != nil {
			t.Fatal(err)
		}
		return pr
	}
	return &city{st: st, svc: svc, agent: p(access.Agent, ""), dispatcher: p(access.Dispatcher, ""), handler: p(access.Handler, "a1")}
}

var tickets = []struct{ subject, description, address string }{
	{"夜间施工噪音扰民", "工地每晚十一点后还在施工，噪音很大，影响休息", "幸福路8号"},
	{"小区停车费收费过高", "物业公司擅自上调停车费，每月涨了两百元", "阳光花园小区"},
	{"物业不作为", "楼道垃圾长期无人清理，物业公司不管", "东风街道和平里"},
	{"道路坑洼", "人民路与解放路交叉口路面坑洼，车辆通行困难", "人民路"},
}

var queries = []string{"噪音", "停车", "物业", "停车费", "坑洼 人民路", "物业 噪音", "和平里"}

func search(t *testing.T, c *city, p access.Principal, q string) []string {
	t.Helper()
	res, err := kb.SearchTickets(ctx, c.st, p, kb.SearchQuery{Q: q})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Ticket.Subject)
	}
	if res.Any {
		// Any-word fallback: scored alike on both databases now, but only
		// the set of hits is the same on both databases.
		sort.Strings(out)
		out = append(out, "(any word)")
	}
	return out
}

func TestSearchSameOnBothDatabases(t *testing.T) {
	results := map[string]map[string][]string{}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := newCity(t, b.Open(t))
			var numbers []string
			for _, tk := range tickets {
				got, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: tk.subject, Description: tk.description,
					Address: tk.address, Phone: "13812341234"}, "")
				if err != nil {
					t.Fatal(err)
				}
				numbers = append(numbers, got.Number)
			}
			res := map[string][]string{}
			for _, q := range queries {
				res[q] = search(t, c, c.agent, q)
			}
			results[b.Name] = res
			// Two-character words find the longer words they are part of.
			for q, want := range map[string]string{"噪音": tickets[0].subject, "停车": tickets[1].subject, "物业": tickets[2].subject} {
				if len(res[q]) == 0 || !contains(res[q], want) {
					t.Errorf("%s: %v, want %s among them", q, res[q], want)
				}
			}
			if got := res["物业"]; len(got) != 2 {
				t.Errorf("物业 found %v, want the two tickets that mention it", got)
			}
			if got := res["停车费"]; len(got) == 0 || got[0] != tickets[1].subject {
				t.Errorf("停车费: %v", got)
			}
			// Digits: number prefix.
			if r, err := kb.SearchTickets(ctx, c.st, c.agent, kb.SearchQuery{Q: numbers[2]}); err != nil || len(r.Hits) != 1 {
				t.Errorf("number search: %v %v", r, err)
			}
			// Highlights.
			r, _ := kb.SearchTickets(ctx, c.st, c.agent, kb.SearchQuery{Q: "噪音"})
			if len(r.Hits) == 0 || !strings.Contains(r.Hits[0].Subject, "<mark>噪音</mark>") {
				t.Errorf("highlight: %+v", r.Hits)
			}

			// Department scope: a handler sees only what reached the department.
			if got := search(t, c, c.handler, "噪音"); len(got) != 0 {
				t.Errorf("handler sees %v before dispatch", got)
			}
			if _, _, err := c.svc.Act(ctx, c.dispatcher, numbers[0], ticket.Command{Action: ticket.ActDispatch, DepartmentID: "a1"}); err != nil {
				t.Fatal(err)
			}
			if got := search(t, c, c.handler, "噪音"); len(got) != 1 {
				t.Errorf("handler after dispatch: %v", got)
			}
			if got := search(t, c, c.handler, "物业"); len(got) != 0 {
				t.Errorf("handler sees other departments' tickets: %v", got)
			}

			// Once the dictionary is loaded, the hook writes the words in the event's own
			// transaction: nothing is left pending.
			late, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: "垃圾清运不及时", Description: "垃圾桶满了没人清运", Phone: "13812341234"}, "")
			if err != nil {
				t.Fatal(err)
			}
			if pending, err := c.st.TicketsToIndex(ctx, "", "", 10); err != nil || len(pending) != 0 {
				t.Fatalf("pending after a hooked write: %v %v", pending, err)
			}
			if got := search(t, c, c.agent, "清运"); len(got) != 1 || got[0] != late.Subject {
				t.Errorf("清运: %v", got)
			}

			// Rows indexed with an older dictionary are found after Reindex.
			if err := c.st.InTx(ctx, func(tx *store.Tx) error {
				tk, err := c.st.TicketByNumber(ctx, numbers[3])
				if err != nil {
					return err
				}
				return tx.SetTicketTokens(ctx, tk.ID, store.TicketTokens{Dict: "an older dictionary"})
			}); err != nil {
				t.Fatal(err)
			}
			if got := search(t, c, c.agent, "坑洼"); len(got) != 0 {
				t.Errorf("unindexed ticket found: %v", got)
			}
			if n, err := kb.Reindex(ctx, c.st, 2, nil); err != nil || n != 1 {
				t.Fatalf("reindex: %d %v", n, err)
			}
			if got := search(t, c, c.agent, "坑洼"); len(got) != 1 {
				t.Errorf("after reindex: %v", got)
			}
		})
	}
	if a, b := results["sqlite"], results["postgres"]; b != nil && !reflect.DeepEqual(a, b) {
		t.Errorf("SQLite and PostgreSQL differ:\n%v\n%v", a, b)
	}
}

func contains(v []string, s string) bool {
	for _, x := range v {
		if x == s {
			return true
		}
	}
	return false
}

func TestKnowledgeBaseLifecycle(t *testing.T) {
	results := map[string][]int{}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := newCity(t, b.Open(t))
			k := &kb.Articles{Store: c.st}
			titles := func(p access.Principal, q string) []string {
				hits, err := k.Search(ctx, p, kb.ArticleQuery{Q: q})
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, h := range hits {
					out = append(out, h.Article.Title)
				}
				return out
			}
			if _, err := k.Create(ctx, access.Principal{}, kb.ArticleInput{Title: "x"}); !errors.Is(err, kb.ErrForbidden) {
				t.Fatalf("anonymous create: %v", err)
			}
			if _, err := k.Create(ctx, c.agent, kb.ArticleInput{}); err == nil {
				t.Fatal("article without a title accepted")
			}
			a, err := k.Create(ctx, c.agent, kb.ArticleInput{Title: "小区停车收费标准", Body: "住宅小区停车服务收费实行政府指导价。<script>alert(1)</script>[x](javascript:alert(1))",
				Keywords: []string{"停车费", "物业"}, Answers: []string{"您好，小区停车收费按市发改委规定执行。", "如物业擅自涨价，可向区发改局反映。"}, Public: true})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(a.Body, "<script") || strings.Contains(a.Body, "javascript:") {
				t.Errorf("body not sanitised: %s", a.Body)
			}
			if got := titles(c.agent, "停车"); len(got) != 0 {
				t.Errorf("draft found: %v", got)
			}
			if got, _ := k.Search(ctx, c.agent, kb.ArticleQuery{Q: "停车", State: kb.Draft}); len(got) != 1 {
				t.Errorf("drafts list: %v", got)
			}
			if _, err := k.Submit(ctx, c.agent, a.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := k.Approve(ctx, c.agent, a.ID, ""); !errors.Is(err, kb.ErrForbidden) {
				t.Fatalf("agent approved: %v", err)
			}
			if _, err := k.Approve(ctx, c.dispatcher, a.ID, "ok"); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"停车", "物业", "收费", "发改局"} {
				if got := titles(c.agent, q); len(got) != 1 {
					t.Errorf("%s: %v", q, got)
				}
			}
			if got := titles(access.Principal{}, "停车"); len(got) != 1 {
				t.Errorf("public search: %v", got)
			}
			// A new version: out of the search until approved, versions kept.
			if _, err := k.Update(ctx, c.agent, a.ID, kb.ArticleInput{Title: "小区停车收费标准（2026年修订）", Body: "新标准", Public: true,
				Answers: []string{"您好，2026年起按新标准执行。"}}); err != nil {
				t.Fatal(err)
			}
			if got := titles(access.Principal{}, "停车"); len(got) != 0 {
				t.Errorf("unreviewed version public: %v", got)
			}
			if _, err := k.Submit(ctx, c.agent, a.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := k.Reject(ctx, c.dispatcher, a.ID, "写明文号"); err != nil {
				t.Fatal(err)
			}
			if _, err := k.Submit(ctx, c.agent, a.ID); err != nil {
				t.Fatal(err)
			}
			got, err := k.Approve(ctx, c.dispatcher, a.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != 2 || got.PublishedVersion != 2 || got.State != kb.Published {
				t.Errorf("after second approval: %+v", got)
			}
			vs, err := k.Versions(ctx, c.agent, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			var seq []int
			for _, v := range vs {
				seq = append(seq, v.Version)
			}
			results[b.Name] = seq
			if len(vs) < 5 || vs[0].Article.Title != "小区停车收费标准" {
				t.Errorf("versions: %v", seq)
			}
			if _, err := k.Get(ctx, c.agent, a.ID); err != nil {
				t.Fatal(err)
			}
			if err := k.Used(ctx, c.agent, a.ID); err != nil {
				t.Fatal(err)
			}
			hits, _ := k.Search(ctx, c.agent, kb.ArticleQuery{Order: "uses"})
			if len(hits) != 1 || hits[0].Article.Views != 1 || hits[0].Article.Uses != 1 {
				t.Errorf("most used: %+v", hits)
			}
			if got := titles(c.agent, "修订"); len(got) != 1 {
				t.Errorf("new version not found: %v", got)
			}
		})
	}
	if a, b := results["sqlite"], results["postgres"]; b != nil && !reflect.DeepEqual(a, b) {
		t.Errorf("versions differ: %v %v", a, b)
	}
}

// ImportAndTrain imports the reference CSV through the importer, indexes, trains and asks.
func ImportAndTrain(t testing.TB, st *store.Store) suggest.Result {
	t.Helper()
	f, err := os.Open("../suggest/testdata/complaints-train.csv") // the repository's copy of ../shared/data
	if err != nil {
		t.Skip("reference data not here:", err)
	}
	defer f.Close()
	if _, err := importer.Tickets(ctx, st, f, importer.Options{Channel: ticket.ChannelImport}); err != nil {
		t.Fatal(err)
	}
	if _, err := kb.Reindex(ctx, st, 500, nil); err != nil {
		t.Fatal(err)
	}
	res, err := kb.For(st).Train(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Examples < 100 || res.Categories < 2 {
		t.Fatalf("trained on %+v", res)
	}
	got, err := kb.For(st).Suggest(ctx, suggest.Input{Subject: "小区门口占道经营", Text: "小区门口每天晚上有很多流动摊贩占道经营，油烟噪音扰民，请城管处理。"})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestSuggestSameOnBothDatabases(t *testing.T) {
	results := map[string]suggest.Result{}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			if _, err := kb.For(st).Suggest(ctx, suggest.Input{Subject: "x"}); !errors.Is(err, kb.ErrNoModel) {
				t.Fatalf("before training: %v", err)
			}
			got := ImportAndTrain(t, st)
			if got.Abstained || len(got.Suggestions) == 0 || len(got.Suggestions[0].CategoryPath) == 0 {
				t.Fatalf("suggestion: %+v", got)
			}
			t.Logf("%s: %+v", b.Name, got)
			results[b.Name] = got
		})
	}
	if a, b := results["sqlite"], results["postgres"]; b.Suggestions != nil {
		// Category ids are random per database: compare paths and confidences.
		strip := func(r suggest.Result) suggest.Result {
			for i := range r.Suggestions {
				r.Suggestions[i].CategoryID, r.Suggestions[i].RuleID, r.Suggestions[i].DepartmentID = "", "", ""
			}
			return r
		}
		if !reflect.DeepEqual(strip(a), strip(b)) {
			t.Errorf("SQLite and PostgreSQL suggest differently:\n%+v\n%+v", a, b)
		}
	}
}

func openBench(b *testing.B) *store.Store { return storetest.Backends(b)[0].Open(b) }

// Only the newest store.RankWindow matches are ranked: a common word costs the window, not
// every match. With a window of 2, the two newest of three matches are the answer, the same
// on both databases.
func TestSearchRanksNewestWindow(t *testing.T) {
	setRankWindow(t, 2)
	results := map[string][]string{}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := newCity(t, b.Open(t))
			for _, subj := range []string{"噪音扰民 噪音 噪音", "夜间噪音", "施工噪音"} { // oldest first; the oldest mentions it most
				if _, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: subj, Description: "请处理", Phone: "13812341234"}, ""); err != nil {
					t.Fatal(err)
				}
				time.Sleep(2 * time.Millisecond) // distinct creation times
			}
			got := search(t, c, c.agent, "噪音")
			if len(got) != 2 || contains(got, "噪音扰民 噪音 噪音") {
				t.Errorf("window of 2: %v, want the two newest", got)
			}
			results[b.Name] = got
		})
	}
	sameOnBoth(t, results)
}

// On PostgreSQL the newest matches are first looked for in a recent slice sized from the
// planner's estimate; the answer must be the one a search of everything gives. Forty
// tickets share a word and the window is 3: the estimate (after ANALYZE) is far above
// 2×3, so the slice is taken.
func TestSearchSliceSameAnswer(t *testing.T) {
	setRankWindow(t, 3)
	results := map[string][]string{}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := newCity(t, b.Open(t))
			var subjects []string
			for i := range 40 {
				subj := fmt.Sprintf("路灯 第%d处", i)
				if i%7 == 0 {
					subj = "路灯 路灯 " + subj // ranks above its neighbours: 第35处 would win if the window held it
				}
				if _, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: subj, Description: "晚上很黑", Phone: "13812341234"}, ""); err != nil {
					t.Fatal(err)
				}
				subjects = append(subjects, subj)
				time.Sleep(time.Millisecond)
			}
			if b.Name == "postgres" {
				if _, err := c.st.DB().ExecContext(ctx, "ANALYZE tickets"); err != nil {
					t.Fatal(err)
				}
			}
			got := search(t, c, c.agent, "路灯")
			want := map[string]bool{subjects[39]: true, subjects[38]: true, subjects[37]: true}
			if len(got) != 3 {
				t.Fatalf("window of 3: %v", got)
			}
			for _, g := range got {
				if !want[g] {
					t.Errorf("%q is not among the three newest matches: %v", g, got)
				}
			}
			results[b.Name] = got
		})
	}
	sameOnBoth(t, results)
}

// On PostgreSQL a common word's newest matches are read week by week, newest weeks first
// (store.searchNewestByWeek); the answer must be the newest matches, as on SQLite. Eighty
// tickets over forty weeks, the word dense in the old half and sparse in the new one, so the
// first slice (sized from the estimate) holds too few and older weeks must be read.
func TestSearchWeekSlicesSameAnswer(t *testing.T) {
	setRankWindow(t, 3)
	results := map[string][]string{}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := newCity(t, b.Open(t))
			now := time.Now()
			at := func(i int) time.Time { return now.Add(-time.Duration(80-i) * 84 * time.Hour) } // 3.5 days apart
			var subjects []string
			for i := range 80 {
				subj := fmt.Sprintf("井盖 第%d处", i)
				if i < 40 || i%10 == 0 {
					subj = fmt.Sprintf("路灯 第%d处", i)
				}
				c.svc.Now = func() time.Time { return at(i) } // registered oldest first, as SQLite's rowid order assumes
				if _, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: subj, Description: "晚上很黑", Phone: "13812341234"}, ""); err != nil {
					t.Fatal(err)
				}
				subjects = append(subjects, subj)
			}
			if b.Name == "postgres" {
				if _, err := c.st.DB().ExecContext(ctx, "ANALYZE tickets"); err != nil {
					t.Fatal(err)
				}
			}
			check := func(q kb.SearchQuery, want ...int) []string {
				t.Helper()
				res, err := kb.SearchTickets(ctx, c.st, c.agent, q)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, h := range res.Hits {
					got = append(got, h.Ticket.Subject)
				}
				var w []string
				for _, i := range want {
					w = append(w, subjects[i])
				}
				sort.Strings(got)
				sort.Strings(w)
				if !reflect.DeepEqual(got, w) {
					t.Errorf("%+v: %v, want the newest matches %v", q, got, w)
				}
				return got
			}
			a := check(kb.SearchQuery{Q: "路灯"}, 70, 60, 50)
			before := check(kb.SearchQuery{Q: "路灯", To: at(65)}, 60, 50, 40)
			d := check(kb.SearchQuery{Q: "路灯", From: at(20), To: at(35)}, 34, 33, 32)
			results[b.Name] = append(append(a, before...), d...)
		})
	}
	sameOnBoth(t, results)
}

// setRankWindow ranks only the newest n matches for the rest of the test.
func setRankWindow(t *testing.T, n int) {
	old := store.RankWindow
	store.RankWindow = n
	t.Cleanup(func() { store.RankWindow = old })
}

// sameOnBoth fails unless both databases, when both ran, gave the same answer.
func sameOnBoth(t *testing.T, results map[string][]string) {
	t.Helper()
	if len(results) == 2 && !reflect.DeepEqual(results["sqlite"], results["postgres"]) {
		t.Errorf("sqlite %v, postgres %v", results["sqlite"], results["postgres"])
	}
}

// TestIndexerCatchesUp: tickets written without their words (during a burst of
// registrations, or before the segmenter loaded) are indexed in the background, without a
// search asking for them first.
func TestIndexerCatchesUp(t *testing.T) {
	if err := kb.IndexAlways(); err != nil {
		t.Fatal(err)
	}
	every := kb.IndexerEvery
	kb.IndexerEvery = 20 * time.Millisecond
	defer func() { kb.IndexerEvery = every }()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := newCity(t, b.Open(t))
			for _, tk := range tickets {
				got, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: tk.subject, Description: tk.description,
					Address: tk.address}, "")
				if err != nil {
					t.Fatal(err)
				}
				if err := c.st.InTx(ctx, func(tx *store.Tx) error { return tx.MarkTicketUnindexed(ctx, got.ID) }); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := c.st.CountPendingIndex(ctx); err != nil || n != len(tickets) {
				t.Fatalf("pending: %d %v", n, err)
			}
			sctx, stop := context.WithCancel(ctx)
			defer stop()
			kb.Serve(sctx, c.st, c.svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
			deadline := time.Now().Add(10 * time.Second)
			for {
				n, err := c.st.CountPendingIndex(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d tickets still pending after 10 s", n)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if got := search(t, c, c.agent, "坑洼 人民路"); len(got) != 1 || got[0] != tickets[3].subject {
				t.Errorf("after the indexer: %v", got)
			}
		})
	}
}

// TestSearchWaitsBoundedForBacklog: a search indexes pending tickets only for a bounded
// time, then answers from the index as it stands; the next one goes on where it stopped.
func TestSearchWaitsBoundedForBacklog(t *testing.T) {
	c := newCity(t, storetest.SQLite(t))
	if err := kb.IndexAlways(); err != nil {
		t.Fatal(err)
	}
	got, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: tickets[0].subject, Description: tickets[0].description}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.st.InTx(ctx, func(tx *store.Tx) error { return tx.MarkTicketUnindexed(ctx, got.ID) }); err != nil {
		t.Fatal(err)
	}
	old := kb.SetCatchUpFor(0)
	defer kb.SetCatchUpFor(old)
	if res, err := kb.SearchTickets(ctx, c.st, c.agent, kb.SearchQuery{Q: "噪音"}); err != nil || len(res.Hits) != 0 || res.Pending != 1 {
		t.Errorf("a search with no time to catch up: %+v %v, want no hits and 1 pending", res, err)
	}
	if n, err := c.st.CountPendingIndex(ctx); err != nil || n != 1 {
		t.Fatalf("pending: %d %v, want 1", n, err)
	}
	kb.SetCatchUpFor(old)
	if res, err := kb.SearchTickets(ctx, c.st, c.agent, kb.SearchQuery{Q: "噪音"}); err != nil || len(res.Hits) != 1 || res.Pending != 0 {
		t.Errorf("after catching up: %+v %v, want 1 hit and none pending", res, err)
	}
}
