package httpapi

import (
	"io"
	"net/http"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
)

type articleAttachmentView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url" doc:"download address (the public one for the portal's list)"`
}

func articleAttachmentOf(a *store.ArticleAttachment, public bool) articleAttachmentView {
	base := "/api/v1/kb/articles/"
	if public {
		base = "/api/v1/public/kb/articles/"
	}
	return articleAttachmentView{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
		UploadedBy: a.UploadedBy, CreatedAt: a.CreatedAt, URL: base + a.ArticleID + "/attachments/" + a.ID}
}

func (a *api) kbUploadAttachment(w http.ResponseWriter, r *http.Request, c *caller) {
	a.receiveFile(w, r, func(name string, body io.Reader) (any, error) {
		att, err := a.articles().Attach(r.Context(), c.Principal, r.PathValue("id"), name, body)
		if err != nil {
			return nil, err
		}
		return articleAttachmentOf(att, false), nil
	}, a.textFail)
}
