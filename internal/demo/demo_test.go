package demo

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

func TestLoad(t *testing.T) {
	// What each backend got, by ticket number: the demo is the same city every time.
	fingerprints := map[string]map[string]string{}
	// One end of history for every backend (the loads are seconds apart, maybe across midnight).
	now := time.Now()
	defer func() {
		var first map[string]string
		for name, fp := range fingerprints {
			if first == nil {
				first = fp
				continue
			}
			for num, v := range first {
				if fp[num] != v {
					t.Errorf("%s: ticket %s is %q, elsewhere %q", name, num, fp[num], v)
					break
				}
			}
		}
	}()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			acc := account.New(st, nil)
			clock, err := sla.Load(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res, err := Load(ctx, st, acc, nil, Options{Deadlines: clock.Deadlines, Hooks: []workorder.TxHook{clock.Hook}, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("loaded %d tickets, %d events, %d users in %v: %v", res.Tickets, res.Events, res.Users, time.Since(start), res.States)
			if res.Tickets != len(Messages()) || res.Tickets < 400 {
				t.Errorf("tickets = %d, messages %d", res.Tickets, len(Messages()))
			}
			for _, s := range ticket.States {
				if res.States[s] == 0 {
					t.Errorf("no ticket in state %s", s)
				}
			}
			if res.Departments < 15 || res.Categories < 500 {
				t.Errorf("departments %d categories %d", res.Departments, res.Categories)
			}
			// 知识库: the demo's articles are published; agents find them by two-character words,
			// citizens only the public ones.
			if res.Articles != len(demoArticles) {
				t.Errorf("articles = %d, want %d", res.Articles, len(demoArticles))
			}
			arts := &kb.Articles{Store: st}
			agent := access.Principal{UserID: "x", Role: access.Agent}
			hits, err := arts.Search(ctx, agent, kb.ArticleQuery{Q: "小区停车怎么收费"})
			if err != nil || len(hits) == 0 || hits[0].Article.Title != "小区停车收费标准由谁定、如何表决" || hits[0].Article.State != kb.Published {
				t.Errorf("agent search 停车: %v %+v", err, hits)
			}
			if hits, err := arts.Search(ctx, access.Principal{}, kb.ArticleQuery{Q: "停车"}); err != nil || len(hits) != 0 {
				t.Errorf("the parking article is internal, yet the public found %d (%v)", len(hits), err)
			}
			if hits, err := arts.Search(ctx, access.Principal{}, kb.ArticleQuery{Q: "社保卡"}); err != nil || len(hits) != 1 {
				t.Errorf("public search 社保卡: %d hits, %v", len(hits), err)
			}

			// Every ticket has a history, and the stored states agree with the result.
			counted := map[ticket.State]int{}
			fp := map[string]string{}
			fingerprints[b.Name] = fp
			var cursor string
			events := 0
			for {
				page, err := st.ListTickets(ctx, store.TicketFilter{Limit: 500, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, tk := range page.Tickets {
					counted[tk.State]++
					fp[tk.Number] = tk.Subject + "|" + string(tk.State) + "|" + tk.Phone + "|" + string(tk.Urgency)
					evs, err := st.TicketEvents(ctx, tk.ID)
					if err != nil || len(evs) == 0 || evs[0].Action != ticket.ActRegister {
						t.Fatalf("ticket %s: events %v %v", tk.Number, evs, err)
					}
					if last := evs[len(evs)-1]; last.At.After(time.Now()) {
						t.Errorf("ticket %s has an event in the future: %v", tk.Number, last.At)
					}
					events += len(evs)
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			for s, n := range res.States {
				if counted[s] != n {
					t.Errorf("state %s: stored %d, reported %d", s, counted[s], n)
				}
			}
			if events != res.Events {
				t.Errorf("events stored %d, counted while loading %d", events, res.Events)
			}

			// The working-time clock armed timers for the open tickets it saw dispatched.
			if n, err := st.CountUnfiredTimers(ctx); err != nil || n == 0 {
				t.Errorf("unfired timers: %d %v", n, err)
			}

			// Past-deadline tickets show in the overdue list; some tickets are supervised.
			yes := true
			if page, _ := st.ListTickets(ctx, store.TicketFilter{Overdue: &yes}); len(page.Tickets) == 0 {
				t.Error("no overdue tickets")
			}
			if page, _ := st.ListTickets(ctx, store.TicketFilter{Supervised: &yes}); len(page.Tickets) == 0 {
				t.Error("no supervised tickets")
			}

			// The demo handler's department holds tickets, and its users can log in.
			handler, err := st.UserByUsername(ctx, "handler")
			if err != nil {
				t.Fatal(err)
			}
			if page, _ := st.ListTickets(ctx, store.TicketFilter{DepartmentID: handler.DepartmentID}); len(page.Tickets) == 0 {
				t.Error("the handler's department holds no tickets")
			}
			for _, u := range Users {
				if _, _, err := acc.Login(ctx, u.Username, u.Password, "127.0.0.1"); err != nil {
					t.Errorf("login %s: %v", u.Username, err)
				}
			}

			// Ticket points lie in their region's boundary.
			regions, _ := st.Regions(ctx)
			page, _ := st.ListTickets(ctx, store.TicketFilter{Limit: 20})
			for _, tk := range page.Tickets {
				if got := org.Locate(regions, *tk.Lng, *tk.Lat); got != tk.RegionID {
					t.Errorf("ticket %s at %v,%v located in %s, region is %s", tk.Number, *tk.Lng, *tk.Lat, got, tk.RegionID)
				}
			}

			if _, err := Load(ctx, st, acc, nil); err != ErrNotEmpty {
				t.Errorf("second load: %v, want ErrNotEmpty", err)
			}
		})
	}
}
