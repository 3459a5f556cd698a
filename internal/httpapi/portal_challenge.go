package httpapi

import (
	"net/http"
	"time"
)

func (a *api) portalChallenge(w http.ResponseWriter, r *http.Request) {
	_, ch, err := a.portalKeys(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ch.New(time.Now()))
}
