package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/hotline-dev/hotline/internal/portal"
)

type portalPhoto struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	Photos int    `json:"photos" doc:"photos on the request now"`
}

var errPhotoTooLarge = &httpError{status: http.StatusRequestEntityTooLarge, msg: "a photo is at most 5 MB"}

// capped fails once more than n bytes have been read, so an oversized photo is refused
// before the store keeps it.
type capped struct {
	r io.Reader
	n int64
}

func (c *capped) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n -= int64(k)
	if c.n < 0 {
		return k, errPhotoTooLarge
	}
	return k, err
}

// portalPhoto takes one photo for a young request. The fields phone and lookup_token come
// before the file, so the file streams to the store once the caller is known.
func (a *api) portalPhoto(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		a.fail(w, r, &httpError{status: http.StatusUnsupportedMediaType, msg: "send the photo as multipart/form-data"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, portal.MaxPhotoSize+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		a.fail(w, r, badRequest("malformed multipart body", nil))
		return
	}
	form := map[string]string{}
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				a.fail(w, r, errPhotoTooLarge)
				return
			}
			a.fail(w, r, fieldError("file", "a multipart field named \"file\" is required, after phone and lookup_token"))
			return
		}
		if part.FormName() != "file" {
			b, _ := io.ReadAll(io.LimitReader(part, 256))
			form[part.FormName()] = strings.TrimSpace(string(b))
			part.Close()
			continue
		}
		defer part.Close()
		t, p, err := a.portalTicket(ctx, r.PathValue("number"), form["phone"])
		if err != nil {
			a.fail(w, r, err)
			return
		}
		secret, _, err := a.portalKeys(ctx)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !portal.CheckLookupToken(secret, t.ID, form["lookup_token"]) {
			a.fail(w, r, &httpError{status: http.StatusForbidden, msg: "photos are added with the token given when the request was submitted",
				fields: map[string]string{"lookup_token": "does not match this request"}})
			return
		}
		v, err := a.portalView(ctx, t)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !v.MayAddPhotos {
			msg := "photos are taken only until a department accepts the request"
			if v.Photos >= portal.MaxPhotos {
				msg = "this request has as many photos as it may (6)"
			}
			a.fail(w, r, &httpError{status: http.StatusConflict, msg: msg})
			return
		}
		head := make([]byte, 512)
		k, err := io.ReadFull(part, head)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			a.fail(w, r, err)
			return
		}
		head = head[:k]
		if !portal.PhotoTypes[http.DetectContentType(head)] || k == 0 {
			a.fail(w, r, &httpError{status: http.StatusUnsupportedMediaType, msg: "only photos (JPEG, PNG, GIF, WebP) are taken",
				fields: map[string]string{"file": "not an image"}})
			return
		}
		body := &capped{r: io.MultiReader(bytes.NewReader(head), part), n: portal.MaxPhotoSize}
		att, err := a.svc.Attach(ctx, p, t.Number, part.FileName(), body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				err = errPhotoTooLarge
			}
			a.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, portalPhoto{Name: att.Name, Size: att.Size, Photos: v.Photos + 1})
		return
	}
}
