package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/importer"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

func TestTextAPI(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t))
			kb.Wire(e.Service)
			var created []tk
			for _, body := range []map[string]any{
				{"subject": "夜间施工噪音扰民", "description": "工地每晚十一点后还在施工，噪音很大", "phone": "13800000001", "address": "幸福路8号"},
				{"subject": "夜间施工噪音扰民", "description": "工地每晚十一点后还在施工，噪音很大，影响休息", "phone": "13800000002", "address": "幸福路8号"},
				{"subject": "小区停车费上涨", "description": "物业公司擅自上调停车费", "phone": "13800000003"},
			} {
				var out tk
				if st := e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], body, &out); st != http.StatusCreated {
					t.Fatalf("register: %d", st)
				}
				created = append(created, out)
			}
			type hits struct {
				Items []struct {
					Ticket      tk     `json:"ticket"`
					SubjectHTML string `json:"subject_html"`
				} `json:"items"`
				AnyWord bool `json:"any_word"`
				Pending *int `json:"pending"`
			}
			var h hits
			if st := e.Do("GET", "/api/v1/search?q="+url.QueryEscape("噪音"), e.Tokens["agent"], nil, &h); st != 200 || len(h.Items) != 2 || h.Pending == nil || *h.Pending != 0 {
				t.Fatalf("search 噪音: %d %+v", st, h)
			}
			if st := e.Do("GET", "/api/v1/search?q="+url.QueryEscape("停车"), e.Tokens["agent"], nil, &h); st != 200 || len(h.Items) != 1 || h.Items[0].SubjectHTML != "小区<mark>停车</mark>费上涨" {
				t.Fatalf("search 停车: %d %+v", st, h)
			}
			if st := e.Do("GET", "/api/v1/search?q="+url.QueryEscape("噪音"), e.Tokens["handler_water"], nil, &h); st != 200 || len(h.Items) != 0 {
				t.Fatalf("a department sees others' tickets: %d %+v", st, h)
			}
			if st := e.Do("GET", "/api/v1/search?q=x&limit=0", e.Tokens["agent"], nil, nil); st != 400 {
				t.Fatalf("bad limit: %d", st)
			}

			var dups []struct {
				Number string  `json:"number"`
				Score  float64 `json:"score"`
			}
			if st := e.Do("GET", "/api/v1/tickets/"+created[0].Number+"/duplicates", e.Tokens["agent"], nil, &dups); st != 200 || len(dups) == 0 || dups[0].Number != created[1].Number {
				t.Fatalf("duplicates: %d %+v", st, dups)
			}
			var hw struct {
				Terms []struct{ Text string } `json:"terms"`
			}
			if st := e.Do("GET", "/api/v1/hotwords", e.Tokens["leader"], nil, &hw); st != 200 || len(hw.Terms) == 0 {
				t.Fatalf("hot words: %d %+v", st, hw)
			}

			// Knowledge base: draft → review → published, found by a two-character word.
			var art struct {
				ID      string `json:"id"`
				State   string `json:"state"`
				Version int    `json:"version"`
			}
			body := map[string]any{"title": "小区停车收费标准", "body": "按政府指导价执行", "answers": []string{"您好，停车收费按规定执行。"}, "public": true}
			if st := e.Do("POST", "/api/v1/kb/articles", e.Tokens["agent"], body, &art); st != 201 || art.State != "draft" {
				t.Fatalf("create article: %d %+v", st, art)
			}
			if st := e.Do("POST", "/api/v1/kb/articles", e.Tokens["handler_a1"], body, nil); st != 403 {
				t.Fatalf("handler drafted: %d", st)
			}
			var found []struct{ Article struct{ ID string } }
			if st := e.Do("GET", "/api/v1/public/kb/articles?q="+url.QueryEscape("停车"), "", nil, &found); st != 200 || len(found) != 0 {
				t.Fatalf("draft public: %d %+v", st, found)
			}
			if st := e.Do("POST", "/api/v1/kb/articles/"+art.ID+"/approve", e.Tokens["dispatcher"], nil, nil); st != 409 {
				t.Fatalf("approve a draft: %d", st)
			}
			if st := e.Do("POST", "/api/v1/kb/articles/"+art.ID+"/submit", e.Tokens["agent"], nil, &art); st != 200 || art.State != "review" {
				t.Fatalf("submit: %d %+v", st, art)
			}
			if st := e.Do("POST", "/api/v1/kb/articles/"+art.ID+"/approve", e.Tokens["agent"], nil, nil); st != 403 {
				t.Fatalf("agent approved: %d", st)
			}
			if st := e.Do("POST", "/api/v1/kb/articles/"+art.ID+"/approve", e.Tokens["dispatcher"], map[string]string{"note": "ok"}, &art); st != 200 || art.State != "published" {
				t.Fatalf("approve: %d %+v", st, art)
			}
			if st := e.Do("GET", "/api/v1/public/kb/articles?q="+url.QueryEscape("停车"), "", nil, &found); st != 200 || len(found) != 1 {
				t.Fatalf("public search: %d %+v", st, found)
			}
			if st := e.Do("GET", "/api/v1/kb/articles?q="+url.QueryEscape("收费"), e.Tokens["handler_a1"], nil, &found); st != 200 || len(found) != 1 {
				t.Fatalf("staff search: %d %+v", st, found)
			}
			if st := e.Do("POST", "/api/v1/kb/articles/"+art.ID+"/use", e.Tokens["agent"], nil, nil); st != 204 {
				t.Fatalf("use: %d", st)
			}
			var versions []struct {
				Version int
				State   string
				ByName  string `json:"by_name"`
			}
			if st := e.Do("GET", "/api/v1/kb/articles/"+art.ID+"/versions", e.Tokens["agent"], nil, &versions); st != 200 || len(versions) != 3 {
				t.Fatalf("versions: %d %+v", st, versions)
			}
			// Who wrote each version, by name: the agent drafted and submitted, the dispatcher published.
			for _, v := range versions {
				want := map[string]string{"draft": "agent", "review": "agent", "published": "dispatcher"}[v.State]
				if want == "" || v.ByName != want {
					t.Errorf("version %d %s by %q, want %q", v.Version, v.State, v.ByName, want)
				}
			}

			// Suggestions: none before training, then from the imported reference tickets.
			req := map[string]string{"subject": "小区门口占道经营", "text": "小区门口每天晚上有很多流动摊贩占道经营，油烟噪音扰民，请城管处理。"}
			if st := e.Do("POST", "/api/v1/suggest", e.Tokens["agent"], req, nil); st != 503 {
				t.Fatalf("suggest before training: %d", st)
			}
			f, err := os.Open("../suggest/testdata/complaints-train.csv") // the repository's copy of ../shared/data
			if err != nil {
				t.Skip("reference data not here")
			}
			defer f.Close()
			ctx := context.Background()
			if _, err := importer.Tickets(ctx, e.Store, f, importer.Options{Channel: ticket.ChannelImport}); err != nil {
				t.Fatal(err)
			}
			if _, err := kb.For(e.Store).Train(ctx); err != nil {
				t.Fatal(err)
			}
			var sg struct {
				Suggestions []struct {
					CategoryPath []string `json:"category_path"`
					Confidence   float64  `json:"confidence"`
				} `json:"suggestions"`
				Abstained bool `json:"abstained"`
			}
			if st := e.Do("POST", "/api/v1/suggest", e.Tokens["agent"], req, &sg); st != 200 || sg.Abstained || len(sg.Suggestions) == 0 || sg.Suggestions[0].Confidence < 0.4 {
				t.Fatalf("suggest: %d %+v", st, sg)
			}
			if st := e.Do("POST", "/api/v1/suggest", e.Tokens["agent"], map[string]string{"subject": "啊"}, &sg); st != 200 || !sg.Abstained {
				t.Logf("one character: %+v", sg)
			}
			if st := e.Do("POST", "/api/v1/suggest", e.Tokens["agent"], map[string]string{}, nil); st != 400 {
				t.Fatalf("empty suggest: %d", st)
			}
		})
	}
}
