package httpapi

import (
	"net/http"
	"slices"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workcal"
)

func (a *api) resolveTimeLimits(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ManageTimeLimits) {
		a.fail(w, r, errForbidden)
		return
	}
	q := r.URL.Query()
	typ, cat, urg := q.Get("type"), q.Get("category"), q.Get("urgency")
	if urg == "" {
		urg = workcal.Normal
	}
	fe := ticket.FieldErrors{}
	if !slices.Contains(workcal.RequestTypes(), typ) {
		fe["type"] = "one of consult, help, complaint, report, suggestion, praise, other"
	}
	if !slices.Contains(workcal.Urgencies(), urg) {
		fe["urgency"] = "urgent, expedited or normal"
	}
	clock, err := a.timeClock(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(fe) == 0 {
		l, path, err := clock.Resolve(typ, urg, cat)
		if err != nil && a.clock != nil {
			// A category made since the last reload (within the minute): read it now.
			if err = a.reloadClock(r.Context()); err == nil {
				l, path, err = clock.Resolve(typ, urg, cat)
			}
		}
		if err == nil {
			writeJSON(w, http.StatusOK, resolvedView(typ, urg, cat, path, l))
			return
		}
		fe["category"] = "no such category"
	}
	a.fail(w, r, fe)
}
