package httpapi

import "net/http"

func (a *api) logout(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.Token != "" {
		if err := a.accounts.Logout(r.Context(), c.Token); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.clearSession(w, r)
	w.WriteHeader(http.StatusNoContent)
}
