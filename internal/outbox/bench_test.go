package outbox_test

import (
	"github.com/hotline-dev/hotline/internal/testpeer"

	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/outbox"
	"github.com/hotline-dev/hotline/internal/smpp"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// BenchmarkOutboxSMPP measures outbox throughput to the real SMPP peer (tools/peers): b.N
// queued Chinese texts (one part each) sent by one worker, claim → submit_sm → recorded
// sent, on each database.
//
// go test ./internal/outbox -run '^$' -bench OutboxSMPP -benchtime 5000x
func BenchmarkOutboxSMPP(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b)
			p := testpeer.Start(b, "smpp-server.js", "0")
			p.Discard()
			c, err := smpp.New(smpp.Config{Addr: fmt.Sprintf("127.0.0.1:%d", p.Port), SystemID: "hotline", Password: "secret",
				Source: "12345", NoReceipts: true, Window: 32})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if err := c.WaitBound(wctx); err != nil {
				b.Fatal(err)
			}
			for from := 0; from < b.N; from += 500 {
				if err := st.InTx(ctx, func(tx *store.Tx) error {
					for i := from; i < min(from+500, b.N); i++ {
						if err := tx.Enqueue(ctx, &store.OutboxMessage{Channel: "sms", Recipient: fmt.Sprintf("138%08d", i),
							Template: "received", Body: fmt.Sprintf("【12345】您的诉求已受理，工单号20261123%05d。", i)}); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			w := &outbox.Worker{Store: st, Senders: map[string]outbox.Sender{"sms": outbox.SMS{Client: c}}, Batch: 64}
			b.ResetTimer()
			start := time.Now()
			sent, err := w.Drain(ctx)
			if err != nil {
				b.Fatal(err)
			}
			el := time.Since(start)
			b.StopTimer()
			done, err := st.ListOutbox(ctx, store.OutboxFilter{Status: store.OutboxSent, Limit: 1})
			if err != nil || sent != b.N || len(done) != 1 {
				b.Fatalf("sent %d of %d: %v", sent, b.N, err)
			}
			if left, _ := st.ListOutbox(ctx, store.OutboxFilter{Status: store.OutboxFailed, Limit: 1}); len(left) != 0 {
				b.Fatalf("failed messages left: %+v", left[0])
			}
			b.ReportMetric(float64(b.N)/el.Seconds(), "msg/s")
			b.Logf("%s: %d SMS through the SMPP peer in %s: %.0f msg/s", be.Name, b.N, el.Round(time.Millisecond), float64(b.N)/el.Seconds())
		})
	}
}
