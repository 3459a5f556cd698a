package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/kb"
)

func (a *api) ticketDuplicates(w http.ResponseWriter, r *http.Request, c *caller) {
	dups, err := kb.Duplicates(r.Context(), a.svc, c.Principal, r.PathValue("number"))
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, dups)
}
