package open311

import (
	"context"
	"encoding/xml"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// request is a service request as GET requests shows it.
type request struct {
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  *string  `json:"expected_datetime" xml:"expected_datetime,omitempty"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Zipcode           string   `json:"zipcode" xml:"zipcode"`
	Lat               *float64 `json:"lat" xml:"lat,omitempty"`
	Long              *float64 `json:"long" xml:"long,omitempty"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
}

type xmlRequests struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []request `xml:"request"`
}

// created is the answer to POST requests.
type created struct {
	ServiceRequestID string  `json:"service_request_id" xml:"service_request_id"`
	Token            string  `json:"token,omitempty" xml:"token,omitempty"`
	ServiceNotice    string  `json:"service_notice" xml:"service_notice"`
	AccountID        *string `json:"account_id" xml:"account_id"`
}

type xmlCreated struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []created `xml:"request"`
}

// Limits of the spec: description length, the date span of a search, and rows returned.
const (
	maxDescription = 4000
	maxSpan        = 90 * 24 * time.Hour
	maxRows        = 1000
	maxForm        = 1 << 20
)

// Ticket fields that keep what an Open311 client sent beyond the ticket's own columns.
const (
	fieldEmail     = "email"
	fieldMediaURL  = "media_url"
	fieldAddressID = "address_id"
	fieldDeviceID  = "device_id"
	fieldAccountID = "account_id"
	fieldZipcode   = "zipcode"
)

// principal returns the principal of the request's api_key, or ok=false without one.
func (s *Server) principal(ctx context.Context, key string) (access.Principal, bool, error) {
	if key == "" {
		return access.Principal{}, false, nil
	}
	k, err := s.accounts.APIKey(ctx, key)
	if errors.Is(err, account.ErrNoSession) || errors.Is(err, store.ErrNotFound) {
		return access.Principal{}, false, errorf(http.StatusForbidden, "invalid api_key")
	}
	if err != nil {
		return access.Principal{}, false, err
	}
	p, err := s.svc.PrincipalForKey(ctx, k)
	return p, err == nil, err
}

func (s *Server) postRequest(w http.ResponseWriter, r *http.Request, f format, _ string) error {
	ctx := r.Context()
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	key := form.Get("api_key")
	if key == "" {
		return errorf(http.StatusForbidden, "api_key is required to create a service request")
	}
	p, _, err := s.principal(ctx, key)
	if err != nil {
		return err
	}
	if !p.Has(access.CreateTicket) {
		return errorf(http.StatusForbidden, "this api_key may not create service requests")
	}
	code := form.Get("service_code")
	if code == "" {
		return errorf(http.StatusBadRequest, "service_code is required")
	}
	_, cat, err := s.category(ctx, code)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return errorf(http.StatusBadRequest, ae.desc)
		}
		return err
	}
	t, err := ticketOf(form, cat)
	if err != nil {
		return err
	}
	if t.Lat != nil {
		if t.RegionID, err = s.svc.Locate(ctx, *t.Lat, *t.Lng); err != nil {
			return err
		}
	}
	t, err = s.svc.Register(ctx, p, t, "Open311")
	if err != nil {
		var fe ticket.FieldErrors
		if errors.As(err, &fe) {
			return errorf(http.StatusBadRequest, fe.Error())
		}
		return err
	}
	s.created(string(t.Channel))
	out := []created{{ServiceRequestID: t.Number, Token: t.ID, ServiceNotice: notice(t)}}
	if id := form.Get("account_id"); id != "" {
		out[0].AccountID = &id
	}
	return s.write(w, f, http.StatusOK, out, xmlCreated{Requests: out})
}

// readForm reads a form-encoded (or multipart) POST body, at most maxForm bytes.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mt {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		err = r.ParseMultipartForm(maxForm)
	default:
		return nil, errorf(http.StatusUnsupportedMediaType, "send the request as application/x-www-form-urlencoded")
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "request body too large")
		}
		return nil, errorf(http.StatusBadRequest, "malformed form body")
	}
	return r.PostForm, nil
}

