package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/citizen"
)

type citizenView struct {
	*citizen.Citizen
	RecentTickets []ticketView `json:"recent_tickets"`
}

func (a *api) getCitizen(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	cz, tickets, err := a.svc.Citizen(ctx, c.Principal, r.PathValue("phone"), clientIP(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.names(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := citizenView{Citizen: cz, RecentTickets: make([]ticketView, len(tickets))}
	for i, t := range tickets {
		out.RecentTickets[i] = n.view(c.Principal, t)
	}
	writeJSON(w, http.StatusOK, out)
}
