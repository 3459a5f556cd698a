package httpapi

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// cdrRecording serves a call's recording (or voicemail) from the data directory.
func (a *api) cdrRecording(w http.ResponseWriter, r *http.Request, c *caller) {
	rec, err := a.st.CallRecord(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rel := rec.RecordingPath
	if r.URL.Query().Get("kind") == "voicemail" {
		rel = rec.VoicemailPath
	}
	dir := ""
	if a.voice != nil {
		dir = a.voice.DataDir
	}
	if rel == "" || dir == "" {
		a.fail(w, r, &httpError{status: http.StatusNotFound, msg: "this call has no recording on this node"})
		return
	}
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
		a.fail(w, r, &httpError{status: http.StatusNotFound, msg: "not found"})
		return
	}
	f, err := os.Open(filepath.Join(dir, clean))
	if err != nil {
		a.fail(w, r, &httpError{status: http.StatusNotFound, msg: "the recording file is missing"})
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("recording downloaded", "call_id", rec.CallID, "by", c.Username, "role", c.Role)
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filepath.Base(clean)+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, filepath.Base(clean), fi.ModTime(), f)
}
