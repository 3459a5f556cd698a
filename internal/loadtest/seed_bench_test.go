package loadtest

import (
	"context"
	"testing"

	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// BenchmarkSeed profiles the seeder: go test -run '^$' -bench Seed -cpuprofile cpu.out ./internal/loadtest
func BenchmarkSeed(b *testing.B) {
	for i := 0; i < b.N; i++ {
		st := storetest.SQLite(b)
		res, err := Seed(context.Background(), st, SeedOptions{Tickets: 30000, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.PerSecond, "tickets/s")
	}
}
