package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/portal"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// portalProgress is a ticket as its citizen sees it: where it stands in plain words, the
// public timeline, and the reply once the centre approved it. No staff, no notes.
type portalProgress struct {
	Number       string              `json:"number"`
	Status       string              `json:"status" doc:"received, processing, to_rate, closed, cancelled, merged"`
	StatusText   string              `json:"status_text"`
	RequestType  ticket.RequestType  `json:"request_type"`
	Category     []string            `json:"category,omitempty" doc:"names from the top level down"`
	Subject      string              `json:"subject"`
	Description  string              `json:"description"`
	Address      string              `json:"address,omitempty"`
	Department   string              `json:"department,omitempty" doc:"the unit handling it, once dispatched"`
	Reply        string              `json:"reply,omitempty" doc:"the department's answer, once approved"`
	Satisfaction ticket.Satisfaction `json:"satisfaction,omitempty"`
	MayRate      bool                `json:"may_rate"`
	MayAddPhotos bool                `json:"may_add_photos"`
	Photos       int                 `json:"photos"`
	CreatedAt    time.Time           `json:"created_at"`
	ClosedAt     *time.Time          `json:"closed_at,omitempty"`
	Timeline     []portal.Step       `json:"timeline"`
}

// errNoSuchRequest answers a wrong number and a wrong phone alike: 404 tells nobody
// whether a request exists.
var errNoSuchRequest = &httpError{status: http.StatusNotFound, msg: "no request with this number and phone"}

// portalTicket finds the ticket number as the citizen with phone may see it.
func (a *api) portalTicket(ctx context.Context, number, phone string) (*ticket.Ticket, access.Principal, error) {
	norm, ok := portal.NormalizePhone(phone)
	if !ok {
		return nil, access.Principal{}, errNoSuchRequest
	}
	p := portalCitizen(norm)
	t, err := a.st.TicketByNumber(ctx, number)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Sees(t)) {
		return nil, p, errNoSuchRequest
	}
	return t, p, err
}

func (a *api) portalGet(w http.ResponseWriter, r *http.Request) {
	t, _, err := a.portalTicket(r.Context(), r.PathValue("number"), r.URL.Query().Get("phone"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.portalView(r.Context(), t)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *api) portalView(ctx context.Context, t *ticket.Ticket) (portalProgress, error) {
	n, err := a.names(ctx)
	if err != nil {
		return portalProgress{}, err
	}
	evs, err := a.st.TicketEvents(ctx, t.ID)
	if err != nil {
		return portalProgress{}, err
	}
	atts, err := a.st.TicketAttachments(ctx, t.ID)
	if err != nil {
		return portalProgress{}, err
	}
	photos := 0
	for _, at := range atts {
		if at.UploadedBy == "portal" {
			photos++
		}
	}
	st := portal.StatusOf(t)
	v := portalProgress{Number: t.Number, Status: st.Code, StatusText: st.Text, RequestType: t.RequestType,
		Subject: t.Subject, Description: t.Description, Address: t.Address, Department: n.dept(t.DepartmentID),
		MayRate: portal.MayRate(t), MayAddPhotos: portal.MayAddPhotos(t) && photos < portal.MaxPhotos, Photos: photos,
		CreatedAt: t.CreatedAt, ClosedAt: t.ClosedAt, Timeline: portal.Timeline(evs, n.dept)}
	if t.CategoryID != "" {
		v.Category = org.CategoryPath(n.cats, t.CategoryID)
	}
	if portal.ReplyVisible(t) {
		v.Reply = t.Reply
	}
	if t.State == ticket.Closed {
		v.Satisfaction = t.Satisfaction
	}
	return v, nil
}
