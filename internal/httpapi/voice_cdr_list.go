package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
)

var cdrListParams = []param{
	{Name: "from", Description: "calls started at or after this instant (RFC 3339)"},
	{Name: "to", Description: "calls started before this instant (RFC 3339)"},
	{Name: "caller", Description: "the citizen's number, exactly"},
	{Name: "called", Description: "the hotline number dialled"},
	{Name: "agent", Description: "the agent's extension"},
	{Name: "abandoned", Type: "boolean", Description: "only abandoned (true) or only not abandoned (false) calls"},
	{Name: "ticket", Description: "calls linked to this ticket number (registered from the call)"},
	{Name: "cursor", Description: "next_cursor of the previous page"},
	{Name: "limit", Type: "integer", Description: "at most this many (default 50, at most 500)"},
}

func parseCDRFilter(r *http.Request) (store.CallRecordFilter, error) {
	q := r.URL.Query()
	f := store.CallRecordFilter{Caller: q.Get("caller"), Called: q.Get("called"), Agent: q.Get("agent"), Ticket: q.Get("ticket"), Before: q.Get("cursor")}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, fieldError(name, "want an RFC 3339 instant, e.g. 2026-11-21T08:00:00+08:00")
			}
			*dst = t
		}
	}
	if v := q.Get("abandoned"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, fieldError("abandoned", "want true or false")
		}
		f.Abandoned = &b
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return f, fieldError("limit", "want 1 to 500")
		}
		f.Limit = n
	}
	return f, nil
}

// maskRecords hides the citizens' numbers from callers who may not see them.
func maskRecords(c *caller, recs []*store.CallRecord) {
	for _, r := range recs {
		r.Caller = c.ShowPhone(r.Caller)
	}
}

func (a *api) listCDRs(w http.ResponseWriter, r *http.Request, c *caller) {
	f, err := parseCDRFilter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeCDRPage(w, r, c, f)
}

func (a *api) writeCDRPage(w http.ResponseWriter, r *http.Request, c *caller, f store.CallRecordFilter) {
	page, err := a.st.CallRecords(r.Context(), f)
	if err != nil {
		a.fail(w, r, err) // store.ErrBadCursor answers 400
		return
	}
	if page.Records == nil {
		page.Records = []*store.CallRecord{}
	}
	maskRecords(c, page.Records)
	writeJSON(w, http.StatusOK, page)
}
