package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

type agentSaveRequest struct {
	Name string `json:"name"`
	// Password is the SIP digest password the agent's phone registers with; required for a
	// new agent, unchanged when left empty on an existing one.
	Password string         `json:"password,omitempty"`
	Skills   map[string]int `json:"skills" doc:"skill group (a hotline number) → level (业务级别) ≥ 1"`
	Order    int            `json:"order" doc:"seat order (座席编号) for agent-order queues; 0: the extension's number"`
}

// putVoiceAgent adds or changes an agent (坐席). The running call centre takes the change
// at once on this node and within its poll on others.
func (a *api) putVoiceAgent(w http.ResponseWriter, r *http.Request, c *caller) {
	ext := r.PathValue("ext")
	var req agentSaveRequest
	if err := decode(w, r, &req, false); err != nil {
		a.fail(w, r, err)
		return
	}
	fe := ticket.FieldErrors{}
	if !callcenter.ValidDialString(ext) || strings.HasPrefix(ext, "+") || len(ext) > 20 {
		fe["ext"] = "digits, at most 20"
	}
	req.Name = strings.TrimSpace(req.Name)
	if utf8.RuneCountInString(req.Name) > 50 {
		fe["name"] = "at most 50 characters"
	}
	if req.Password != "" && (len(req.Password) < 4 || len(req.Password) > 64) {
		fe["password"] = "4 to 64 characters"
	}
	if len(req.Skills) == 0 {
		fe["skills"] = "at least one skill group (a hotline number) with its level"
	}
	for g, l := range req.Skills {
		if !callcenter.ValidDialString(g) || l < 1 || l > 9 {
			fe["skills"] = fmt.Sprintf("%q: a hotline number with a level from 1 to 9", g)
		}
	}
	if req.Order < 0 {
		fe["order"] = "0 or more"
	}
	ctx := r.Context()
	old, err := a.st.VoiceAgent(ctx, ext)
	switch {
	case errors.Is(err, store.ErrNotFound):
		old = nil
		if req.Password == "" {
			fe["password"] = "required for a new agent"
		}
	case err != nil:
		a.fail(w, r, err)
		return
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	ag := &store.VoiceAgent{Ext: ext, Name: req.Name, Password: req.Password, Skills: req.Skills, Order: req.Order}
	if ag.Name == "" {
		ag.Name = ext
	}
	if ag.Password == "" {
		ag.Password = old.Password
	}
	if ag.Order == 0 {
		fmt.Sscan(ext, &ag.Order)
	}
	action := "voice.agent.update"
	if old == nil {
		action = "voice.agent.create"
	}
	err = a.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveVoiceAgent(ctx, ag); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: c.Username, Role: string(c.Role), Action: action, ObjectType: "voice_agent", ObjectID: ext})
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if a.voice != nil && a.voice.Server != nil {
		a.voice.Server.ReloadAgents(ctx)
	}
	views, err := a.agentViews(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, v := range views {
		if v.Ext == ext {
			status := http.StatusOK
			if old == nil {
				status = http.StatusCreated
			}
			writeJSON(w, status, v)
			return
		}
	}
	a.fail(w, r, store.ErrNotFound)
}
