package httpapi

import "net/http"

func (a *api) kbRemoveAttachment(w http.ResponseWriter, r *http.Request, c *caller) {
	if err := a.articles().RemoveAttachment(r.Context(), c.Principal, r.PathValue("id"), r.PathValue("att")); err != nil {
		a.textFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
