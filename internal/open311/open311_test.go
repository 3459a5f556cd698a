package open311_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

func TestOpen311(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t))
			t.Run("discovery", func(t *testing.T) { testDiscovery(t, e) })
			t.Run("services", func(t *testing.T) { testServices(t, e) })
			t.Run("requests", func(t *testing.T) { testRequests(t, e) })
		})
	}
}

// get fetches path and returns the status, content type and body.
func get(t *testing.T, e *apitest.Env, path string) (int, string, []byte) {
	t.Helper()
	res := e.Raw("GET", path, "", nil, nil)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), b
}

func post(t *testing.T, e *apitest.Env, path string, form url.Values) (int, []byte) {
	t.Helper()
	res := e.Raw("POST", path, "", []byte(form.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func decodeJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("JSON %q: %v", b, err)
	}
}

func decodeXML(t *testing.T, b []byte, v any) {
	t.Helper()
	if !strings.HasPrefix(string(b), `<?xml version="1.0" encoding="utf-8"?>`) {
		t.Errorf("no XML declaration: %.60q", b)
	}
	if err := xml.Unmarshal(b, v); err != nil {
		t.Fatalf("XML %q: %v", b, err)
	}
}

type endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

func testDiscovery(t *testing.T, e *apitest.Env) {
	var j struct {
		Changeset string     `json:"changeset"`
		Endpoints []endpoint `json:"endpoints"`
	}
	st, ct, b := get(t, e, "/open311/v2/discovery.json")
	if st != 200 || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("json: %d %s", st, ct)
	}
	decodeJSON(t, b, &j)
	var x struct {
		XMLName   xml.Name   `xml:"discovery"`
		Endpoints []endpoint `xml:"endpoints>endpoint"`
	}
	st, ct, b = get(t, e, "/open311/v2/discovery.xml")
	if st != 200 || !strings.HasPrefix(ct, "text/xml") {
		t.Fatalf("xml: %d %s", st, ct)
	}
	decodeXML(t, b, &x)
	for _, eps := range [][]endpoint{j.Endpoints, x.Endpoints} {
		if len(eps) != 1 || eps[0].Specification != "http://wiki.open311.org/GeoReport_v2" || eps[0].URL != e.URL+"/open311/v2" ||
			!slices.Equal(eps[0].Formats, []string{"text/xml", "application/json"}) {
			t.Errorf("endpoints %+v", eps)
		}
	}
	if _, err := time.Parse(time.RFC3339, j.Changeset); err != nil {
		t.Errorf("changeset %q", j.Changeset)
	}
}

type service struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

type attribute struct {
	Variable bool   `json:"variable" xml:"variable"`
	Code     string `json:"code" xml:"code"`
	Datatype string `json:"datatype" xml:"datatype"`
	Required bool   `json:"required" xml:"required"`
	Order    int    `json:"order" xml:"order"`
	Values   []struct {
		Key  string `json:"key" xml:"key"`
		Name string `json:"name" xml:"name"`
	} `json:"values" xml:"values>value"`
}

type errorItem struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

