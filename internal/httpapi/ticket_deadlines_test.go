package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// The dispatcher sees the deadlines before dispatching, and the dispatch gives exactly those.
func TestDeadlinePreview(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := apitest.New(t, be.Open(t))
			now := time.Date(2026, 9, 30, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai, before National Day
			e.Service.Now = func() time.Time { return now }
			var tk struct{ Number string }
			if st := e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], map[string]any{"subject": "自来水停水三天", "description": "小区停水三天无人处理",
				"phone": "13812345678", "request_type": "complaint", "category_id": apitest.CatWater}, &tk); st != http.StatusCreated {
				t.Fatalf("create: %d", st)
			}
			var p struct {
				At             time.Time `json:"at"`
				SignDeadline   time.Time `json:"sign_deadline"`
				HandleDeadline time.Time `json:"handle_deadline"`
			}
			if st := e.Do("GET", "/api/v1/tickets/"+tk.Number+"/deadlines", e.Tokens["dispatcher"], nil, &p); st != http.StatusOK {
				t.Fatalf("preview: %d", st)
			}
			if !p.At.Equal(now) || !p.SignDeadline.After(now) || !p.HandleDeadline.After(p.SignDeadline) {
				t.Fatalf("preview %+v", p)
			}
			var d struct {
				Ticket struct {
					SignDeadline   time.Time `json:"sign_deadline"`
					HandleDeadline time.Time `json:"handle_deadline"`
				} `json:"ticket"`
			}
			if st := e.Do("POST", "/api/v1/tickets/"+tk.Number+"/dispatch", e.Tokens["dispatcher"], map[string]any{"department_id": apitest.Water}, &d); st != http.StatusOK {
				t.Fatalf("dispatch: %d", st)
			}
			if !d.Ticket.SignDeadline.Equal(p.SignDeadline) || !d.Ticket.HandleDeadline.Equal(p.HandleDeadline) {
				t.Errorf("dispatch gave %v / %v, the preview said %v / %v", d.Ticket.SignDeadline, d.Ticket.HandleDeadline, p.SignDeadline, p.HandleDeadline)
			}
			// Another department's user does not learn the ticket exists.
			if st := e.Do("GET", "/api/v1/tickets/"+tk.Number+"/deadlines", e.Tokens["handler_a1"], nil, nil); st != http.StatusNotFound {
				t.Errorf("other department: %d", st)
			}
		})
	}
}
