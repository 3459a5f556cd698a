package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
)

func (a *api) kbListAttachments(w http.ResponseWriter, r *http.Request, c *caller) {
	a.kbAttachmentList(w, r, c.Principal, false)
}

func (a *api) kbPublicListAttachments(w http.ResponseWriter, r *http.Request) {
	a.kbAttachmentList(w, r, access.Principal{}, true)
}

func (a *api) kbAttachmentList(w http.ResponseWriter, r *http.Request, p access.Principal, public bool) {
	list, err := a.articles().Attachments(r.Context(), p, r.PathValue("id"))
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	out := make([]articleAttachmentView, len(list))
	for i, att := range list {
		out[i] = articleAttachmentOf(att, public)
	}
	writeJSON(w, http.StatusOK, out)
}