// ticketOf builds the ticket a POST describes, checking what the spec requires.
func ticketOf(form url.Values, cat org.Category) (*ticket.Ticket, error) {
	var problems []string
	t := &ticket.Ticket{Channel: ticket.ChannelOpen311, CategoryID: cat.ID, Fields: map[string]ticket.Field{}}
	lat, long := strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("long"))
	t.Address = strings.TrimSpace(form.Get("address_string"))
	addressID := strings.TrimSpace(form.Get("address_id"))
	switch {
	case lat != "" || long != "":
		la, err1 := parseFloat(lat)
		lo, err2 := parseFloat(long)
		if err1 != nil || err2 != nil {
			problems = append(problems, "lat and long must both be decimal degrees")
		} else {
			t.Lat, t.Lng = &la, &lo
		}
	case t.Address == "" && addressID == "":
		problems = append(problems, "a location is required: lat and long, address_string or address_id")
	}
	if addressID != "" {
		t.Fields[fieldAddressID] = text(addressID)
	}
	t.Description = strings.TrimSpace(form.Get("description"))
	if n := len([]rune(t.Description)); n > maxDescription {
		problems = append(problems, "description is longer than 4000 characters")
	}
	if t.Description == "" {
		t.Subject = cat.Name // the service itself says what the request is about
	}
	t.Phone = strings.TrimSpace(form.Get("phone"))
	t.CitizenName = personName(form.Get("first_name"), form.Get("last_name"))
	for _, k := range []string{fieldEmail, fieldDeviceID, fieldAccountID, fieldZipcode} {
		if v := strings.TrimSpace(form.Get(k)); v != "" {
			t.Fields[k] = text(v)
		}
	}
	if v := strings.TrimSpace(form.Get(fieldEmail)); v != "" && !strings.Contains(v, "@") {
		problems = append(problems, "email is not an e-mail address")
	}
	if m := strings.TrimSpace(form.Get("media_url")); m != "" {
		u, err := url.Parse(m)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, "media_url must be an http(s) URL")
		} else {
			t.Fields[fieldMediaURL] = text(m)
		}
	}
	problems = append(problems, attributes(form, cat, t.Fields)...)
	if len(problems) > 0 {
		return nil, errorf(http.StatusBadRequest, strings.Join(problems, "; "))
	}
	return t, nil
}

// attributes reads attribute[CODE]=value (and attribute[CODE][]=value for lists) against
// the service definition: unknown codes and missing required ones are refused.
func attributes(form url.Values, cat org.Category, fields map[string]ticket.Field) []string {
	defs := map[string]org.FieldDef{}
	for _, fd := range cat.Fields {
		defs[fd.Key] = fd
	}
	var problems []string
	for k, vals := range form {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		code = strings.TrimSuffix(strings.TrimSuffix(code, "[]"), "]") // attribute[CODE] or attribute[CODE][]
		fd, known := defs[code]
		if !known {
			problems = append(problems, "attribute["+code+"] is not an attribute of service "+cat.ID)
			continue
		}
		v := strings.TrimSpace(strings.Join(vals, ","))
		if v == "" {
			continue
		}
		fv, err := fieldValue(fd, v)
		if err != "" {
			problems = append(problems, "attribute["+code+"]: "+err)
			continue
		}
		fields[code] = fv
	}
	for _, fd := range cat.Fields {
		if _, ok := fields[fd.Key]; fd.Required && !ok {
			problems = append(problems, "attribute["+fd.Key+"] is required")
		}
	}
	return problems
}

func fieldValue(fd org.FieldDef, v string) (ticket.Field, string) {
	if len(fd.Options) > 0 {
		found := false
		for _, o := range fd.Options {
			found = found || o == v
		}
		if !found {
			return ticket.Field{}, "not one of the listed values"
		}
	}
	switch ticket.FieldType(fd.Type) {
	case ticket.FieldNumber:
		n, err := parseFloat(v)
		if err != nil {
			return ticket.Field{}, "want a number"
		}
		return ticket.Field{Type: ticket.FieldNumber, Value: n}, ""
	case ticket.FieldBool:
		switch v {
		case "true", "1":
			return ticket.Field{Type: ticket.FieldBool, Value: true}, ""
		case "false", "0":
			return ticket.Field{Type: ticket.FieldBool, Value: false}, ""
		}
		return ticket.Field{}, "want true or false"
	case ticket.FieldDate:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return ticket.Field{Type: ticket.FieldDate, Value: t.In(cityZone).Format("2006-01-02")}, ""
		}
		if _, err := time.Parse("2006-01-02", v); err == nil {
			return ticket.Field{Type: ticket.FieldDate, Value: v}, ""
		}
		return ticket.Field{}, "want an ISO 8601 date"
	}
	return text(v), ""
}

func text(v string) ticket.Field { return ticket.Field{Type: ticket.FieldText, Value: v} }

// personName joins the spec's first and last name: family name first for Chinese names
// (张 + 三 = 张三), "First Last" for names written in Latin letters.
func personName(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" || last == "" {
		return first + last
	}
	if isASCII(first) && isASCII(last) {
		return first + " " + last
	}
	return last + first
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return false
		}
	}
	return true
}

// notice is the service notice shown to the requester: the ticket number to quote and,
// once dispatched, when an answer is due.
func notice(t *ticket.Ticket) string {
	n := "已受理，工单号 " + t.Number + "，可凭工单号查询办理进度。"
	if t.HandleDeadline != nil && t.State.Open() {
		n += "预计 " + t.HandleDeadline.In(cityZone).Format("2006-01-02 15:04") + " 前办结。"
	}
	return n
}
