package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

func uploadToArticle(t *testing.T, e *apitest.Env, token, id, name string, data []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	res := e.Raw("POST", "/api/v1/kb/articles/"+id+"/attachments", token, buf.Bytes(), http.Header{"Content-Type": {mw.FormDataContentType()}})
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// Knowledge articles carry attachments with the ticket attachments' machinery; they belong
// to the article (a new version keeps them), and a public published article's files are
// downloadable without login.
func TestArticleAttachments(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t))
			var art struct {
				ID      string `json:"id"`
				State   string `json:"state"`
				Version int    `json:"version"`
			}
			body := map[string]any{"title": "居住证办理指南", "body": "携带身份证和租房合同", "answers": []string{"您好，请携带身份证办理。"}, "public": true}
			if st := e.Do("POST", "/api/v1/kb/articles", e.Tokens["agent"], body, &art); st != 201 {
				t.Fatalf("create: %d", st)
			}
			list := func(token, base string) (int, []map[string]any) {
				t.Helper()
				res := e.Raw("GET", base+art.ID+"/attachments", token, nil, nil)
				defer res.Body.Close()
				var out []map[string]any
				if res.StatusCode == 200 {
					if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
						t.Fatal(err)
					}
				}
				return res.StatusCode, out
			}
			download := func(url string) (int, []byte, http.Header) {
				t.Helper()
				res := e.Raw("GET", url, "", nil, nil)
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, b, res.Header
			}

			// Refused uploads store nothing.
			if st, _ := uploadToArticle(t, e, e.Tokens["handler_a1"], art.ID, "表.png", png); st != 403 {
				t.Fatalf("handler uploaded: %d", st)
			}
			if st, _ := uploadToArticle(t, e, e.Tokens["agent"], "no-such-article", "表.png", png); st != 404 {
				t.Fatalf("upload to a missing article: %d", st)
			}
			if st, out := uploadToArticle(t, e, e.Tokens["agent"], art.ID, "run.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00")); st < 400 || st >= 500 {
				t.Fatalf("an executable was accepted: %d %v", st, out)
			}
			if st, items := list(e.Tokens["agent"], "/api/v1/kb/articles/"); st != 200 || len(items) != 0 {
				t.Fatalf("after refused uploads: %d %v", st, items)
			}

			st, att := uploadToArticle(t, e, e.Tokens["agent"], art.ID, "办理流程图.png", png)
			if st != 201 || att["content_type"] != "image/png" || att["name"] != "办理流程图.png" || att["size"].(float64) != float64(len(png)) {
				t.Fatalf("upload: %d %v", st, att)
			}
			attID := att["id"].(string)
			if st, items := list(e.Tokens["leader"], "/api/v1/kb/articles/"); st != 200 || len(items) != 1 || items[0]["id"] != attID {
				t.Fatalf("staff list: %d %v", st, items)
			}
			publicURL := "/api/v1/public/kb/articles/" + art.ID + "/attachments/" + attID
			if st, _ := list("", "/api/v1/public/kb/articles/"); st != 404 {
				t.Fatalf("public list of a draft: %d", st)
			}
			if st, _, _ := download(publicURL); st != 404 {
				t.Fatalf("public download from a draft: %d", st)
			}
			publish := func() {
				t.Helper()
				if st := e.Do("POST", "/api/v1/kb/articles/"+art.ID+"/submit", e.Tokens["agent"], nil, nil); st != 200 {
					t.Fatalf("submit: %d", st)
				}
				if st := e.Do("POST", "/api/v1/kb/articles/"+art.ID+"/approve", e.Tokens["dispatcher"], nil, nil); st != 200 {
					t.Fatalf("approve: %d", st)
				}
			}
			publish()
			if st, items := list("", "/api/v1/public/kb/articles/"); st != 200 || len(items) != 1 || items[0]["url"] != publicURL {
				t.Fatalf("public list: %d %v", st, items)
			}
			st, got, h := download(publicURL)
			if st != 200 || !bytes.Equal(got, png) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("public download: %d %d bytes %v", st, len(got), h)
			}
			res := e.Raw("GET", "/api/v1/kb/articles/"+art.ID+"/attachments/"+attID, e.Tokens["agent"], nil, nil)
			got, _ = io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !bytes.Equal(got, png) {
				t.Fatalf("staff download: %d", res.StatusCode)
			}

			// A new version keeps the attachment.
			body["body"] = "携带身份证、租房合同和照片"
			if st := e.Do("PUT", "/api/v1/kb/articles/"+art.ID, e.Tokens["agent"], body, &art); st != 200 || art.Version != 2 {
				t.Fatalf("edit: %d %+v", st, art)
			}
			if st, items := list(e.Tokens["agent"], "/api/v1/kb/articles/"); st != 200 || len(items) != 1 {
				t.Fatalf("after a new version: %d %v", st, items)
			}
			publish()
			if st, got, _ := download(publicURL); st != 200 || !bytes.Equal(got, png) {
				t.Fatalf("public download after version 2: %d", st)
			}

			// Only an editor's removal drops it.
			if st := e.Do("DELETE", "/api/v1/kb/articles/"+art.ID+"/attachments/"+attID, e.Tokens["handler_a1"], nil, nil); st != 403 {
				t.Fatalf("handler removed: %d", st)
			}
			if st := e.Do("DELETE", "/api/v1/kb/articles/"+art.ID+"/attachments/"+attID, e.Tokens["agent"], nil, nil); st != 204 {
				t.Fatalf("remove: %d", st)
			}
			if st := e.Do("DELETE", "/api/v1/kb/articles/"+art.ID+"/attachments/"+attID, e.Tokens["agent"], nil, nil); st != 404 {
				t.Fatalf("remove twice: %d", st)
			}
			if st, items := list("", "/api/v1/public/kb/articles/"); st != 200 || len(items) != 0 {
				t.Fatalf("public list after removal: %d %v", st, items)
			}
			if st, _, _ := download(publicURL); st != 404 {
				t.Fatalf("public download after removal: %d", st)
			}

			// A published article that is not public keeps its files from the portal.
			var private struct{ ID string }
			if st := e.Do("POST", "/api/v1/kb/articles", e.Tokens["agent"], map[string]any{"title": "内部口径", "body": "仅供话务员"}, &private); st != 201 {
				t.Fatalf("create private: %d", st)
			}
			if st, _ := uploadToArticle(t, e, e.Tokens["agent"], private.ID, "口径.png", png); st != 201 {
				t.Fatalf("upload private: %d", st)
			}
			art.ID = private.ID
			publish()
			if st, _ := list("", "/api/v1/public/kb/articles/"); st != 404 {
				t.Fatalf("public list of a private article: %d", st)
			}
		})
	}
}
