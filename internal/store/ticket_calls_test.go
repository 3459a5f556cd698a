package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// TestDeskLinks: a user carries one agent extension, no two users the same; a ticket links
// the calls it was registered from, before and after their CDRs exist.
func TestDeskLinks(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			save := func(u *store.User) error {
				return st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveUser(ctx, u) })
			}
			agent := &store.User{Username: "li", Role: "agent", PasswordHash: "x", AgentExt: "1001"}
			other := &store.User{Username: "wang", Role: "agent", PasswordHash: "x"}
			third := &store.User{Username: "zhao", Role: "monitor", PasswordHash: "x"}
			for _, u := range []*store.User{agent, other, third} {
				if err := save(u); err != nil {
					t.Fatal(err)
				}
			}
			got, err := st.UserByUsername(ctx, "li")
			if err != nil || got.AgentExt != "1001" {
				t.Fatalf("agent ext not kept: %v %+v", err, got)
			}
			if u, err := st.UserByAgentExt(ctx, "1001"); err != nil || u.Username != "li" {
				t.Fatalf("by ext: %v %+v", err, u)
			}
			if _, err := st.UserByAgentExt(ctx, ""); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("empty ext must find no one: %v", err)
			}
			other.AgentExt = "1001"
			if err := save(other); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("a second user on 1001: %v", err)
			}
			if u, _ := st.UserByUsername(ctx, "wang"); u.AgentExt != "" {
				t.Fatalf("refused change was saved: %+v", u)
			}

			// Linked during the call, before the CDR is written.
			for range 2 { // twice: the same link once
				if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.LinkTicketCall(ctx, "T1", "call-a", "li") }); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.LinkTicketCall(ctx, "T2", "call-a", "li") }); err != nil {
				t.Fatal(err)
			}
			if ids, err := st.TicketCallIDs(ctx, "T1"); err != nil || !slices.Equal(ids, []string{"call-a"}) {
				t.Fatalf("T1 calls: %v %v", err, ids)
			}
			if ns, err := st.CallTicketNumbers(ctx, "call-a"); err != nil || !slices.Equal(ns, []string{"T1", "T2"}) {
				t.Fatalf("call-a tickets: %v %v", err, ns)
			}
			now := time.Now()
			for _, id := range []string{"call-a", "call-b"} {
				c := &store.CallRecord{CallID: id, Caller: "13700000001", Called: "12345", Start: now, End: now.Add(time.Minute)}
				if err := st.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertCallRecord(ctx, c); return err }); err != nil {
					t.Fatal(err)
				}
			}
			page, err := st.CallRecords(ctx, store.CallRecordFilter{Ticket: "T1"})
			if err != nil || len(page.Records) != 1 || page.Records[0].CallID != "call-a" {
				t.Fatalf("CDRs of T1: %v %+v", err, page)
			}
			if page, _ := st.CallRecords(ctx, store.CallRecordFilter{Ticket: "T9"}); len(page.Records) != 0 {
				t.Fatalf("CDRs of a ticket without calls: %+v", page)
			}
		})
	}
}