func testServices(t *testing.T, e *apitest.Env) {
	var j []service
	_, _, b := get(t, e, "/open311/v2/services.json")
	decodeJSON(t, b, &j)
	var x struct {
		Services []service `xml:"service"`
	}
	_, _, b = get(t, e, "/open311/v2/services.xml")
	decodeXML(t, b, &x)
	for _, list := range [][]service{j, x.Services} {
		codes := map[string]service{}
		for _, s := range list {
			codes[s.ServiceCode] = s
		}
		if len(list) != 2 {
			t.Errorf("services %+v, want the two leaves", list)
		}
		stall := codes[apitest.CatLeaf]
		if stall.ServiceName != "占道经营" || !stall.Metadata || stall.Type != "realtime" || stall.Group != "城乡建设" ||
			!strings.Contains(stall.Keywords, "市容环卫") {
			t.Errorf("占道经营: %+v", stall)
		}
		if w := codes[apitest.CatWater]; w.Metadata || w.Group != "供水" {
			t.Errorf("供水: %+v", w)
		}
	}

	var def struct {
		ServiceCode string      `json:"service_code"`
		Attributes  []attribute `json:"attributes"`
	}
	st, _, b := get(t, e, "/open311/v2/services/"+apitest.CatLeaf+".json")
	if st != 200 {
		t.Fatalf("definition: %d %s", st, b)
	}
	decodeJSON(t, b, &def)
	var xdef struct {
		XMLName    xml.Name    `xml:"service_definition"`
		Attributes []attribute `xml:"attributes>attribute"`
	}
	_, _, b = get(t, e, "/open311/v2/services/"+apitest.CatLeaf+".xml")
	decodeXML(t, b, &xdef)
	for _, attrs := range [][]attribute{def.Attributes, xdef.Attributes} {
		if len(attrs) != 3 {
			t.Fatalf("attributes %+v", attrs)
		}
		if a := attrs[0]; a.Code != "stall_count" || a.Datatype != "number" || !a.Required || !a.Variable || a.Order != 1 {
			t.Errorf("stall_count: %+v", a)
		}
		if a := attrs[1]; a.Datatype != "singlevaluelist" || len(a.Values) != 2 || a.Values[0].Key != "true" {
			t.Errorf("night: %+v", a)
		}
		if a := attrs[2]; a.Datatype != "singlevaluelist" || len(a.Values) != 3 || a.Values[1].Name != "水果" || a.Order != 3 {
			t.Errorf("kind: %+v", a)
		}
	}
	var errs []errorItem
	st, _, b = get(t, e, "/open311/v2/services/nope.json")
	decodeJSON(t, b, &errs)
	if st != 404 || len(errs) != 1 || errs[0].Code != 404 || errs[0].Description == "" {
		t.Errorf("unknown service: %d %s", st, b)
	}
	if st, _, _ := get(t, e, "/open311/v2/services/"+apitest.CatMid+".json"); st != 404 {
		t.Errorf("an inner category is not a service: %d", st)
	}
	var xerrs struct {
		Errors []errorItem `xml:"error"`
	}
	st, _, b = get(t, e, "/open311/v2/services/"+apitest.CatLeaf)
	decodeXML(t, b, &xerrs)
	if st != 404 || len(xerrs.Errors) != 1 || xerrs.Errors[0].Code != 404 {
		t.Errorf("no format: %d %s", st, b)
	}
}

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
	ExpectedDatetime  *string  `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	Lat               *float64 `json:"lat" xml:"lat"`
	Long              *float64 `json:"long" xml:"long"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
	Token             string   `json:"token" xml:"token"`
}

func validRequest(e *apitest.Env) url.Values {
	return url.Values{"api_key": {e.APIKey}, "service_code": {apitest.CatLeaf}, "lat": {"23.5"}, "long": {"113.5"},
		"description": {"学校门口每天早上有流动摊贩占道"}, "first_name": {"三"}, "last_name": {"张"}, "phone": {"13600001234"},
		"email": {"zhang@example.cn"}, "media_url": {"https://img.example.cn/1.jpg"},
		"attribute[stall_count]": {"3"}, "attribute[kind]": {"早餐"}, "attribute[night]": {"false"}}
}

