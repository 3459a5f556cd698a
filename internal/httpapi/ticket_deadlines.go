package httpapi

import (
	"net/http"
	"time"
)

type deadlinePreview struct {
	At             time.Time `json:"at" doc:"the instant the deadlines are counted from (now)"`
	SignDeadline   time.Time `json:"sign_deadline" doc:"签收时限 if dispatched now"`
	HandleDeadline time.Time `json:"handle_deadline" doc:"办理时限 if dispatched now"`
}

func (a *api) previewDeadlines(w http.ResponseWriter, r *http.Request, c *caller) {
	sign, handle, err := a.svc.DeadlinePreview(r.Context(), c.Principal, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, deadlinePreview{At: a.svc.Now().UTC(), SignDeadline: sign.UTC(), HandleDeadline: handle.UTC()})
}
