package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hotline-dev/hotline/internal/acd"
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
	req.Name = strings.TrimSpace(req.Name)
	ctx := r.Context()
	old, err := a.st.VoiceAgent(ctx, ext)
	switch {
	case errors.Is(err, store.ErrNotFound):
		old = nil
	case err != nil:
		a.fail(w, r, err)
		return
	}
	fe := ticket.FieldErrors(acd.CheckAgent(acd.AgentSpec{Ext: ext, Name: req.Name, Password: req.Password,
		Skills: req.Skills, Order: req.Order, New: old == nil}))
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
