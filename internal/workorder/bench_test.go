package workorder_test

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// BenchmarkRegister measures ticket registration through the service (no HTTP) with 32
// concurrent callers, on each configured database.
func BenchmarkRegister(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b)
			svc := workorder.New(st, b.TempDir(), nil)
			p := access.Principal{UserID: "u1", Username: "agent", Role: access.Agent}
			var n atomic.Int64
			b.SetParallelism(16) // 16 × GOMAXPROCS(2) = 32 callers
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					_, err := svc.Register(ctx, p, &ticket.Ticket{Subject: "小区噪音扰民", Description: "夜间施工",
						Phone: fmt.Sprintf("139%08d", i%5000)}, "")
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
		})
	}
	_ = os.Getenv
}
