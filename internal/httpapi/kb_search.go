package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/ticket"
)

var kbPublicParams = []param{
	{Name: "q", Description: "words"},
	{Name: "category", Description: "category id"},
	{Name: "order", Description: "without q: uses, views or updated (default)"},
	{Name: "limit", Type: "integer", Description: "default 20, at most 200"},
}

var kbListParams = append([]param{{Name: "state", Description: "draft, review, published (default) or archived"}}, kbPublicParams...)

func kbQuery(v url.Values) (kb.ArticleQuery, error) {
	q := kb.ArticleQuery{Q: v.Get("q"), State: v.Get("state"), CategoryID: v.Get("category"), Order: v.Get("order")}
	fe := ticket.FieldErrors{}
	switch q.State {
	case "", kb.Draft, kb.Review, kb.Published, kb.Archived:
	default:
		fe["state"] = "one of draft, review, published, archived"
	}
	switch q.Order {
	case "", "uses", "views", "updated":
	default:
		fe["order"] = "one of uses, views, updated"
	}
	if l := v.Get("limit"); l != "" {
		var err error
		if q.Limit, err = strconv.Atoi(l); err != nil || q.Limit < 1 || q.Limit > 200 {
			fe["limit"] = "a number from 1 to 200"
		}
	}
	if len(fe) > 0 {
		return q, fe
	}
	return q, nil
}

func (a *api) kbSearch(w http.ResponseWriter, r *http.Request, c *caller) {
	a.kbSearchAs(w, r, c.Principal)
}

func (a *api) kbPublicSearch(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	v.Del("state")
	r.URL.RawQuery = v.Encode()
	a.kbSearchAs(w, r, access.Principal{})
}

func (a *api) kbSearchAs(w http.ResponseWriter, r *http.Request, p access.Principal) {
	q, err := kbQuery(r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	hits, err := a.articles().Search(r.Context(), p, q)
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, hits)
}
