package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// A department's inbox in deadline order, paged, and the extension-request filter.
func TestListByDeadline(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
			// Created in one order, due in another; two share a deadline; two have none.
			dues := []int{5, 1, -1, 3, 1, 4, -1, 2}
			want := map[string]int{}
			for i, d := range dues {
				tk := newTicket(fmt.Sprintf("t%d", i), base.Add(time.Duration(i)*time.Minute))
				if d >= 0 {
					due := base.Add(time.Duration(d) * 24 * time.Hour)
					tk.HandleDeadline = &due
				}
				if i == 3 {
					tk.PendingExtension = &ticket.Extension{Days: 3, Reason: "需现场勘查"}
				}
				insert(t, st, tk)
				want[tk.Subject] = d
			}
			var got []string
			cursor := ""
			for page := 0; ; page++ {
				p, err := st.ListTickets(ctx, store.TicketFilter{Sort: store.SortDeadline, Limit: 3, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, tk := range p.Tickets {
					got = append(got, tk.Subject)
				}
				if cursor = p.NextCursor; cursor == "" {
					break
				}
				if page > 5 {
					t.Fatal("paging does not end")
				}
			}
			if len(got) != len(dues) {
				t.Fatalf("got %d tickets over the pages, want %d: %v", len(got), len(dues), got)
			}
			rank := func(s string) int {
				if want[s] < 0 {
					return 1 << 30
				}
				return want[s]
			}
			for i := 1; i < len(got); i++ {
				if rank(got[i-1]) > rank(got[i]) {
					t.Fatalf("not in deadline order (no deadline last): %v", got)
				}
			}
			if rank(got[0]) != 1 || rank(got[len(got)-1]) != 1<<30 {
				t.Fatalf("order %v", got)
			}
			// A newest-first cursor is not a deadline cursor.
			p, err := st.ListTickets(ctx, store.TicketFilter{Limit: 2})
			if err != nil || p.NextCursor == "" {
				t.Fatal(err)
			}
			if _, err := st.ListTickets(ctx, store.TicketFilter{Sort: store.SortDeadline, Cursor: p.NextCursor}); !errors.Is(err, store.ErrBadCursor) {
				t.Fatalf("newest cursor in deadline order: %v", err)
			}
			yes, no := true, false
			p, err = st.ListTickets(ctx, store.TicketFilter{PendingExtension: &yes})
			if err != nil || len(p.Tickets) != 1 || p.Tickets[0].Subject != "t3" {
				t.Fatalf("pending extension: %v %v", err, p.Tickets)
			}
			if p, err = st.ListTickets(ctx, store.TicketFilter{PendingExtension: &no}); err != nil || len(p.Tickets) != len(dues)-1 {
				t.Fatalf("no pending extension: %v %d", err, len(p.Tickets))
			}
		})
	}
}

// Digits find tickets by phone or by number prefix, newest first, paged, each ticket once.
func TestListByDigits(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			base := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
			var mine []string
			for i := range 7 {
				tk := newTicket(fmt.Sprintf("p%d", i), base.Add(time.Duration(i)*time.Hour))
				if i%2 == 0 {
					tk.Phone = "13800001111"
					mine = append(mine, tk.Subject)
				} else {
					tk.Phone = "13900002222"
				}
				insert(t, st, tk)
			}
			var got []string
			cursor := ""
			for range 10 {
				p, err := st.ListTickets(ctx, store.TicketFilter{Text: "13800001111", Limit: 2, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, tk := range p.Tickets {
					got = append(got, tk.Subject)
				}
				if cursor = p.NextCursor; cursor == "" {
					break
				}
			}
			if want := []string{"p6", "p4", "p2", "p0"}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("by phone: %v, want %v (mine %v)", got, want, mine)
			}
			// A number prefix: all seven were registered on 2026-11-03.
			p, err := st.ListTickets(ctx, store.TicketFilter{Text: "20261103", Limit: 50})
			if err != nil || len(p.Tickets) != 7 || p.Tickets[0].Subject != "p6" {
				t.Fatalf("by number prefix: %v %d", err, len(p.Tickets))
			}
			// Digits that are both a phone and a number prefix list the ticket once.
			one := newTicket("both", base.Add(10*time.Hour))
			insert(t, st, one)
			one.Phone = one.Number[:11]
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				one.Version++
				return tx.UpdateTicket(ctx, one, &ticket.Event{Action: ticket.ActComment, Note: "phone", At: one.CreatedAt})
			}); err != nil {
				t.Fatal(err)
			}
			p, err = st.ListTickets(ctx, store.TicketFilter{Text: one.Number[:11], Limit: 50})
			n := 0
			for _, tk := range p.Tickets {
				if tk.ID == one.ID {
					n++
				}
			}
			if err != nil || n != 1 {
				t.Fatalf("a ticket matching by phone and number: listed %d times (%v)", n, err)
			}
		})
	}
}

// A list split by value (several states) pages through tickets that share one creation
// instant, across the values and across the page boundary, each once, in (created_at, id)
// order: PostgreSQL's branches are cut by created_at alone, WITH TIES.
func TestListSplitKeepsTies(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			base := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
			states := []ticket.State{ticket.Registered, ticket.Processing, ticket.Closed}
			// Twelve at a time share an instant, four of each state, more than a branch's
			// page (three). Within an instant ids rise as tickets are inserted, then fall,
			// then rise: whichever order a plan meets equal instants in (a scan's insertion
			// order, an index's reverse), one instant's is not the list's (id).
			want := 0
			for g := range 3 {
				ids := make([]string, 12)
				for i := range ids {
					ids[i] = store.NewID()
				}
				if g == 1 {
					slices.Reverse(ids)
				}
				for i := range 12 {
					tk := newTicket(fmt.Sprintf("t%d-%02d", g, i), base.Add(time.Duration(g)*time.Minute))
					tk.ID, tk.State = ids[i], states[i%3]
					insert(t, st, tk)
					if tk.State != ticket.Closed {
						want++
					}
				}
			}
			var got []*ticket.Ticket
			cursor := ""
			for page := 0; ; page++ {
				p, err := st.ListTickets(ctx, store.TicketFilter{States: states[:2], Limit: 2, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p.Tickets...)
				if cursor = p.NextCursor; cursor == "" {
					break
				}
				if page > 20 {
					t.Fatal("paging does not end")
				}
			}
			seen := map[string]bool{}
			for i, tk := range got {
				if seen[tk.ID] || tk.State == ticket.Closed {
					t.Fatalf("%s listed twice or closed: %v", tk.Subject, tk.State)
				}
				seen[tk.ID] = true
				if i > 0 {
					prev := got[i-1]
					if prev.CreatedAt.Before(tk.CreatedAt) || (prev.CreatedAt.Equal(tk.CreatedAt) && prev.ID < tk.ID) {
						t.Errorf("%s before %s is not (created_at, id) descending", prev.Subject, tk.Subject)
					}
				}
			}
			if len(got) != want {
				t.Errorf("%d tickets over the pages, want %d", len(got), want)
			}
		})
	}
}
