package httpapi

import (
	"context"
	"net/http"
	"time"
)

type health struct {
	Status string `json:"status"` // ok, starting or unavailable
	Error  string `json:"error,omitempty"`
}

// healthz answers 200 only when the node has started and the database answers, so a load
// balancer sends no traffic to a node that cannot serve it.
func (a *api) healthz(w http.ResponseWriter, r *http.Request) {
	if !a.ready() {
		writeJSON(w, http.StatusServiceUnavailable, health{Status: "starting"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.st.Ping(ctx); err != nil {
		a.log.Warn("healthz: database does not answer", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, health{Status: "unavailable", Error: "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, health{Status: "ok"})
}
