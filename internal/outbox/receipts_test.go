package outbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/outbox"
	"github.com/hotline-dev/hotline/internal/smpp"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/testpeer"
)

// TestDeliveryReceipts: the worker sends through the real SMPP peer, which answers each
// part with a delivery receipt; the outbox row ends delivered (or undelivered) by them.
func TestDeliveryReceipts(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			p := testpeer.Start(t, "smpp-server.js", "0")
			receipts := &outbox.Receipts{Store: st}
			c, err := smpp.New(smpp.Config{Addr: fmt.Sprintf("127.0.0.1:%d", p.Port), SystemID: "hotline", Password: "secret",
				Source: "12345", ResponseTimeout: 3 * time.Second, OnReceipt: receipts.OnReceipt})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			w := &outbox.Worker{Store: st, Senders: map[string]outbox.Sender{"sms": outbox.SMS{Client: c}}, Node: "n1"}

			long := strings.Repeat("您反映的占道经营问题已由A1区东风街道办结，感谢您对12345热线的支持。", 5) // 3 UCS-2 parts
			short := enqueue(t, st, "sms", "13800138000", "您的诉求已受理，工单号2026112300001。")
			parts := enqueue(t, st, "sms", "13800138001", long)
			lost := enqueue(t, st, "sms", "10300000000", "关机的手机")  // the peer reports 103… UNDELIV
			lastLost := enqueue(t, st, "sms", "10400000000", long) // 104…: only the last part is lost
			if n, err := w.Drain(ctx); err != nil || n != 4 {
				t.Fatalf("drain: %d %v", n, err)
			}
			want := map[string]struct{ status, detail string }{
				short.ID:    {store.DeliveryDelivered, "1/1 parts delivered"},
				parts.ID:    {store.DeliveryDelivered, "3/3 parts delivered"},
				lost.ID:     {store.DeliveryUndelivered, "UNDELIV err:001"},
				lastLost.ID: {store.DeliveryUndelivered, "part 3/3: UNDELIV err:001"},
			}
			deadline := time.Now().Add(10 * time.Second)
			for id, w := range want {
				var m *store.OutboxMessage
				for {
					m = get(t, st, id)
					if m.DeliveryStatus == w.status && m.DeliveryDetail == w.detail || time.Now().After(deadline) {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				if m.Status != store.OutboxSent || m.DeliveryStatus != w.status || m.DeliveryDetail != w.detail || m.DeliveryAt == nil ||
					m.DeliveryAt.Before(*m.SentAt) {
					t.Errorf("%s to %s: sent=%s delivery %q %q at %v, want %q %q", id, m.Recipient, m.Status, m.DeliveryStatus,
						m.DeliveryDetail, m.DeliveryAt, w.status, w.detail)
				}
				if n := strings.Count(m.ProviderID, ",") + 1; m.Recipient == "13800138001" && n != 3 {
					t.Errorf("long text sent as %d parts (%s)", n, m.ProviderID)
				}
			}
			// Every receipt was acknowledged with ESME_ROK.
			for _, ev := range p.Collect(t, "deliver_sm_resp", 8, 5*time.Second) {
				if ev["command_status"] != float64(0) {
					t.Errorf("receipt answered %v", ev)
				}
			}
		})
	}
}
