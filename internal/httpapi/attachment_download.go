package httpapi

import (
	"io"
	"net/http"

	"github.com/hotline-dev/hotline/internal/attach"
	"github.com/hotline-dev/hotline/internal/store"
)

func (a *api) downloadAttachment(w http.ResponseWriter, r *http.Request, c *caller) {
	att, f, err := a.svc.Attachment(r.Context(), c.Principal, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	serveFile(w, r, att.File, f, "private")
}

// serveFile sends a stored file as a download with its sniffed type, never rendered
// inline: an uploaded file must not run as a page of this origin. cache is "private" or
// "public" (a published article's files).
func serveFile(w http.ResponseWriter, r *http.Request, meta store.File, content io.ReadSeeker, cache string) {
	w.Header().Set("Content-Type", meta.ContentType)
	w.Header().Set("Content-Disposition", attach.Disposition(meta.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", cache+", max-age=3600")
	w.Header().Set("ETag", `"`+meta.SHA256+`"`)
	http.ServeContent(w, r, "", meta.CreatedAt, content)
}
