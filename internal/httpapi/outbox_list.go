package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

var outboxParams = []param{
	{Name: "status", Description: "queued, sending, sent, failed (waiting to retry) or dead"},
	{Name: "channel", Description: "sms or email"},
	{Name: "ticket", Description: "a ticket number"},
	{Name: "before", Description: "next_before of the previous page"},
	{Name: "limit", Type: "integer", Description: "default 100, at most 500"},
}

type outboxPage struct {
	Items      []*store.OutboxMessage `json:"items"`
	NextBefore string                 `json:"next_before,omitempty"`
}

var outboxStatuses = map[string]bool{store.OutboxQueued: true, store.OutboxSending: true, store.OutboxSent: true,
	store.OutboxFailed: true, store.OutboxDead: true}

func (a *api) listOutbox(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ViewOutbox) {
		a.fail(w, r, errForbidden)
		return
	}
	q := r.URL.Query()
	f := store.OutboxFilter{Status: q.Get("status"), Channel: q.Get("channel"), Before: q.Get("before"), Limit: 100}
	fe := ticket.FieldErrors{}
	if f.Status != "" && !outboxStatuses[f.Status] {
		fe["status"] = "one of queued, sending, sent, failed, dead"
	}
	if f.Channel != "" && f.Channel != "sms" && f.Channel != "email" {
		fe["channel"] = "sms or email"
	}
	if s := q.Get("limit"); s != "" {
		var err error
		if f.Limit, err = strconv.Atoi(s); err != nil || f.Limit < 1 || f.Limit > 500 {
			fe["limit"] = "a number from 1 to 500"
		}
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	if n := q.Get("ticket"); n != "" {
		t, err := a.st.TicketByNumber(r.Context(), n)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		f.TicketID = t.ID
	}
	items, err := a.st.ListOutbox(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := outboxPage{Items: items}
	if len(items) == f.Limit {
		out.NextBefore = items[len(items)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}
