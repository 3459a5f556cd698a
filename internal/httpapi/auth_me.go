package httpapi

import (
	"context"
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// allPerms lists the permissions in the order /auth/me reports them.
var allPerms = []access.Perm{access.CreateTicket, access.ViewTickets, access.ViewCitizens, access.EditCitizens,
	access.SeePhones, access.ManageOrg, access.ManageUsers, access.ManageDeptUser, access.ManageAPIKeys,
	access.ViewAudit, access.ImportTickets, access.ViewStats, access.ViewOutbox, access.ManageOutbox, access.ManageCalendar,
	access.ManageTimeLimits}

type me struct {
	ID             string          `json:"id"`
	Username       string          `json:"username"`
	DisplayName    string          `json:"display_name,omitempty"`
	Role           access.Role     `json:"role"`
	RoleName       string          `json:"role_name"`
	Kind           string          `json:"kind" doc:"user or apikey"`
	Permissions    []string        `json:"permissions"`
	Actions        []ticket.Action `json:"actions" doc:"lifecycle actions the role may take (scope still applies)"`
	Department     *org.Department `json:"department,omitempty"`
	PhonesUnmasked bool            `json:"phones_unmasked"`
	AgentExt       string          `json:"agent_ext,omitempty" doc:"the user's call-centre extension (坐席分机): the seat the agent desk shows"`
}

func (a *api) me(w http.ResponseWriter, r *http.Request, c *caller) {
	who, err := a.describe(r.Context(), c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, who)
}

func (a *api) describe(ctx context.Context, c *caller) (me, error) {
	m := me{ID: c.UserID, Username: c.Username, Role: c.Role, RoleName: roleNames[c.Role], Kind: "apikey",
		Permissions: []string{}, Actions: []ticket.Action{}, PhonesUnmasked: c.Has(access.SeePhones) || c.PhoneGrant, AgentExt: c.AgentExt}
	if c.User != nil {
		m.Kind, m.DisplayName = "user", c.User.DisplayName
	}
	for _, p := range allPerms {
		if c.Has(p) {
			m.Permissions = append(m.Permissions, string(p))
		}
	}
	for _, act := range ticket.Actions {
		if c.MayTake(act) {
			m.Actions = append(m.Actions, act)
		}
	}
	if c.DepartmentID != "" {
		depts, err := a.st.Departments(ctx)
		if err != nil {
			return m, err
		}
		if d, ok := org.NewTree(depts).Get(c.DepartmentID); ok {
			m.Department = &d
		}
	}
	return m, nil
}
