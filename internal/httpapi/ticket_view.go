package httpapi

import (
	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// ticketView is a ticket as the API shows it: the ticket, names for its ids, and what the
// caller may do with it next.
type ticketView struct {
	*ticket.Ticket
	StateName            string          `json:"state_name"`
	CategoryPath         []string        `json:"category_path,omitempty" doc:"names from the top level down"`
	RegionPath           []string        `json:"region_path,omitempty"`
	DepartmentName       string          `json:"department_name,omitempty"`
	ParentDepartmentName string          `json:"parent_department_name,omitempty"`
	CoDepartmentNames    []string        `json:"co_department_names,omitempty"`
	HandlerName          string          `json:"handler_name,omitempty"`
	AllowedActions       []ticket.Action `json:"allowed_actions" doc:"actions the caller may take now"`
}

// names resolves the organisation ids of tickets; loaded once per request.
type names struct {
	depts   *org.Tree[org.Department]
	cats    *org.Tree[org.Category]
	regions *org.Tree[org.Region]
	people  map[string]string // user id or "apikey:<id>" → display name
}

func (n *names) dept(id string) string {
	d, _ := n.depts.Get(id)
	return d.Name
}

func (n *names) view(p access.Principal, t *ticket.Ticket) ticketView {
	v := ticketView{Ticket: t, StateName: stateNames[t.State], DepartmentName: n.dept(t.DepartmentID),
		ParentDepartmentName: n.dept(t.ParentDepartmentID), HandlerName: n.people[t.HandlerID], AllowedActions: nonNil(p.ActionsOn(t))}
	if t.CategoryID != "" {
		v.CategoryPath = org.CategoryPath(n.cats, t.CategoryID)
	}
	for _, r := range n.regions.Path(t.RegionID) {
		v.RegionPath = append(v.RegionPath, r.Name)
	}
	for _, d := range t.CoDepartmentIDs {
		v.CoDepartmentNames = append(v.CoDepartmentNames, n.dept(d))
	}
	return v
}
