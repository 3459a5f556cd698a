package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/ticket"
)

func TestMergeInserts(t *testing.T) {
	ev := "INSERT INTO ticket_events (id, seq) VALUES ($1, $2)"
	ob := "INSERT INTO outbox (id, key) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING"
	up := "INSERT INTO citizens (id, phone) VALUES ($1, $2) ON CONFLICT (phone) DO UPDATE SET n = 1"
	got := mergeInserts([]pipedStmt{
		{"begin", "BEGIN", nil},
		{"e", ev, []any{"a", 1}}, {"e", ev, []any{"b", 2}}, {"e", ev, []any{"c", 3}},
		{"o", ob, []any{"x", "k"}}, {"o", ob, []any{"y", "k"}},
		{"u", up, []any{"p", "1"}}, {"u", up, []any{"q", "1"}},
		{"e", ev, []any{"d", 4}},
	})
	want := []pipedStmt{
		{"begin", "BEGIN", nil},
		{"e", "INSERT INTO ticket_events (id, seq) VALUES ($1, $2), ($3, $4), ($5, $6)", []any{"a", 1, "b", 2, "c", 3}},
		{"o", "INSERT INTO outbox (id, key) VALUES ($1, $2), ($3, $4) ON CONFLICT (key) DO NOTHING", []any{"x", "k", "y", "k"}},
		{"u", up, []any{"p", "1"}}, {"u", up, []any{"q", "1"}}, // DO UPDATE must not see a row twice
		{"e", ev, []any{"d", 4}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merged:\n%v\nwant:\n%v", got, want)
	}
	if _, _, _, ok := splitInsert("INSERT INTO t (a) VALUES (lower($1))", 1); ok {
		t.Fatal("a tuple with a call in it was taken apart")
	}
	if _, _, _, ok := splitInsert("INSERT INTO t (a, b) VALUES ($1, $1)", 1); ok {
		t.Fatal("a tuple using a parameter twice was taken apart")
	}
	if shapeOf("INSERT INTO t (a, b) VALUES ($2, $1)", 2) != nil {
		t.Fatal("a tuple with its parameters out of order was taken apart")
	}
	sh := shapeOf("INSERT INTO t (a, b, c)\n\t\tVALUES ($1, 0, $2) ON CONFLICT (a) DO NOTHING", 2)
	if q := sh.sql(3); q != "INSERT INTO t (a, b, c)\n\t\tVALUES ($1, 0, $2), ($3, 0, $4), ($5, 0, $6) ON CONFLICT (a) DO NOTHING" {
		t.Fatalf("three rows: %s", q)
	}
}

// The store's own statements span lines: a registration batch's rows must still leave as
// one statement per table (they once did not, as VALUES followed a newline).
func TestMergeInsertsOfARegistrationBatch(t *testing.T) {
	ctx := context.Background()
	p := &pipeline{}
	tx := &Tx{s: &Store{}, pipe: p}
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	var ts []*ticket.Ticket
	var evs []ticket.Event
	for i := range 3 {
		ts = append(ts, &ticket.Ticket{ID: NewID(), Number: fmt.Sprint(2026112200001 + i), State: ticket.Registered,
			Channel: ticket.ChannelPhone, Subject: "s", CreatedAt: now, UpdatedAt: now, Version: 1})
		evs = append(evs, ticket.Event{Action: ticket.ActRegister, ToState: ticket.Registered, At: now})
	}
	if err := tx.InsertTickets(ctx, ts, evs, nil); err != nil {
		t.Fatal(err)
	}
	for _, tk := range ts {
		if err := tx.Enqueue(ctx, &OutboxMessage{Channel: "sms", Recipient: "13800000000", TicketID: tk.ID,
			CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tk := range ts {
		if err := tx.Audit(ctx, AuditEntry{At: now, Action: "ticket.register", ObjectType: "ticket", ObjectID: tk.Number}); err != nil {
			t.Fatal(err)
		}
	}
	got := mergeInserts(p.stmts)
	if len(p.stmts) != 12 || len(got) != 4 {
		t.Fatalf("%d statements merged into %d, want 12 into 4 (tickets, events, outbox, audit)", len(p.stmts), len(got))
	}
	for i, st := range got {
		if st.what != p.stmts[i*3].what || len(st.args) != 3*len(p.stmts[i*3].args) {
			t.Errorf("statement %d: %s with %d arguments", i, st.what, len(st.args))
		}
	}
}
