package httpapi

import (
	"errors"
	"net/http"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/store"
)

type agentStateRequest struct {
	State string `json:"state"` // ready, not-ready, signed-out
}

// setVoiceAgentState applies the state on this node at once and records the request in the
// database, so the other nodes apply it too.
func (a *api) setVoiceAgentState(w http.ResponseWriter, r *http.Request, c *caller) {
	var req agentStateRequest
	if err := decode(w, r, &req, false); err != nil {
		a.fail(w, r, err)
		return
	}
	st, err := storeports.ParseState(req.State)
	if err != nil {
		a.fail(w, r, fieldError("state", "want ready, not-ready or signed-out"))
		return
	}
	ext := r.PathValue("ext")
	if !c.MaySetAgentState(ext) {
		a.fail(w, r, errForbidden) // an agent drives their own seat only
		return
	}
	ctx := r.Context()
	if err := a.st.InTx(ctx, func(tx *store.Tx) error { return tx.RequestVoiceAgentState(ctx, ext, st.String()) }); err != nil {
		a.fail(w, r, err)
		return
	}
	if a.voice != nil && a.voice.Server != nil {
		switch err := a.voice.Server.SetAgentState(ext, st); {
		case errors.Is(err, acd.ErrAgentOnCall):
			a.fail(w, r, &httpError{status: http.StatusConflict, msg: "the agent is ringing or on a call"})
			return
		case err != nil && !errors.Is(err, acd.ErrUnknownAgent):
			a.fail(w, r, err)
			return
		}
	}
	views, err := a.agentViews(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, v := range views {
		if v.Ext == ext {
			writeJSON(w, http.StatusOK, v)
			return
		}
	}
	a.fail(w, r, store.ErrNotFound)
}
