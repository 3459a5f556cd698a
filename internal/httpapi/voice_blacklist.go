package httpapi

import (
	"context"
	"github.com/hotline-dev/hotline/internal/callcenter"
	"net/http"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
)

type blacklistRequest struct {
	Prefix bool       `json:"prefix"`          // every number starting with it
	Until  *time.Time `json:"until,omitempty"` // absent: for ever
	Reason string     `json:"reason"`
}

func (a *api) listBlacklist(w http.ResponseWriter, r *http.Request, c *caller) {
	list, err := a.st.Blacklist(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if list == nil {
		list = []*store.BlacklistEntry{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (a *api) putBlacklist(w http.ResponseWriter, r *http.Request, c *caller) {
	number := r.PathValue("number")
	if !callcenter.ValidDialString(number) {
		a.fail(w, r, fieldError("number", "digits only (a leading + allowed)"))
		return
	}
	var req blacklistRequest
	if err := decode(w, r, &req, false); err != nil {
		a.fail(w, r, err)
		return
	}
	if strings.TrimSpace(req.Reason) == "" {
		a.fail(w, r, fieldError("reason", "required"))
		return
	}
	if req.Until != nil && !req.Until.After(time.Now()) {
		a.fail(w, r, fieldError("until", "must be in the future"))
		return
	}
	e := &store.BlacklistEntry{Number: number, Prefix: req.Prefix, Until: req.Until, Reason: strings.TrimSpace(req.Reason), CreatedBy: c.Username}
	ctx := r.Context()
	if err := a.st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveBlacklistEntry(ctx, e) }); err != nil {
		a.fail(w, r, err)
		return
	}
	a.refreshVoice()
	e.CreatedAt = time.Now().UTC()
	writeJSON(w, http.StatusOK, e)
}

func (a *api) deleteBlacklist(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	if err := a.st.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteBlacklistEntry(ctx, r.PathValue("number")) }); err != nil {
		a.fail(w, r, err)
		return
	}
	a.refreshVoice()
	w.WriteHeader(http.StatusNoContent)
}

// refreshVoice makes this node's call centre reread the numbers and the blacklist now.
func (a *api) refreshVoice() {
	if a.voice == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if a.voice.Plan != nil {
		a.voice.Plan.Refresh(ctx)
	}
	if a.voice.Blacklist != nil {
		a.voice.Blacklist.Refresh(ctx)
	}
}
