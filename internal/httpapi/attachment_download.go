package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/attach"
)

func (a *api) downloadAttachment(w http.ResponseWriter, r *http.Request, c *caller) {
	att, f, err := a.svc.Attachment(r.Context(), c.Principal, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	// Served as a download with the sniffed type, never rendered inline: an uploaded file
	// must not run as a page of this origin.
	w.Header().Set("Content-Type", att.ContentType)
	w.Header().Set("Content-Disposition", attach.Disposition(att.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("ETag", `"`+att.SHA256+`"`)
	http.ServeContent(w, r, "", att.CreatedAt, f)
}
