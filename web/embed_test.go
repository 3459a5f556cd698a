package web

import (
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandler(t *testing.T) {
	js := strings.Repeat("console.log('hotline');\n", 200)
	h := newHandler(fstest.MapFS{
		"index.html":             {Data: []byte(`<!doctype html><div id="app"></div>`)},
		"assets/index-AbC123.js": {Data: []byte(js)},
		"robots.txt":             {Data: []byte("User-agent: *\n")},
	})
	for _, tc := range []struct {
		path, wantCT, wantCache string
		status                  int
		wantBody                string
	}{
		{"/", "text/html", "no-cache", 200, `<div id="app">`},
		{"/index.html", "text/html", "no-cache", 200, `<div id="app">`},
		{"/tickets/2026112100001", "text/html", "no-cache", 200, `<div id="app">`}, // client route
		{"/admin/regions", "text/html", "no-cache", 200, `<div id="app">`},
		{"/assets/index-AbC123.js", "javascript", "immutable", 200, "console.log"},
		{"/robots.txt", "text/plain", "no-cache", 200, "User-agent"},
		{"/assets/missing-XyZ.js", "", "", 404, ""},
		{"/api/v1/nothing", "application/json", "", 404, `"error"`},
		{"/open311/v2/nothing", "application/json", "", 404, `"error"`},
	} {
		w := get(t, h, "GET", tc.path, nil)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, w.Code, tc.status)
			continue
		}
		if !strings.Contains(w.Header().Get("Content-Type"), tc.wantCT) {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, w.Header().Get("Content-Type"), tc.wantCT)
		}
		if !strings.Contains(w.Header().Get("Cache-Control"), tc.wantCache) {
			t.Errorf("%s: Cache-Control %q, want %q", tc.path, w.Header().Get("Cache-Control"), tc.wantCache)
		}
		if !strings.Contains(w.Body.String(), tc.wantBody) {
			t.Errorf("%s: body %.80q lacks %q", tc.path, w.Body.String(), tc.wantBody)
		}
	}

	if w := get(t, h, "POST", "/", nil); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", w.Code)
	}
	if w := get(t, h, "HEAD", "/assets/index-AbC123.js", nil); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, body %d bytes, length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}

	// gzip when asked for, and the same bytes once unpacked; not when refused with q=0.
	w := get(t, h, "GET", "/assets/index-AbC123.js", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != js {
		t.Error("gzipped body differs from the file")
	}
	if w := get(t, h, "GET", "/assets/index-AbC123.js", map[string]string{"Accept-Encoding": "gzip;q=0"}); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent although refused with q=0")
	}
}

// TestDistBuilt checks the committed build is embedded: index.html loads hashed assets that exist.
func TestDistBuilt(t *testing.T) {
	d := Dist()
	index, err := fs.ReadFile(d, "index.html")
	if err != nil {
		t.Fatalf("web/dist/index.html missing: run scripts/web-build.sh (%v)", err)
	}
	s := string(index)
	if !strings.Contains(s, `lang="zh-CN"`) || !strings.Contains(s, "/assets/") {
		t.Fatalf("index.html does not look built: %.200s", s)
	}
	for _, part := range strings.Split(s, `"/assets/`)[1:] {
		name := "assets/" + part[:strings.IndexByte(part, '"')]
		if _, err := fs.Stat(d, name); err != nil {
			t.Errorf("index.html refers to %s, which is not in dist", name)
		}
	}
	if strings.Contains(s, "http://") || strings.Contains(s, "https://") {
		t.Error("index.html loads something from the internet")
	}
}
