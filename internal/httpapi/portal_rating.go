package httpapi

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/portal"
	"github.com/hotline-dev/hotline/internal/ticket"
)

type portalRating struct {
	Phone        string              `json:"phone"`
	Satisfaction ticket.Satisfaction `json:"satisfaction" doc:"satisfied, basic_satisfied or unsatisfied"`
	Comment      string              `json:"comment,omitempty" doc:"required when unsatisfied, at most 500 characters"`
}

// portalRate records the citizen's verdict as the callback (回访) through the lifecycle, as
// the centre's callback would: unsatisfied sends the request back to the department.
func (a *api) portalRate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in portalRating
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	t, p, err := a.portalTicket(ctx, r.PathValue("number"), in.Phone)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	in.Comment = strings.TrimSpace(in.Comment)
	fe := ticket.FieldErrors{}
	if !portal.ValidRating(in.Satisfaction) {
		fe["satisfaction"] = "one of satisfied, basic_satisfied, unsatisfied"
	}
	if in.Satisfaction == ticket.Unsatisfied && in.Comment == "" {
		fe["comment"] = "say what is not resolved"
	}
	if utf8.RuneCountInString(in.Comment) > portal.MaxComment {
		fe["comment"] = "at most 500 characters"
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	if !portal.MayRate(t) {
		a.fail(w, r, &httpError{status: http.StatusConflict, msg: "this request is not waiting for your rating (" + portal.StatusOf(t).Text + ")"})
		return
	}
	// The lifecycle decides again under the row lock: a callback recorded meanwhile is a 409.
	t, _, err = a.svc.Act(ctx, p, t.Number, ticket.Command{Action: ticket.ActCallback, Satisfaction: in.Satisfaction, Note: in.Comment})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.portalView(ctx, t)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
