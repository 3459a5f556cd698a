package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
)

func (a *api) kbDownloadAttachment(w http.ResponseWriter, r *http.Request, c *caller) {
	a.kbAttachmentDownload(w, r, c.Principal, "private")
}

func (a *api) kbPublicDownloadAttachment(w http.ResponseWriter, r *http.Request) {
	a.kbAttachmentDownload(w, r, access.Principal{}, "public")
}

func (a *api) kbAttachmentDownload(w http.ResponseWriter, r *http.Request, p access.Principal, cache string) {
	att, f, err := a.articles().OpenAttachment(r.Context(), p, r.PathValue("id"), r.PathValue("att"))
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	defer f.Close()
	serveFile(w, r, att.File, f, cache)
}
