package cli

import (
	"net/http"
)

// handler is a stand-in until internal/httpapi lands: /healthz only.
func handler(d serverDeps) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if !d.ready() || d.st.Ping(r.Context()) != nil {
			http.Error(w, `{"status":"starting"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})
	return mux
}
