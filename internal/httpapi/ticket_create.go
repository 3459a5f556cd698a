package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/hotline-dev/hotline/internal/store"

	"github.com/hotline-dev/hotline/internal/ticket"
)

type createTicketRequest struct {
	Channel     ticket.Channel          `json:"channel,omitempty" doc:"default phone"`
	RequestType ticket.RequestType      `json:"request_type,omitempty" doc:"default complaint"`
	CategoryID  string                  `json:"category_id,omitempty"`
	RegionID    string                  `json:"region_id,omitempty" doc:"found from lat/lng when left out"`
	Address     string                  `json:"address,omitempty"`
	Lat         *float64                `json:"lat,omitempty"`
	Lng         *float64                `json:"lng,omitempty"`
	Subject     string                  `json:"subject,omitempty" doc:"taken from the description when left out"`
	Description string                  `json:"description,omitempty"`
	Phone       string                  `json:"phone,omitempty"`
	CitizenName string                  `json:"citizen_name,omitempty"`
	Urgency     ticket.Urgency          `json:"urgency,omitempty" doc:"default normal"`
	Fields      map[string]ticket.Field `json:"fields,omitempty"`
	Note        string                  `json:"note,omitempty" doc:"kept on the register event"`
	DispatchTo  string                  `json:"dispatch_to,omitempty" doc:"department id: register and dispatch (登记并派单) in one call"`
	CallID      string                  `json:"call_id,omitempty" doc:"the call (in progress or in the CDRs) the ticket is registered from: linked to it (来电关联工单)"`
}

// checkCall accepts a call this node has in progress or one in the CDRs.
func (a *api) checkCall(ctx context.Context, id string) error {
	if a.voice != nil && a.voice.Server != nil {
		for _, lc := range a.voice.Server.LiveCalls() {
			if lc.CallID == id {
				return nil
			}
		}
	}
	_, err := a.st.CallRecord(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fieldError("call_id", "no such call")
	}
	return err
}

func (a *api) createTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	var in createTicketRequest
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx := r.Context()
	t := &ticket.Ticket{Channel: in.Channel, RequestType: in.RequestType, CategoryID: in.CategoryID, RegionID: in.RegionID,
		Address: in.Address, Lat: in.Lat, Lng: in.Lng, Subject: in.Subject, Description: in.Description, Phone: in.Phone,
		CitizenName: in.CitizenName, Urgency: in.Urgency, Fields: in.Fields}
	if in.CallID != "" {
		if err := a.checkCall(ctx, in.CallID); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	if in.DispatchTo != "" {
		// Checked before registering, so a refused dispatch leaves no half-done ticket behind.
		if err := a.svc.CheckDispatch(ctx, c.Principal, in.DispatchTo); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	if t.RegionID == "" && t.Lat != nil && t.Lng != nil {
		id, err := a.svc.Locate(ctx, *t.Lat, *t.Lng)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		t.RegionID = id
	}
	t, err := a.svc.Register(ctx, c.Principal, t, in.Note)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.metrics.ticketCreated(string(t.Channel))
	if in.CallID != "" {
		// The ticket is registered by now: a failed link is logged, not answered as a failed
		// registration the agent would retry into a duplicate.
		if err := a.st.InTx(ctx, func(tx *store.Tx) error { return tx.LinkTicketCall(ctx, t.Number, in.CallID, c.Username) }); err != nil {
			a.log.Error("ticket not linked to its call", "ticket", t.Number, "call_id", in.CallID, "err", err)
		}
	}
	if in.DispatchTo != "" {
		t, _, err = a.svc.Act(ctx, c.Principal, t.Number, ticket.Command{Action: ticket.ActDispatch, DepartmentID: in.DispatchTo})
		if err != nil {
			a.fail(w, r, err)
			return
		}
	}
	n, err := a.names(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t.Phone = c.ShowPhone(t.Phone)
	w.Header().Set("Location", "/api/v1/tickets/"+t.Number)
	writeJSON(w, http.StatusCreated, n.view(c.Principal, t))
}
