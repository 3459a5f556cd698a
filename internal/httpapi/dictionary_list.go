package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store"
)

var dictListParams = []param{
	{Name: "q", Description: "only words containing this text"},
	{Name: "limit", Type: "integer", Description: "words per page, default 50, at most 500"},
	{Name: "offset", Type: "integer", Description: "words to skip"},
}

type dictPage struct {
	Items []store.DictWord `json:"items"`
	Total int              `json:"total" doc:"words matching q"`
}

func (a *api) listDictionary(w http.ResponseWriter, r *http.Request, c *caller) {
	qv := r.URL.Query()
	f := store.DictionaryFilter{Q: qv.Get("q"), Limit: 50}
	fe := map[string]string{}
	if l := qv.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			fe["limit"] = "a number from 1 to 500"
		}
		f.Limit = n
	}
	if o := qv.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			fe["offset"] = "a number from 0"
		}
		f.Offset = n
	}
	if len(fe) > 0 {
		a.fail(w, r, badRequest("invalid query", fe))
		return
	}
	words, total, err := kb.ListWords(r.Context(), a.st, c.Principal, f)
	if err != nil {
		a.dictFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, dictPage{Items: words, Total: total})
}
