package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/ticket"
)

var searchParams = []param{
	{Name: "q", Description: "words, a ticket number (prefix) or a phone number"},
	{Name: "state", Multi: true, Description: "one or more states"},
	{Name: "department", Description: "id of the department holding the ticket"},
	{Name: "category", Description: "category id; its whole subtree matches"},
	{Name: "region", Description: "region id; its whole subtree matches"},
	{Name: "from", Description: "created at or after: RFC 3339, or YYYY-MM-DD (Asia/Shanghai)"},
	{Name: "to", Description: "created before: RFC 3339, or YYYY-MM-DD (that whole day included)"},
	{Name: "limit", Type: "integer", Description: "page size, default 20, at most 200"},
	{Name: "offset", Type: "integer", Description: "hits to skip"},
}

type searchHit struct {
	Ticket      ticketView `json:"ticket"`
	Score       float64    `json:"score"`
	SubjectHTML string     `json:"subject_html" doc:"the subject, HTML-escaped, matches in <mark>"`
	SnippetHTML string     `json:"snippet_html" doc:"address, description and reply around the first match, HTML-escaped, matches in <mark>"`
}

type searchAnswer struct {
	Items   []searchHit `json:"items"`
	AnyWord bool        `json:"any_word" doc:"no ticket had every word; these have some"`
	Pending int         `json:"pending" doc:"tickets not yet searchable by their words: registered in a burst, waiting for the search indexer (seconds); a number or phone search finds them"`
}

func (a *api) searchTickets(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	n, err := a.names(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	qv := r.URL.Query()
	qv.Del("limit") // the list's limit allows 500; search has its own
	f, err := ticketFilter(qv, n)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := kb.SearchQuery{Q: r.URL.Query().Get("q"), States: f.States, CategoryIDs: f.CategoryIDs, RegionIDs: f.RegionIDs,
		DepartmentID: f.DepartmentID, From: f.From, To: f.To}
	fe := ticket.FieldErrors{}
	if l := r.URL.Query().Get("limit"); l != "" {
		if q.Limit, err = strconv.Atoi(l); err != nil || q.Limit < 1 || q.Limit > 200 {
			fe["limit"] = "a number from 1 to 200"
		}
	}
	if o := r.URL.Query().Get("offset"); o != "" {
		if q.Offset, err = strconv.Atoi(o); err != nil || q.Offset < 0 || q.Offset > 10000 {
			fe["offset"] = "a number from 0 to 10000"
		}
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	res, err := kb.SearchTickets(ctx, a.st, c.Principal, q)
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	out := searchAnswer{Items: make([]searchHit, 0, len(res.Hits)), AnyWord: res.Any, Pending: res.Pending}
	for _, h := range res.Hits {
		out.Items = append(out.Items, searchHit{Ticket: n.view(c.Principal, h.Ticket), Score: h.Score, SubjectHTML: h.Subject, SnippetHTML: h.Snippet})
	}
	writeJSON(w, http.StatusOK, out)
}
