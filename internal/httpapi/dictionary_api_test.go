package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// TestDictionaryAPI edits the city dictionary (城市词典) through the API and shows what it is
// for: 柳荫湾 (an invented place) is split 柳荫 · 湾里 in "柳荫湾里小区停水", so before the word
// is known a search for it finds that ticket only by some of its words; once added and
// re-indexed, the ticket has the word itself.
func TestDictionaryAPI(t *testing.T) {
	if err := kb.IndexAlways(); err != nil {
		t.Fatal(err)
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t))
			kb.Wire(e.Service)
			var ticket tk
			if st := e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], map[string]any{"subject": "柳荫湾里小区停水",
				"description": "从昨天早上开始停水，没有通知", "phone": "13800000011"}, &ticket); st != http.StatusCreated {
				t.Fatalf("register: %d", st)
			}
			type hits struct {
				Items []struct {
					Ticket      tk     `json:"ticket"`
					SubjectHTML string `json:"subject_html"`
				} `json:"items"`
				AnyWord bool `json:"any_word"`
			}
			// found reports whether the ticket is a hit having every word of the query.
			found := func(q string) (bool, hits) {
				t.Helper()
				var h hits
				if st := e.Do("GET", "/api/v1/search?q="+url.QueryEscape(q), e.Tokens["agent"], nil, &h); st != 200 {
					t.Fatalf("search %s: %d", q, st)
				}
				for _, it := range h.Items {
					if it.Ticket.Number == ticket.Number && !h.AnyWord {
						return true, h
					}
				}
				return false, h
			}
			waitReindex := func() {
				t.Helper()
				deadline := time.Now().Add(60 * time.Second)
				for {
					var rs kb.ReindexState
					if st := e.Do("GET", "/api/v1/dictionary/reindex", e.Tokens["admin"], nil, &rs); st != 200 {
						t.Fatalf("reindex state: %d", st)
					}
					if !rs.Running && rs.Pending == 0 {
						if rs.LastErr != "" {
							t.Fatalf("reindex: %s", rs.LastErr)
						}
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("reindex did not finish: %+v", rs)
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			if ok, h := found("柳荫湾"); ok {
				t.Fatalf("precondition: 柳荫湾 found as a whole before it is a word: %+v", h)
			}

			// Bad input changes nothing.
			for _, bad := range []map[string]any{{"word": "湾"}, {"word": "柳荫湾!"}, {"word": "柳荫湾", "frequency": -1}, {"word": "柳荫湾", "pos": "NS1"}} {
				var eb struct {
					Fields map[string]string `json:"fields"`
				}
				if st := e.Do("POST", "/api/v1/dictionary", e.Tokens["admin"], bad, &eb); st != 400 || len(eb.Fields) == 0 {
					t.Fatalf("bad word %v: %d %+v", bad, st, eb)
				}
			}
			if st := e.Do("POST", "/api/v1/dictionary", e.Tokens["agent"], map[string]any{"word": "柳荫湾"}, nil); st != 403 {
				t.Fatalf("agent edited the dictionary: %d", st)
			}
			var page struct {
				Items []struct {
					Word      string `json:"word"`
					CreatedBy string `json:"created_by"`
				} `json:"items"`
				Total int `json:"total"`
			}
			if st := e.Do("GET", "/api/v1/dictionary", e.Tokens["admin"], nil, &page); st != 200 || page.Total != 0 {
				t.Fatalf("dictionary after refused edits: %d %+v", st, page)
			}

			var edit struct {
				Word struct {
					Word string `json:"word"`
				} `json:"word"`
				BuiltIn bool `json:"built_in"`
			}
			if st := e.Do("POST", "/api/v1/dictionary", e.Tokens["admin"], map[string]any{"word": "柳荫湾", "pos": "ns"}, &edit); st != 201 || edit.Word.Word != "柳荫湾" {
				t.Fatalf("add: %d %+v", st, edit)
			}
			if st := e.Do("POST", "/api/v1/dictionary", e.Tokens["admin"], map[string]any{"word": "柳荫湾"}, nil); st != 409 {
				t.Fatalf("add twice: %d", st)
			}
			waitReindex()
			ok, h := found("柳荫湾")
			if !ok || !strings.Contains(h.Items[0].SubjectHTML, "<mark>柳荫湾</mark>") {
				t.Fatalf("after add and reindex, 柳荫湾 not found as a whole: %+v", h)
			}
			if st := e.Do("GET", "/api/v1/dictionary?q="+url.QueryEscape("荫湾")+"&limit=10", e.Tokens["admin"], nil, &page); st != 200 || page.Total != 1 || page.Items[0].Word != "柳荫湾" {
				t.Fatalf("list: %d %+v", st, page)
			}
			if st := e.Do("GET", "/api/v1/dictionary?limit=0", e.Tokens["admin"], nil, nil); st != 400 {
				t.Fatalf("bad limit: %d", st)
			}

			// A built-in word can be listed and removed from the city dictionary, but stays a word.
			if st := e.Do("POST", "/api/v1/dictionary", e.Tokens["admin"], map[string]any{"word": "小区"}, nil); st != 201 {
				t.Fatalf("add 小区: %d", st)
			}
			if st := e.Do("DELETE", "/api/v1/dictionary/"+url.PathEscape("小区"), e.Tokens["admin"], nil, &edit); st != 200 || !edit.BuiltIn {
				t.Fatalf("remove 小区: %d %+v", st, edit)
			}
			if st := e.Do("DELETE", "/api/v1/dictionary/"+url.PathEscape("柳荫湾"), e.Tokens["agent"], nil, nil); st != 403 {
				t.Fatalf("agent removed a word: %d", st)
			}
			edit.BuiltIn = false // omitted when false
			if st := e.Do("DELETE", "/api/v1/dictionary/"+url.PathEscape("柳荫湾"), e.Tokens["admin"], nil, &edit); st != 200 || edit.BuiltIn {
				t.Fatalf("remove: %d %+v", st, edit)
			}
			if st := e.Do("DELETE", "/api/v1/dictionary/"+url.PathEscape("柳荫湾"), e.Tokens["admin"], nil, nil); st != 404 {
				t.Fatalf("remove twice: %d", st)
			}
			waitReindex()
			if ok, h := found("柳荫湾"); ok {
				t.Fatalf("after removal and reindex, 柳荫湾 still a whole word: %+v", h)
			}
		})
	}
}
