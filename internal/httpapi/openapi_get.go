package httpapi

import (
	"encoding/json"
	"net/http"
)

// openAPI serves the document built from the route registry (built once, on first use).
func (a *api) openAPI(w http.ResponseWriter, r *http.Request) {
	a.docOnce.Do(func() { a.doc, a.docErr = json.MarshalIndent(a.document(), "", "  ") })
	if a.docErr != nil {
		a.fail(w, r, a.docErr)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(a.doc)
}
