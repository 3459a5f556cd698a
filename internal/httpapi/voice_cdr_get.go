package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/store"
)

func (a *api) getCDR(w http.ResponseWriter, r *http.Request, c *caller) {
	rec, err := a.st.CallRecord(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	maskRecords(c, []*store.CallRecord{rec})
	writeJSON(w, http.StatusOK, rec)
}
