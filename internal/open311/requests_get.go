package open311

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// Who may read what: GET requests is public in GeoReport, but a 12345 hotline holds
// complaints about neighbours and employers. Without an api_key only requests that came in
// through Open311 itself are listed; with one, whatever the key's role may see. Phone,
// name and e-mail are never part of the answer.

type lookup struct {
	p     access.Principal
	keyed bool
	cats  *org.Tree[org.Category]
	depts *org.Tree[org.Department]
}

func (s *Server) lookup(ctx context.Context, q url.Values) (*lookup, error) {
	p, keyed, err := s.principal(ctx, q.Get("api_key"))
	if err != nil {
		return nil, err
	}
	if keyed && !p.Has(access.ViewTickets) {
		return nil, errorf(http.StatusForbidden, "this api_key may not read service requests")
	}
	cats, err := s.st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	depts, err := s.st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	return &lookup{p: p, keyed: keyed, cats: org.NewTree(cats), depts: org.NewTree(depts)}, nil
}

// visible tells whether the caller may read t.
func (l *lookup) visible(t *ticket.Ticket) bool {
	if l.keyed {
		return l.p.Sees(t)
	}
	return t.Channel == ticket.ChannelOpen311
}

func (l *lookup) request(t *ticket.Ticket) request {
	cat, _ := l.cats.Get(t.CategoryID)
	dept, _ := l.depts.Get(t.DepartmentID)
	out := request{ServiceRequestID: t.Number, Status: "open", StatusNotes: statusNotes(t), ServiceName: cat.Name,
		ServiceCode: t.CategoryID, Description: t.Description, AgencyResponsible: dept.Name, ServiceNotice: notice(t),
		RequestedDatetime: iso(t.CreatedAt), UpdatedDatetime: iso(t.UpdatedAt), Address: t.Address,
		AddressID: fieldText(t, fieldAddressID), Zipcode: fieldText(t, fieldZipcode), Lat: t.Lat, Long: t.Lng,
		MediaURL: fieldText(t, fieldMediaURL)}
	if !t.State.Open() {
		out.Status = "closed"
	}
	if t.HandleDeadline != nil {
		e := iso(*t.HandleDeadline)
		out.ExpectedDatetime = &e
	}
	return out
}

func fieldText(t *ticket.Ticket, key string) string {
	s, _ := t.Fields[key].Value.(string)
	return s
}

