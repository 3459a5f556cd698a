package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store"
)

func (a *api) removeDictionaryWord(w http.ResponseWriter, r *http.Request, c *caller) {
	word, builtIn, err := kb.RemoveWord(r.Context(), a.st, c.Principal, r.PathValue("word"))
	if err != nil {
		a.dictFail(w, r, err)
		return
	}
	rs, err := kb.RequestReindex(r.Context(), a.st, c.Principal, a.log)
	if err != nil {
		a.dictFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, dictEdit{Word: store.DictWord{Word: word}, BuiltIn: builtIn, Reindex: rs})
}
