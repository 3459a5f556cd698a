package smpp

import (
	"github.com/hotline-dev/hotline/internal/testpeer"

	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
)

// Throughput of short UCS-2 texts to the real npm smpp peer over loopback,
// receipts on, with the default window of 10.
func BenchmarkSendToPeer(b *testing.B) {
	p := testpeer.Start(b, "smpp-server.js", "0")
	s := newSink()
	cfg := s.config("127.0.0.1:" + strconv.Itoa(p.Port))
	cfg.OnReceipt = func(Receipt) error { return nil }
	p.Discard()
	c, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitBound(context.Background()); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.SetParallelism(10)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := c.Send(context.Background(), Message{OutboxID: fmt.Sprint("bench-", i), To: "13800138000", Text: "您的诉求已受理，请留意短信。"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
}
