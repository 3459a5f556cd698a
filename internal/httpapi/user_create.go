package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workorder"
)

type userCreate struct {
	Username     string `json:"username"`
	Password     string `json:"password"`
	DisplayName  string `json:"display_name,omitempty"`
	Role         string `json:"role"`
	DepartmentID string `json:"department_id,omitempty"`
	PhoneGrant   bool   `json:"phone_grant,omitempty"`
	AgentExt     string `json:"agent_ext,omitempty" doc:"the call-centre extension (坐席分机) the user answers on"`
}

func (a *api) createUser(w http.ResponseWriter, r *http.Request, c *caller) {
	var in userCreate
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := workorder.MayManageUser(c.Principal, in.Role, in.DepartmentID); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.AgentExt != "" && !c.Has(access.ManageUsers) {
		a.fail(w, r, errForbidden) // seats are the centre's to assign, not a department's
		return
	}
	if msg, err := a.svc.CheckAgentExt(r.Context(), "", in.AgentExt); err != nil || msg != "" {
		if err == nil {
			err = fieldError("agent_ext", msg)
		}
		a.fail(w, r, err)
		return
	}
	u := &store.User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, DepartmentID: in.DepartmentID,
		PhoneGrant: in.PhoneGrant, AgentExt: in.AgentExt}
	if err := a.accounts.CreateUser(r.Context(), c.Username, u, in.Password); err != nil {
		a.fail(w, r, err)
		return
	}
	a.forgetNames()
	writeJSON(w, http.StatusCreated, userOf(u))
}
