package httpapi

import "net/http"

func (a *api) getPhoneInfo(w http.ResponseWriter, r *http.Request, c *caller) {
	info, err := a.svc.PhoneInfo(r.Context(), c.Principal, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}