func testRequests(t *testing.T, e *apitest.Env) {
	var created []request
	st, b := post(t, e, "/open311/v2/requests.json", validRequest(e))
	if st != 200 {
		t.Fatalf("post: %d %s", st, b)
	}
	decodeJSON(t, b, &created)
	if len(created) != 1 || created[0].ServiceRequestID == "" || created[0].Token == "" || !strings.Contains(created[0].ServiceNotice, created[0].ServiceRequestID) {
		t.Fatalf("created %+v", created)
	}
	id := created[0].ServiceRequestID
	tk, err := e.Store.TicketByNumber(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Channel != "open311" || tk.RegionID != apitest.RegDist || tk.CitizenName != "张三" || tk.CategoryID != apitest.CatLeaf ||
		tk.Fields["stall_count"].Value != 3.0 || tk.Fields["kind"].Value != "早餐" || tk.Fields["night"].Value != false ||
		tk.Fields["email"].Value != "zhang@example.cn" || tk.Phone != "13600001234" {
		t.Errorf("ticket %+v", tk)
	}

	// XML post, with an address instead of a point.
	form := validRequest(e)
	form.Del("lat")
	form.Del("long")
	form.Set("address_string", "东风路1号")
	st, b = post(t, e, "/open311/v2/requests.xml", form)
	var xc struct {
		XMLName  xml.Name  `xml:"service_requests"`
		Requests []request `xml:"request"`
	}
	if st != 200 {
		t.Fatalf("xml post: %d %s", st, b)
	}
	decodeXML(t, b, &xc)
	if len(xc.Requests) != 1 || xc.Requests[0].ServiceRequestID == "" {
		t.Fatalf("xml created %+v", xc)
	}
	xid := xc.Requests[0].ServiceRequestID

	// Refusals: the spec's error list, the right status, and no ticket created.
	count, _ := e.Store.CountTickets(t.Context())
	long := strings.Repeat("长", 4001)
	for _, c := range []struct {
		name   string
		change func(url.Values)
		status int
	}{
		{"no api_key", func(v url.Values) { v.Del("api_key") }, 403},
		{"bad api_key", func(v url.Values) { v.Set("api_key", "hlk_nope") }, 403},
		{"key that may not create", func(v url.Values) { v.Set("api_key", e.LeaderKey) }, 403},
		{"no service_code", func(v url.Values) { v.Del("service_code") }, 400},
		{"unknown service_code", func(v url.Values) { v.Set("service_code", "nope") }, 400},
		{"no location", func(v url.Values) { v.Del("lat"); v.Del("long") }, 400},
		{"half a point", func(v url.Values) { v.Del("long") }, 400},
		{"description too long", func(v url.Values) { v.Set("description", long) }, 400},
		{"required attribute missing", func(v url.Values) { v.Del("attribute[stall_count]") }, 400},
		{"unknown attribute", func(v url.Values) { v.Set("attribute[colour]", "red") }, 400},
		{"attribute not a number", func(v url.Values) { v.Set("attribute[stall_count]", "three") }, 400},
		{"attribute not a listed value", func(v url.Values) { v.Set("attribute[kind]", "烧烤") }, 400},
		{"bad media_url", func(v url.Values) { v.Set("media_url", "javascript:alert(1)") }, 400},
		{"bad phone", func(v url.Values) { v.Set("phone", "call me") }, 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := validRequest(e)
			c.change(v)
			st, b := post(t, e, "/open311/v2/requests.json", v)
			var errs []errorItem
			decodeJSON(t, b, &errs)
			if st != c.status || len(errs) != 1 || errs[0].Code != c.status || errs[0].Description == "" {
				t.Errorf("status %d %s, want %d", st, b, c.status)
			}
			st, b = post(t, e, "/open311/v2/requests.xml", v)
			var xerrs struct {
				XMLName xml.Name    `xml:"errors"`
				Errors  []errorItem `xml:"error"`
			}
			decodeXML(t, b, &xerrs)
			if st != c.status || len(xerrs.Errors) != 1 || xerrs.Errors[0].Code != c.status {
				t.Errorf("xml: status %d %s", st, b)
			}
		})
	}
	res := e.Raw("POST", "/open311/v2/requests.json", "", []byte(`{"service_code":"x"}`), http.Header{"Content-Type": {"application/json"}})
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("JSON body: %d", res.StatusCode)
	}
	if after, _ := e.Store.CountTickets(t.Context()); after != count {
		t.Errorf("refused requests created %d tickets", after-count)
	}

	// Reading back one request, as it moves through the lifecycle.
	one := func(format string) request {
		t.Helper()
		st, _, b := get(t, e, "/open311/v2/requests/"+id+"."+format)
		if st != 200 {
			t.Fatalf("get %s: %d %s", format, st, b)
		}
		var list []request
		if format == "json" {
			decodeJSON(t, b, &list)
		} else {
			var x struct {
				Requests []request `xml:"request"`
			}
			decodeXML(t, b, &x)
			list = x.Requests
		}
		if len(list) != 1 {
			t.Fatalf("%d requests", len(list))
		}
		return list[0]
	}
	for _, f := range []string{"json", "xml"} {
		r := one(f)
		if r.Status != "open" || r.ServiceName != "占道经营" || r.ServiceCode != apitest.CatLeaf || r.Lat == nil || *r.Lat != 23.5 ||
			r.MediaURL != "https://img.example.cn/1.jpg" || !strings.HasSuffix(r.RequestedDatetime, "+08:00") || r.ExpectedDatetime != nil ||
			r.StatusNotes == "" {
			t.Errorf("%s: new request %+v", f, r)
		}
	}
	if st := e.Do("POST", "/api/v1/tickets/"+id+"/dispatch", e.Tokens["dispatcher"], map[string]any{"department_id": apitest.District}, nil); st != 200 {
		t.Fatalf("dispatch: %d", st)
	}
	r := one("json")
	if r.AgencyResponsible != "A1区人民政府" || r.ExpectedDatetime == nil || r.Status != "open" {
		t.Errorf("dispatched request %+v", r)
	}
	if _, err := time.Parse(time.RFC3339, *r.ExpectedDatetime); err != nil {
		t.Errorf("expected_datetime %q", *r.ExpectedDatetime)
	}
	for _, s := range []struct{ user, action string }{{"handler_a1", "accept"}, {"handler_a1", "reply"}, {"dispatcher", "approve_reply"}} {
		if st := e.Do("POST", "/api/v1/tickets/"+id+"/"+s.action, e.Tokens[s.user], map[string]any{"note": "摊贩已劝离，设置了护栏"}, nil); st != 200 {
			t.Fatalf("%s: %d", s.action, st)
		}
	}
	if st := e.Do("POST", "/api/v1/tickets/"+id+"/callback", e.Tokens["dispatcher"], map[string]any{"satisfaction": "satisfied"}, nil); st != 200 {
		t.Fatalf("callback: %d", st)
	}
	if r := one("xml"); r.Status != "closed" || r.StatusNotes != "摊贩已劝离，设置了护栏" {
		t.Errorf("closed request %+v", r)
	}

	// Tokens.
	var toks []request
	st, _, b = get(t, e, "/open311/v2/tokens/"+created[0].Token+".json")
	decodeJSON(t, b, &toks)
	if st != 200 || len(toks) != 1 || toks[0].ServiceRequestID != id {
		t.Errorf("token: %d %s", st, b)
	}
	if st, _, _ := get(t, e, "/open311/v2/tokens/nope.xml"); st != 404 {
		t.Errorf("unknown token: %d", st)
	}

	// Lists: without a key only Open311 requests; with a key what the key's role sees.
	var phone struct{ Number string }
	e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], map[string]any{"description": "电话登记的工单", "category_id": apitest.CatWater}, &phone)
	list := func(q string) (int, []string) {
		t.Helper()
		st, _, b := get(t, e, "/open311/v2/requests.json?"+q)
		if st != 200 {
			return st, nil
		}
		var rs []request
		decodeJSON(t, b, &rs)
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ServiceRequestID)
		}
		return st, ids
	}
	for _, c := range []struct {
		q            string
		want, reject []string
	}{
		{"", []string{id, xid}, []string{phone.Number}},
		{"status=open", []string{xid}, []string{id}},
		{"status=closed", []string{id}, []string{xid}},
		{"status=open,closed", []string{id, xid}, nil},
		{"service_code=" + apitest.CatWater, nil, []string{id, xid}},
		{"service_request_id=" + id + "," + phone.Number, []string{id}, []string{xid, phone.Number}},
		{"api_key=" + e.LeaderKey, []string{id, xid, phone.Number}, nil},
		{"api_key=" + e.LeaderKey + "&service_code=" + apitest.CatWater, []string{phone.Number}, []string{id}},
		{"start_date=" + url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339)), []string{id, xid}, nil},
		{"end_date=" + url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339)), nil, []string{id, xid}},
	} {
		st, got := list(c.q)
		if st != 200 {
			t.Errorf("%s: status %d", c.q, st)
			continue
		}
		for _, n := range c.want {
			if !slices.Contains(got, n) {
				t.Errorf("%s: %v lacks %s", c.q, got, n)
			}
		}
		for _, n := range c.reject {
			if slices.Contains(got, n) {
				t.Errorf("%s: %v holds %s", c.q, got, n)
			}
		}
	}
	for _, q := range []string{
		"start_date=" + url.QueryEscape(time.Now().AddDate(0, 0, -91).Format(time.RFC3339)) + "&end_date=" + url.QueryEscape(time.Now().Format(time.RFC3339)),
		"start_date=yesterday", "status=pending", "api_key=hlk_nope",
	} {
		if st, _ := list(q); st != 400 && st != 403 {
			t.Errorf("%s: status %d", q, st)
		}
	}
	var x struct {
		Requests []request `xml:"request"`
	}
	_, _, b = get(t, e, "/open311/v2/requests.xml?service_request_id="+xid)
	decodeXML(t, b, &x)
	if len(x.Requests) != 1 || x.Requests[0].Address != "东风路1号" || x.Requests[0].Lat != nil {
		t.Errorf("xml list %+v", x.Requests)
	}
	if st, _, _ := get(t, e, "/open311/v2/requests/"+phone.Number+".json"); st != 404 {
		t.Errorf("a phone ticket read without a key: %d", st)
	}
}
