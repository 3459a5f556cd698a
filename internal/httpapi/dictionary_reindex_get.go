package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/kb"
)

func (a *api) reindexState(w http.ResponseWriter, r *http.Request, c *caller) {
	rs, err := kb.ReindexStatus(r.Context(), a.st, c.Principal)
	if err != nil {
		a.dictFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rs)
}
