package httpapi

import (
	"net/http"
	"strings"
)

// notFound answers /api/ paths no route serves, in the API's JSON error format: 405 with
// Allow when the path exists under other methods, else 404. (ServeMux's own answers are
// plain text.) It is a fallback, not an endpoint, so the OpenAPI document leaves it out.
func (a *api) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "" && pattern != apiFallback {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		a.fail(w, r, &httpError{status: http.StatusMethodNotAllowed, msg: "method not allowed; use " + strings.Join(allow, ", ")})
		return
	}
	a.fail(w, r, &httpError{status: http.StatusNotFound, msg: "no such endpoint; see /api/v1/openapi.json"})
}

const apiFallback = "/api/"
