package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/ticket"
)

type eventView struct {
	ticket.Event
	ActionName     string `json:"action_name"`
	ActorName      string `json:"actor_name,omitempty"`
	DepartmentName string `json:"department_name,omitempty"`
}

func (a *api) ticketEvents(w http.ResponseWriter, r *http.Request, c *caller) {
	evs, err := a.svc.Events(r.Context(), c.Principal, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.names(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]eventView, len(evs))
	for i, ev := range evs {
		out[i] = eventView{Event: ev, ActionName: actionNames[ev.Action], ActorName: n.people[ev.Actor], DepartmentName: n.dept(ev.DepartmentID)}
	}
	writeJSON(w, http.StatusOK, out)
}
