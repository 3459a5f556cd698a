package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/attach"
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
	// As ticket attachments: a download with the sniffed type, never rendered inline.
	w.Header().Set("Content-Type", att.ContentType)
	w.Header().Set("Content-Disposition", attach.Disposition(att.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", cache+", max-age=3600")
	w.Header().Set("ETag", `"`+att.SHA256+`"`)
	http.ServeContent(w, r, "", att.CreatedAt, f)
}
