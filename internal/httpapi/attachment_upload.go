package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/hotline-dev/hotline/internal/attach"
	"github.com/hotline-dev/hotline/internal/store"
)

// maxUpload bounds the whole multipart body: the file and a little room for the envelope.
const maxUpload = attach.MaxSize + 64<<10

type attachmentView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

func attachmentOf(a *store.Attachment) attachmentView {
	return attachmentView{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
		UploadedBy: a.UploadedBy, CreatedAt: a.CreatedAt, URL: "/api/v1/attachments/" + a.ID}
}

func (a *api) uploadAttachment(w http.ResponseWriter, r *http.Request, c *caller) {
	a.receiveFile(w, r, func(name string, body io.Reader) (any, error) {
		att, err := a.svc.Attach(r.Context(), c.Principal, r.PathValue("number"), name, body)
		if err != nil {
			return nil, err
		}
		return attachmentOf(att), nil
	}, a.fail)
}

// receiveFile streams the multipart field "file" to save and answers 201 with what save
// returns; fail maps save's errors.
func (a *api) receiveFile(w http.ResponseWriter, r *http.Request, save func(name string, body io.Reader) (any, error),
	fail func(http.ResponseWriter, *http.Request, error)) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		a.fail(w, r, &httpError{status: http.StatusUnsupportedMediaType, msg: "send the file as multipart/form-data in the field \"file\""})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		a.fail(w, r, badRequest("malformed multipart body", nil))
		return
	}
	// Stream the part straight to the store: a 20 MB photo never sits in memory whole.
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				a.fail(w, r, err)
				return
			}
			a.fail(w, r, fieldError("file", "a multipart field named \"file\" is required"))
			return
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		out, err := save(part.FileName(), part)
		part.Close()
		if err != nil {
			fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, out)
		return
	}
}
