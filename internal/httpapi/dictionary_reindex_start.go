package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/kb"
)

func (a *api) startReindex(w http.ResponseWriter, r *http.Request, c *caller) {
	rs, err := kb.RequestReindex(r.Context(), a.st, c.Principal, a.log)
	if err != nil {
		a.dictFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, rs)
}
