package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hotline-dev/hotline/internal/store"
)

func (a *api) listCallBacks(w http.ResponseWriter, r *http.Request, c *caller) {
	f := store.CallRecordFilter{CallBack: true, Before: r.URL.Query().Get("cursor")}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			a.fail(w, r, fieldError("limit", "want 1 to 500"))
			return
		}
		f.Limit = n
	}
	a.writeCDRPage(w, r, c, f)
}

func (a *api) callBackDone(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	by := c.Username
	if err := a.st.InTx(ctx, func(tx *store.Tx) error { return tx.MarkCalledBack(ctx, r.PathValue("id"), by) }); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
