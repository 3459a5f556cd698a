package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

func TestOutboxKeysAndStatuses(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testOutboxKeysAndStatuses(t, b.Open(t)) })
	}
}

// testOutboxKeysAndStatuses: a key is queued once (the id comes from it), ids stay in time
// order, and a list by each status finds exactly its messages.
func testOutboxKeysAndStatuses(t *testing.T, st *store.Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	enqueue := func(key string, at time.Time) *store.OutboxMessage {
		t.Helper()
		m := &store.OutboxMessage{Channel: "sms", Recipient: "13800138000", Body: "【12345】" + key,
			IdempotencyKey: key, CreatedAt: at}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, m) }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := enqueue("t1:1:register:received", at)
	again := enqueue("t1:1:register:received", at) // a retried event's hook
	if again.ID != a.ID {
		t.Fatalf("same key and time gave ids %s and %s", a.ID, again.ID)
	}
	b := enqueue("t1:2:dispatch:dispatched", at)
	c := enqueue("t1:3:warn:warning", at.Add(time.Millisecond))
	if b.ID == a.ID || !(a.ID < c.ID && b.ID < c.ID) {
		t.Fatalf("ids not distinct or not in time order: %s %s %s", a.ID, b.ID, c.ID)
	}
	all, err := st.ListOutbox(ctx, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("want 3 messages (the repeated key written once), got %d", len(all))
	}
	if all[0].ID != c.ID {
		t.Fatalf("newest first: got %s, want %s", all[0].ID, c.ID)
	}

	count := func(status string) int {
		t.Helper()
		got, err := st.ListOutbox(ctx, store.OutboxFilter{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		return len(got)
	}
	if q, s := count(store.OutboxQueued), count(store.OutboxSending); q != 3 || s != 0 {
		t.Fatalf("before the claim: %d queued, %d sending; want 3 and 0", q, s)
	}
	claimed, err := st.ClaimMessages(ctx, at.Add(time.Second), time.Minute, "n1", 10)
	if err != nil || len(claimed) != 3 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	if q, s := count(store.OutboxQueued), count(store.OutboxSending); q != 0 || s != 3 {
		t.Fatalf("after the claim: %d queued, %d sending; want 0 and 3", q, s)
	}

	// a fails for now, b is given up, c is sent.
	for id, r := range map[string]store.OutboxResult{
		a.ID: {Status: store.OutboxFailed, Error: "busy", Next: at.Add(time.Hour), At: at},
		b.ID: {Status: store.OutboxDead, Error: "no such number", At: at},
		c.ID: {Status: store.OutboxSent, ProviderID: "p1", At: at},
	} {
		if err := st.FinishMessage(ctx, id, "n1", r); err != nil {
			t.Fatal(err)
		}
	}
	for status, want := range map[string]string{store.OutboxFailed: a.ID, store.OutboxDead: b.ID, store.OutboxSent: c.ID} {
		got, err := st.ListOutbox(ctx, store.OutboxFilter{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != want {
			t.Errorf("status %s: got %d messages, want only %s", status, len(got), want)
		}
	}
	if q, s := count(store.OutboxQueued), count(store.OutboxSending); q != 0 || s != 0 {
		t.Errorf("at the end: %d queued, %d sending; want none", q, s)
	}
}
