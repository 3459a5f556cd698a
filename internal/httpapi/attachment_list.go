package httpapi

import "net/http"

func (a *api) listAttachments(w http.ResponseWriter, r *http.Request, c *caller) {
	list, err := a.svc.Attachments(r.Context(), c.Principal, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]attachmentView, len(list))
	for i, att := range list {
		out[i] = attachmentOf(att)
	}
	writeJSON(w, http.StatusOK, out)
}
