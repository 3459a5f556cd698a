package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/workorder"
)

type citizenPatch = workorder.CitizenPatch

func (a *api) patchCitizen(w http.ResponseWriter, r *http.Request, c *caller) {
	var in citizenPatch
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	cz, err := a.svc.UpdateCitizen(r.Context(), c.Principal, r.PathValue("phone"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, citizenView{Citizen: cz, RecentTickets: []ticketView{}})
}
