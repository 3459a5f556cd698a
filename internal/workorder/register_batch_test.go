package workorder_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hotline-dev/hotline/internal/citizen"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// TestRegistrationsTogether: registrations that arrive together (on PostgreSQL written as
// one batch) each get their own number, archive and audit line, the callers' counts add up
// over repeated phones, and one that fails in a batch fails alone.
func TestRegistrationsTogether(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			c := newCity(t, st)
			boom := errors.New("hook refused")
			c.svc.Hooks = append(c.svc.Hooks, func(ctx context.Context, tx *store.Tx, tk *ticket.Ticket, ev ticket.Event) error {
				if tk.Subject == "坏工单" {
					return boom
				}
				return nil
			})
			const n = 64
			phones := []string{"13900000001", "13900000002", "13900000003", "13900000004"}
			got := make([]*ticket.Ticket, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					subject := fmt.Sprintf("路灯不亮 %d", i)
					if i == n/2 {
						subject = "坏工单"
					}
					got[i], errs[i] = c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: subject,
						Description: subject + "，请处理", Phone: phones[i%len(phones)], CitizenName: "市民"}, "")
				}()
			}
			wg.Wait()
			numbers := map[string]bool{}
			perPhone := map[string]int{}
			for i := 0; i < n; i++ {
				if i == n/2 {
					if !errors.Is(errs[i], boom) {
						t.Fatalf("the refused registration gave %v", errs[i])
					}
					continue
				}
				if errs[i] != nil {
					t.Fatalf("registration %d: %v", i, errs[i])
				}
				tk, err := st.TicketByNumber(ctx, got[i].Number)
				if err != nil || tk.ID != got[i].ID || tk.Subject != got[i].Subject {
					t.Fatalf("ticket %s read back as %+v, %v", got[i].Number, tk, err)
				}
				if numbers[tk.Number] {
					t.Fatalf("number %s given twice", tk.Number)
				}
				numbers[tk.Number] = true
				cz, err := st.CitizenByID(ctx, tk.CitizenID)
				if err != nil || cz.Phone != tk.Phone {
					t.Fatalf("ticket %s: citizen %+v, %v", tk.Number, cz, err)
				}
				perPhone[tk.Phone]++
				evs, err := st.TicketEvents(ctx, tk.ID)
				if err != nil || len(evs) != 1 || evs[0].Seq != 1 || evs[0].Action != ticket.ActRegister {
					t.Fatalf("ticket %s: archive %+v, %v", tk.Number, evs, err)
				}
				audit, err := st.AuditLog(ctx, store.AuditFilter{Action: "ticket.register", ObjectID: tk.Number})
				if err != nil || len(audit) != 1 {
					t.Fatalf("ticket %s: %d audit lines, %v", tk.Number, len(audit), err)
				}
			}
			if n, _ := st.CountTickets(ctx); n != 63 {
				t.Fatalf("%d tickets stored, want 63", n)
			}
			for _, p := range phones {
				cz, err := st.CitizenByPhone(ctx, p)
				if err != nil || cz.TicketCount != perPhone[p] || !cz.HasTag(citizen.TagRepeatCaller) {
					t.Fatalf("citizen %s: %+v (want %d tickets, tagged repeat caller), %v", p, cz, perPhone[p], err)
				}
			}
		})
	}
}

// TestBusyLeavesWordsToIndexer: while more registrations are in progress than a centre
// normally has, a new one is written without its search words (pending, for the indexer)
// instead of segmenting its text; the others keep theirs.
func TestBusyLeavesWordsToIndexer(t *testing.T) {
	st := storetest.SQLite(t)
	c := newCity(t, st)
	entered := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	calls := 0
	c.svc.Tokenize = func(tk *ticket.Ticket) store.TicketTokens {
		mu.Lock()
		calls++
		mu.Unlock()
		entered <- struct{}{}
		<-release
		return store.TicketTokens{Subject: tk.Subject, Dict: "v1"}
	}
	const held = 4 // registrations segmenting at once: not yet busy
	var wg sync.WaitGroup
	errs := make([]error, held)
	for i := 0; i < held; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: fmt.Sprintf("路灯不亮 %d", i), Description: "请处理"}, "")
		}()
		<-entered
	}
	if c.svc.Busy() {
		t.Fatalf("busy with %d registrations in progress", held)
	}
	burst, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: "井盖缺失", Description: "请处理"}, "")
	if err != nil {
		t.Fatal(err)
	}
	close(release)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("registration %d: %v", i, err)
		}
	}
	if calls != held {
		t.Errorf("Tokenize called %d times, want %d (not for the registration made while busy)", calls, held)
	}
	pending, err := st.TicketsToIndex(ctx, "", "", 10)
	if err != nil || len(pending) != 1 || pending[0].ID != burst.ID {
		t.Errorf("pending after the burst: %+v %v, want only %s", pending, err, burst.Number)
	}
	if c.svc.Busy() {
		t.Error("still busy with nothing in progress")
	}
}
