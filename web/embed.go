// Package web holds the built web app (Vue 3 + Element Plus, built by Vite from web/src into
// web/dist, which is committed) and serves it, so the binary needs no Node at run time.
// Rebuild with scripts/web-build.sh; scripts/web-check.sh fails when dist is stale.
package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built files, rooted at dist/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// Handler serves the single-page app: files under dist as they are (hashed assets cached for a
// year, immutable), index.html with no-cache for every client route (paths without a file
// extension), and 404 for missing files and for API paths the API did not answer.
func Handler() http.Handler { return newHandler(Dist()) }

type handler struct {
	files fs.FS
	gz    sync.Map // path → []byte, gzipped once on first request
}

func newHandler(files fs.FS) *handler { return &handler{files: files} }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	if p == "/api" || strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/open311/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":"not found"}` + "\n"))
		return
	}
	name := strings.TrimPrefix(p, "/")
	if name == "" || name == "index.html" {
		h.serveIndex(w, r)
		return
	}
	data, err := fs.ReadFile(h.files, name)
	if err != nil {
		if path.Ext(name) == "" {
			h.serveIndex(w, r) // a client-side route such as /tickets/2026112100001
			return
		}
		http.NotFound(w, r)
		return
	}
	if strings.HasPrefix(name, "assets/") {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	h.write(w, r, name, data)
}

func (h *handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	data, err := fs.ReadFile(h.files, "index.html")
	if err != nil {
		http.Error(w, "the web app is not built: run scripts/web-build.sh", http.StatusNotFound)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	h.write(w, r, "index.html", data)
}

func (h *handler) write(w http.ResponseWriter, r *http.Request, name string, data []byte) {
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Add("Vary", "Accept-Encoding")
	if len(data) > 1024 && compressible(ct) && acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		data = h.gzipped(name, data)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(data)
}

func (h *handler) gzipped(name string, data []byte) []byte {
	if v, ok := h.gz.Load(name); ok {
		return v.([]byte)
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	_, _ = zw.Write(data)
	_ = zw.Close()
	out := b.Bytes()
	h.gz.Store(name, out)
	return out
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") || strings.Contains(ct, "json") ||
		strings.Contains(ct, "svg")
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			continue
		}
		q := strings.TrimSpace(params)
		if v, ok := strings.CutPrefix(q, "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			return err == nil && f > 0
		}
		return true
	}
	return false
}
