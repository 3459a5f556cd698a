package httpapi

import "net/http"

func (a *api) getTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	t, err := a.svc.Get(r.Context(), c.Principal, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.names(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, n.view(c.Principal, t))
}
