package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// BenchmarkCreateTicket registers tickets over HTTP from parallel clients (go test -bench
// CreateTicket -cpu 32 for 32 clients), on each configured database.
func BenchmarkCreateTicket(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			e := apitest.New(b, be.Open(b))
			body := []byte(`{"description":"路口有人占道经营，影响通行","phone":"13812345678","category_id":"` + apitest.CatLeaf +
				`","region_id":"` + apitest.RegDist + `","citizen_name":"张三","fields":{"stall_count":{"type":"number","value":2}}}`)
			token := e.Tokens["agent"]
			// Keep-alive for every client: the default keeps 2 idle connections per host, so 32
			// clients would spend their time dialling instead of creating tickets.
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("POST", e.URL+"/api/v1/tickets", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					res, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, res.Body) // drained, so the connection is reused
					res.Body.Close()
					if res.StatusCode != http.StatusCreated {
						b.Fatalf("status %d", res.StatusCode)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
		})
	}
}
