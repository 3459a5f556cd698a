package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

var ticketListParams = []param{
	{Name: "state", Multi: true, Description: "one or more states (repeat or comma-separate)"},
	{Name: "department", Description: "id of the department holding the ticket"},
	{Name: "category", Description: "category id; its whole subtree matches"},
	{Name: "region", Description: "region id; its whole subtree matches"},
	{Name: "channel"},
	{Name: "urgency"},
	{Name: "citizen", Description: "citizen id"},
	{Name: "from", Description: "created at or after: RFC 3339, or YYYY-MM-DD (Asia/Shanghai)"},
	{Name: "to", Description: "created before: RFC 3339, or YYYY-MM-DD (that whole day included)"},
	{Name: "overdue", Type: "boolean", Description: "超期: flagged by the working-time clock, or past the handling deadline while the clock runs (dispatched or processing, not suspended)"},
	{Name: "supervised", Type: "boolean"},
	{Name: "pending_extension", Type: "boolean", Description: "only tickets with (true) or without (false) an extension request awaiting a decision"},
	{Name: "sign_overdue", Type: "boolean", Description: "签收超时: the sign-for deadline passed before accept"},
	{Name: "suspended", Type: "boolean", Description: "挂起: waiting on the citizen, the clock stopped"},
	{Name: "q", Description: "ticket number prefix, exact phone number, or words in subject, description and address"},
	{Name: "sort", Description: "newest (default: newest first) or deadline (handling deadline first, tickets without one last)"},
	{Name: "cursor", Description: "next_cursor of the previous page"},
	{Name: "limit", Type: "integer", Description: "page size, default 50, at most 500"},
}

type ticketList struct {
	Items      []ticketView `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty" doc:"absent on the last page"`
}

func (a *api) listTickets(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	n, err := a.names(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := ticketFilter(r.URL.Query(), n)
	if fe, ok := err.(ticket.FieldErrors); ok && (fe["category"] != "" || fe["region"] != "") {
		// Perhaps made on another node since the names were cached: look once more.
		a.forgetNames()
		if n, err = a.names(ctx); err == nil {
			f, err = ticketFilter(r.URL.Query(), n)
		}
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, err := a.svc.List(ctx, c.Principal, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := ticketList{Items: make([]ticketView, len(page.Tickets)), NextCursor: page.NextCursor}
	for i, t := range page.Tickets {
		out.Items[i] = n.view(c.Principal, t)
	}
	writeJSON(w, http.StatusOK, out)
}

// ticketFilter reads the list's query parameters, reporting every bad one at once.
func ticketFilter(q url.Values, n *names) (store.TicketFilter, error) {
	var f store.TicketFilter
	fe := ticket.FieldErrors{}
	for _, s := range multi(q["state"]) {
		if !ticket.State(s).Valid() {
			fe["state"] = "unknown state " + strconv.Quote(s)
		}
		f.States = append(f.States, ticket.State(s))
	}
	f.DepartmentID = q.Get("department")
	if id := q.Get("category"); id != "" {
		if _, ok := n.cats.Get(id); !ok {
			fe["category"] = "no such category"
		}
		f.CategoryIDs = keys(n.cats.Subtree(id))
	}
	if id := q.Get("region"); id != "" {
		if _, ok := n.regions.Get(id); !ok {
			fe["region"] = "no such region"
		}
		f.RegionIDs = keys(n.regions.Subtree(id))
	}
	if ch := q.Get("channel"); ch != "" {
		f.Channel = ticket.Channel(ch)
		if !contains(ticket.Channels, f.Channel) {
			fe["channel"] = "unknown channel"
		}
	}
	if u := q.Get("urgency"); u != "" {
		f.Urgency = ticket.Urgency(u)
		if f.Urgency != ticket.Urgent && f.Urgency != ticket.Expedited && f.Urgency != ticket.Normal {
			fe["urgency"] = "one of urgent, expedited, normal"
		}
	}
	f.CitizenID = q.Get("citizen")
	var err error
	if f.From, err = parseTime(q.Get("from"), false); err != nil {
		fe["from"] = err.Error()
	}
	if f.To, err = parseTime(q.Get("to"), true); err != nil {
		fe["to"] = err.Error()
	}
	if f.Overdue, err = parseBool(q.Get("overdue")); err != nil {
		fe["overdue"] = err.Error()
	}
	if f.Supervised, err = parseBool(q.Get("supervised")); err != nil {
		fe["supervised"] = err.Error()
	}
	if f.PendingExtension, err = parseBool(q.Get("pending_extension")); err != nil {
		fe["pending_extension"] = err.Error()
	}
	switch f.Sort = q.Get("sort"); f.Sort {
	case "", store.SortNewest, store.SortDeadline:
	default:
		fe["sort"] = "newest or deadline"
	}
	if f.SignOverdue, err = parseBool(q.Get("sign_overdue")); err != nil {
		fe["sign_overdue"] = err.Error()
	}
	if f.Suspended, err = parseBool(q.Get("suspended")); err != nil {
		fe["suspended"] = err.Error()
	}
	f.Text = q.Get("q")
	f.Cursor = q.Get("cursor")
	if l := q.Get("limit"); l != "" {
		if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 || f.Limit > 500 {
			fe["limit"] = "a number from 1 to 500"
		}
	}
	if len(fe) > 0 {
		return f, fe
	}
	return f, nil
}

// multi splits repeated and comma-separated values.
func multi(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// parseTime reads RFC 3339 or a local date. A date as the end of a range means the end of
// that day, so to=2026-11-21 includes the 21st.
func parseTime(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, ticket.Location)
	if err != nil {
		return time.Time{}, errBadTime
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

type constError string

func (e constError) Error() string { return string(e) }

const (
	errBadTime = constError("RFC 3339 (2026-11-21T09:00:00+08:00) or a date (2026-11-21)")
	errBadBool = constError("true or false")
)

func parseBool(s string) (*bool, error) {
	if s == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return nil, errBadBool
	}
	return &b, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func contains[T comparable](list []T, v T) bool {
	for _, k := range list {
		if k == v {
			return true
		}
	}
	return false
}