// statusNotes explains the status: the department's reply once there is one, else where
// the ticket stands.
func statusNotes(t *ticket.Ticket) string {
	if t.Reply != "" {
		return t.Reply
	}
	switch t.State {
	case ticket.Registered:
		return "已登记，等待派单。"
	case ticket.Dispatched:
		return "已派发承办单位，等待签收。"
	case ticket.Returned:
		return "承办单位申请退回，热线中心正在重新派单。"
	case ticket.Processing:
		return "承办单位正在办理。"
	case ticket.Cancelled:
		return "已作废（无效诉求）。"
	case ticket.Merged:
		return "与工单 " + t.MergedInto + " 反映的是同一事项，已合并办理。"
	}
	return ""
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request, f format, _ string) error {
	ctx := r.Context()
	q := r.URL.Query()
	l, err := s.lookup(ctx, q)
	if err != nil {
		return err
	}
	out := []request{}
	// With service_request_id the other parameters are ignored, as the spec says.
	if ids := split(q.Get("service_request_id")); len(ids) > 0 {
		if len(ids) > maxRows {
			return errorf(http.StatusBadRequest, "at most 1000 service_request_id values")
		}
		for _, id := range ids {
			t, err := s.st.TicketByNumber(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if l.visible(t) {
				out = append(out, l.request(t))
			}
		}
		return s.write(w, f, http.StatusOK, out, xmlRequests{Requests: out})
	}
	filter, err := l.filter(q)
	if err != nil {
		return err
	}
	for len(out) < maxRows {
		filter.Limit = min(500, maxRows-len(out))
		var page store.TicketPage
		if l.keyed {
			page, err = s.svc.List(ctx, l.p, filter)
		} else {
			page, err = s.st.ListTickets(ctx, filter)
		}
		if err != nil {
			return err
		}
		for _, t := range page.Tickets {
			out = append(out, l.request(t))
		}
		if page.NextCursor == "" {
			break
		}
		filter.Cursor = page.NextCursor
	}
	return s.write(w, f, http.StatusOK, out, xmlRequests{Requests: out})
}

func (l *lookup) filter(q url.Values) (store.TicketFilter, error) {
	var f store.TicketFilter
	if !l.keyed {
		f.Channel = ticket.ChannelOpen311
	}
	for _, code := range split(q.Get("service_code")) {
		if _, ok := l.cats.Get(code); !ok {
			return f, errorf(http.StatusNotFound, "service_code "+strconv.Quote(code)+" not found")
		}
		for id := range l.cats.Subtree(code) {
			f.CategoryIDs = append(f.CategoryIDs, id)
		}
	}
	var err error
	end, start := time.Now(), time.Time{}
	if v := q.Get("end_date"); v != "" {
		if end, err = time.Parse(time.RFC3339, v); err != nil {
			return f, errorf(http.StatusBadRequest, "end_date must be ISO 8601 with a time zone, e.g. 2026-11-21T00:00:00+08:00")
		}
	}
	if v := q.Get("start_date"); v != "" {
		if start, err = time.Parse(time.RFC3339, v); err != nil {
			return f, errorf(http.StatusBadRequest, "start_date must be ISO 8601 with a time zone, e.g. 2026-11-01T00:00:00+08:00")
		}
	} else {
		start = end.Add(-maxSpan)
	}
	if !start.Before(end) {
		return f, errorf(http.StatusBadRequest, "start_date must be before end_date")
	}
	if end.Sub(start) > maxSpan {
		return f, errorf(http.StatusBadRequest, "start_date and end_date may be at most 90 days apart")
	}
	f.From, f.To = start, end
	statuses := split(q.Get("status"))
	wantOpen, wantClosed := len(statuses) == 0, len(statuses) == 0
	for _, s := range statuses {
		switch s {
		case "open":
			wantOpen = true
		case "closed":
			wantClosed = true
		default:
			return f, errorf(http.StatusBadRequest, "status is open or closed")
		}
	}
	if wantOpen != wantClosed {
		for _, st := range ticket.States {
			if st.Open() == wantOpen {
				f.States = append(f.States, st)
			}
		}
	}
	return f, nil
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) getRequest(w http.ResponseWriter, r *http.Request, f format, id string) error {
	ctx := r.Context()
	l, err := s.lookup(ctx, r.URL.Query())
	if err != nil {
		return err
	}
	t, err := s.st.TicketByNumber(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !l.visible(t)) {
		return errorf(http.StatusNotFound, "service_request_id "+strconv.Quote(id)+" not found")
	}
	if err != nil {
		return err
	}
	out := []request{l.request(t)}
	return s.write(w, f, http.StatusOK, out, xmlRequests{Requests: out})
}

type tokenAnswer struct {
	ServiceRequestID string `json:"service_request_id" xml:"service_request_id"`
	Token            string `json:"token" xml:"token"`
}

type xmlTokens struct {
	XMLName  xml.Name      `xml:"service_requests"`
	Requests []tokenAnswer `xml:"request"`
}

// token answers with the service_request_id of a token from POST requests. Requests are
// registered at once, so every token already has its id.
func (s *Server) token(w http.ResponseWriter, r *http.Request, f format, token string) error {
	ctx := r.Context()
	l, err := s.lookup(ctx, r.URL.Query())
	if err != nil {
		return err
	}
	t, err := s.st.TicketByID(ctx, token)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !l.visible(t)) {
		return errorf(http.StatusNotFound, "token not found")
	}
	if err != nil {
		return err
	}
	out := []tokenAnswer{{ServiceRequestID: t.Number, Token: token}}
	return s.write(w, f, http.StatusOK, out, xmlTokens{Requests: out})
}

func parseFloat(s string) (float64, error) { return strconv.ParseFloat(strings.TrimSpace(s), 64) }
