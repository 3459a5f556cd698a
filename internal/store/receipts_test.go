package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

func TestDeliveryReceipts(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testDeliveryReceipts(t, b.Open(t)) })
	}
}

// sendSMS queues a message, claims it and records it sent with the MC's part ids.
func sendSMS(t *testing.T, st *store.Store, ids ...string) string {
	t.Helper()
	ctx := context.Background()
	m := &store.OutboxMessage{Channel: "sms", Recipient: "13800138000", Body: "【12345】测试"}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.Enqueue(ctx, m) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimMessages(ctx, time.Now().Add(time.Second), time.Minute, "n1", 100); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func finish(t *testing.T, st *store.Store, id string, ids ...string) {
	t.Helper()
	r := store.OutboxResult{Status: store.OutboxSent, ProviderID: joinIDs(ids), ReceiptIDs: ids, At: time.Now()}
	if err := st.FinishMessage(context.Background(), id, "n1", r); err != nil {
		t.Fatal(err)
	}
}

func joinIDs(ids []string) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += ","
		}
		s += id
	}
	return s
}

func testDeliveryReceipts(t *testing.T, st *store.Store) {
	ctx := context.Background()
	receipt := func(id, stat string) {
		t.Helper()
		if err := st.RecordReceipt(ctx, store.Receipt{MessageID: id, Stat: stat, Error: "000"}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(id, status, detail string) {
		t.Helper()
		m, err := st.OutboxMessageByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.DeliveryStatus != status || (detail != "" && m.DeliveryDetail != detail) || (status != "") != (m.DeliveryAt != nil) {
			t.Errorf("%s: delivery %q %q at %v, want %q %q", id, m.DeliveryStatus, m.DeliveryDetail, m.DeliveryAt, status, detail)
		}
	}

	// The usual order: sent, then the receipt.
	short := sendSMS(t, st)
	finish(t, st, short, "a1")
	check(short, "", "")
	receipt("a1", "DELIVRD")
	check(short, store.DeliveryDelivered, "1/1 parts delivered")

	// The receipt first (the MC answered faster than the worker recorded the send).
	early := sendSMS(t, st)
	receipt("b1", "DELIVRD")
	finish(t, st, early, "b1")
	check(early, store.DeliveryDelivered, "")

	// Three parts: pending until the last one is in; ENROUTE after DELIVRD changes nothing.
	long := sendSMS(t, st)
	finish(t, st, long, "c1", "c2", "c3")
	receipt("c2", "DELIVRD")
	check(long, store.DeliveryPending, "1/3 parts delivered")
	receipt("c1", "ENROUTE")
	check(long, store.DeliveryPending, "1/3 parts delivered")
	receipt("c1", "DELIVRD")
	receipt("c2", "ENROUTE")
	receipt("c3", "DELIVRD")
	check(long, store.DeliveryDelivered, "3/3 parts delivered")

	// One part lost: the citizen never read the whole text.
	lost := sendSMS(t, st)
	finish(t, st, lost, "d1", "d2")
	receipt("d1", "DELIVRD")
	receipt("d2", "UNDELIV")
	check(lost, store.DeliveryUndelivered, "part 2/2: UNDELIV err:000")

	// A receipt nobody claims is kept, and harms nothing.
	receipt("zz", "DELIVRD")
	if err := st.RecordReceipt(ctx, store.Receipt{}); err == nil {
		t.Error("a receipt without a message id was accepted")
	}
	// An id the MC hands out again later belongs to the new message only.
	again := sendSMS(t, st)
	finish(t, st, again, "a1")
	check(again, "", "")
	check(short, store.DeliveryDelivered, "")

	// Receipts of the same parts arriving at once from several sessions all count.
	many := sendSMS(t, st)
	ids := []string{"e1", "e2", "e3", "e4", "e5", "e6"}
	finish(t, st, many, ids...)
	errs := make(chan error, len(ids))
	for _, id := range ids {
		go func() { errs <- st.RecordReceipt(ctx, store.Receipt{MessageID: id, Stat: "DELIVRD"}) }()
	}
	for range ids {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	check(many, store.DeliveryDelivered, "6/6 parts delivered")

	// Receipts racing the send's own record: whichever commits second completes the row.
	for round := range 5 {
		id := sendSMS(t, st)
		parts := []string{}
		for p := range 3 {
			parts = append(parts, "f"+string(rune('0'+round))+string(rune('0'+p)))
		}
		done := make(chan error, len(parts)+1)
		go func() {
			done <- st.FinishMessage(ctx, id, "n1", store.OutboxResult{Status: store.OutboxSent, ProviderID: joinIDs(parts), ReceiptIDs: parts, At: time.Now()})
		}()
		for _, p := range parts {
			go func() { done <- st.RecordReceipt(ctx, store.Receipt{MessageID: p, Stat: "DELIVRD"}) }()
		}
		for range len(parts) + 1 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		check(id, store.DeliveryDelivered, "3/3 parts delivered")
	}
}
