package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// tk is the part of a ticket view the tests read.
type tk struct {
	Number             string     `json:"number"`
	State              string     `json:"state"`
	Channel            string     `json:"channel"`
	Phone              string     `json:"phone"`
	RegionID           string     `json:"region_id"`
	DepartmentID       string     `json:"department_id"`
	ParentDepartmentID string     `json:"parent_department_id"`
	DepartmentName     string     `json:"department_name"`
	CoDepartmentIDs    []string   `json:"co_department_ids"`
	CategoryPath       []string   `json:"category_path"`
	AllowedActions     []string   `json:"allowed_actions"`
	UrgeCount          int        `json:"urge_count"`
	ReopenCount        int        `json:"reopen_count"`
	Supervised         bool       `json:"supervised"`
	Satisfaction       string     `json:"satisfaction"`
	MergedInto         string     `json:"merged_into"`
	Reply              string     `json:"reply"`
	HandleDeadline     *time.Time `json:"handle_deadline"`
	PendingExtension   *struct {
		Days int `json:"days"`
	} `json:"pending_extension"`
}

type errBody struct {
	Error   string            `json:"error"`
	Fields  map[string]string `json:"fields"`
	Allowed []string          `json:"allowed"`
}

type event struct {
	Seq         int            `json:"seq"`
	Action      string         `json:"action"`
	Actor       string         `json:"actor"`
	ActorName   string         `json:"actor_name"`
	FromState   string         `json:"from_state"`
	ToState     string         `json:"to_state"`
	Note        string         `json:"note"`
	Attachments []string       `json:"attachments"`
	Data        map[string]any `json:"data"`
}

func TestAPI(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t))
			t.Run("auth", func(t *testing.T) { testAuth(t, e) })
			t.Run("lifecycle", func(t *testing.T) { testLifecycle(t, e) })
			t.Run("refused", func(t *testing.T) { testRefused(t, e) })
			t.Run("scope", func(t *testing.T) { testScope(t, e) })
			t.Run("list", func(t *testing.T) { testList(t, e) })
			t.Run("attachments", func(t *testing.T) { testAttachments(t, e) })
			t.Run("citizens", func(t *testing.T) { testCitizens(t, e) })
			t.Run("organisation", func(t *testing.T) { testOrganisation(t, e) })
			t.Run("users", func(t *testing.T) { testUsers(t, e) })
			t.Run("api keys", func(t *testing.T) { testAPIKeys(t, e) })
			t.Run("system", func(t *testing.T) { testSystem(t, e) })
		})
	}
}

// register files a ticket as the agent.
func register(t *testing.T, e *apitest.Env, body map[string]any) tk {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	base := map[string]any{"description": "路口有人占道经营，影响通行", "phone": "13812345678", "category_id": apitest.CatLeaf,
		"citizen_name": "张三", "request_type": "complaint",
		"fields": map[string]any{"stall_count": map[string]any{"type": "number", "value": 2}}}
	for k, v := range body {
		base[k] = v
	}
	var out tk
	var eb errBody
	if st := e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], base, &out); st != http.StatusCreated {
		e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], base, &eb)
		t.Fatalf("register: status %d %+v", st, eb)
	}
	return out
}

// act takes an action and returns the status, the ticket (on success) and the error body.
func act(t *testing.T, e *apitest.Env, user, number, action string, body map[string]any) (int, tk, errBody) {
	t.Helper()
	var out struct {
		Ticket tk `json:"ticket"`
		errBody
	}
	st := e.Do("POST", "/api/v1/tickets/"+number+"/"+action, e.Tokens[user], body, &out)
	return st, out.Ticket, out.errBody
}

func mustAct(t *testing.T, e *apitest.Env, user, number, action string, body map[string]any) tk {
	t.Helper()
	st, got, eb := act(t, e, user, number, action, body)
	if st != http.StatusOK {
		t.Fatalf("%s %s on %s: status %d: %+v", user, action, number, st, eb)
	}
	return got
}

func events(t *testing.T, e *apitest.Env, number string) []event {
	t.Helper()
	var evs []event
	if st := e.Do("GET", "/api/v1/tickets/"+number+"/events", e.Tokens["dispatcher"], nil, &evs); st != http.StatusOK {
		t.Fatalf("events %s: status %d", number, st)
	}
	return evs
}

func actions(evs []event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Action
	}
	return out
}

func get(t *testing.T, e *apitest.Env, user, number string) tk {
	t.Helper()
	var out tk
	if st := e.Do("GET", "/api/v1/tickets/"+number, e.Tokens[user], nil, &out); st != http.StatusOK {
		t.Fatalf("%s get %s: status %d", user, number, st)
	}
	return out
}

type step struct {
	user, action string
	body         map[string]any
	state        string // state after the step
}

func note(s string) map[string]any { return map[string]any{"note": s} }

func dispatchTo(d string) map[string]any {
	return map[string]any{"department_id": d, "note": "请处理"}
}

func testLifecycle(t *testing.T, e *apitest.Env) {
	toProcessing := []step{
		{"dispatcher", "dispatch", dispatchTo(apitest.District), "dispatched"},
		{"handler_a1", "accept", nil, "processing"},
	}
	toCallback := append(append([]step{}, toProcessing...),
		step{"handler_a1", "reply", note("已劝离摊贩"), "replied"},
		step{"dispatcher", "approve_reply", nil, "callback"})
	cat := func(parts ...[]step) []step {
		var out []step
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	paths := []struct {
		name  string
		steps []step
		check func(t *testing.T, got tk)
	}{
		{"satisfied callback closes", cat(toCallback, []step{
			{"dispatcher", "callback", map[string]any{"satisfaction": "satisfied"}, "closed"}}),
			func(t *testing.T, got tk) {
				if got.Satisfaction != "satisfied" || got.Reply != "已劝离摊贩" || len(got.AllowedActions) != 1 || got.AllowedActions[0] != "comment" {
					t.Errorf("closed ticket: %+v", got)
				}
			}},
		{"approved return, re-dispatched", []step{
			{"dispatcher", "dispatch", dispatchTo(apitest.District), "dispatched"},
			{"handler_a1", "return", note("不属于本单位职责"), "returned"},
			{"dispatcher", "approve_return", nil, "registered"},
			{"dispatcher", "dispatch", dispatchTo(apitest.Water), "dispatched"}},
			func(t *testing.T, got tk) {
				if got.DepartmentID != apitest.Water || got.DepartmentName != "市水务集团" {
					t.Errorf("re-dispatched to %q (%q)", got.DepartmentID, got.DepartmentName)
				}
			}},
		{"rejected return", []step{
			{"dispatcher", "dispatch", dispatchTo(apitest.District), "dispatched"},
			{"handler_a1", "return", note("不属于本单位职责"), "returned"},
			{"dispatcher", "reject_return", note("属于属地管理，请办理"), "dispatched"}},
			func(t *testing.T, got tk) {
				if got.DepartmentID != apitest.District {
					t.Errorf("department %q", got.DepartmentID)
				}
			}},
		{"sub-dispatch and return to the unit above", cat(toProcessing, []step{
			{"handler_a1", "sub_dispatch", dispatchTo(apitest.Street), "dispatched"},
			{"handler_a1s1", "accept", nil, "processing"},
			{"handler_a1s1", "return", note("需区级协调"), "processing"}}),
			func(t *testing.T, got tk) {
				if got.DepartmentID != apitest.District || got.ParentDepartmentID != "" {
					t.Errorf("after return from the street: department %q parent %q", got.DepartmentID, got.ParentDepartmentID)
				}
			}},
		{"co-handling", cat(toProcessing, []step{
			{"handler_a1", "request_cohandling", dispatchTo(apitest.Water), "processing"}}),
			func(t *testing.T, got tk) {
				if !slices.Equal(got.CoDepartmentIDs, []string{apitest.Water}) {
					t.Errorf("co-departments %v", got.CoDepartmentIDs)
				}
				// The co-handler sees the ticket and may comment, but not reply for the holder.
				seen := get(t, e, "handler_water", got.Number)
				if !slices.Equal(seen.AllowedActions, []string{"comment"}) {
					t.Errorf("co-handler's actions %v", seen.AllowedActions)
				}
				if st, _, eb := act(t, e, "handler_water", got.Number, "reply", note("x")); st != http.StatusForbidden || !slices.Contains(eb.Allowed, "comment") {
					t.Errorf("co-handler reply: %d %+v", st, eb)
				}
			}},
		{"extension approved then refused", cat(toProcessing, []step{
			{"handler_a1", "request_extension", map[string]any{"days": 3, "note": "需协调多个部门"}, "processing"},
			{"dispatcher", "approve_extension", nil, "processing"},
			{"handler_a1", "request_extension", map[string]any{"days": 5, "note": "仍需时间"}, "processing"},
			{"dispatcher", "refuse_extension", note("时限已足够"), "processing"}}),
			func(t *testing.T, got tk) {
				if got.PendingExtension != nil {
					t.Errorf("extension still pending: %+v", got.PendingExtension)
				}
				evs := events(t, e, got.Number)
				approved := evs[4]
				if approved.Action != "approve_extension" || approved.Data["days"] != float64(3) {
					t.Errorf("approve event %+v", approved)
				}
			}},
		{"review rejected back to processing", cat(toProcessing, []step{
			{"handler_a1", "reply", note("已处理"), "replied"},
			{"dispatcher", "reject_reply", note("答复不完整"), "processing"}}), nil},
		{"unsatisfied callback reopens", cat(toCallback, []step{
			{"dispatcher", "callback", map[string]any{"satisfaction": "unsatisfied", "note": "摊贩又回来了"}, "processing"}}),
			func(t *testing.T, got tk) {
				if got.ReopenCount != 1 || got.DepartmentID != apitest.District {
					t.Errorf("reopened: %+v", got)
				}
			}},
		{"close without callback", cat(toCallback, []step{{"dispatcher", "close", note("市民不需回访"), "closed"}}), nil},
		{"urge and supervise", []step{
			{"dispatcher", "dispatch", dispatchTo(apitest.District), "dispatched"},
			{"leader", "urge", note("请尽快签收"), "dispatched"},
			{"leader", "supervise", note("列入督办"), "dispatched"}},
			func(t *testing.T, got tk) {
				if got.UrgeCount != 1 || !got.Supervised {
					t.Errorf("urge %d supervised %v", got.UrgeCount, got.Supervised)
				}
			}},
		{"cancel", []step{{"dispatcher", "cancel", note("骚扰电话"), "cancelled"}}, nil},
		{"close on the spot", []step{{"agent", "close_on_spot", note("已告知办理流程"), "closed"}}, nil},
		{"comment", []step{{"agent", "comment", note("市民再次来电"), "registered"}}, nil},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			tick := register(t, e, nil)
			want := []string{"register"}
			var got tk
			for _, s := range p.steps {
				got = mustAct(t, e, s.user, tick.Number, s.action, s.body)
				if got.State != s.state {
					t.Fatalf("%s: state %q, want %q", s.action, got.State, s.state)
				}
				want = append(want, s.action)
			}
			evs := events(t, e, tick.Number)
			if !slices.Equal(actions(evs), want) {
				t.Fatalf("events %v, want %v", actions(evs), want)
			}
			for i, ev := range evs {
				if ev.ActorName != "agent" && ev.ActorName != "dispatcher" && !strings.HasPrefix(ev.ActorName, "handler_") && ev.ActorName != "leader" {
					t.Errorf("event %d actor %q named %q", i, ev.Actor, ev.ActorName)
				}
				if ev.Seq != i+1 || (i > 0 && ev.FromState != evs[i-1].ToState) {
					t.Errorf("event %d: %+v does not follow %+v", i, ev, evs[max(i-1, 0)])
				}
			}
			if p.check != nil {
				p.check(t, got)
			}
		})
	}

	t.Run("merge", func(t *testing.T) {
		main, dup := register(t, e, nil), register(t, e, nil)
		got := mustAct(t, e, "dispatcher", dup.Number, "merge", map[string]any{"main_number": main.Number, "note": "重复件"})
		if got.State != "merged" || got.MergedInto != main.Number {
			t.Fatalf("merged: %+v", got)
		}
		if a := actions(events(t, e, main.Number)); !slices.Equal(a, []string{"register", "absorb"}) {
			t.Errorf("main ticket events %v", a)
		}
	})

	t.Run("approved extension moves the deadline", func(t *testing.T) {
		tick := register(t, e, map[string]any{"dispatch_to": apitest.District})
		before := mustAct(t, e, "handler_a1", tick.Number, "accept", nil).HandleDeadline
		mustAct(t, e, "handler_a1", tick.Number, "request_extension", map[string]any{"days": 3, "note": "需协调"})
		after := mustAct(t, e, "dispatcher", tick.Number, "approve_extension", nil).HandleDeadline
		if before == nil || after == nil || !after.After(*before) {
			t.Errorf("deadline %v → %v", before, after)
		}
	})

	t.Run("register and dispatch at once", func(t *testing.T) {
		got := register(t, e, map[string]any{"dispatch_to": apitest.District})
		if got.State != "dispatched" || got.DepartmentID != apitest.District {
			t.Fatalf("got %+v", got)
		}
		if a := actions(events(t, e, got.Number)); !slices.Equal(a, []string{"register", "dispatch"}) {
			t.Errorf("events %v", a)
		}
	})
}

// testRefused checks that illegal, forbidden and malformed requests are refused with the
// right status and body, and change nothing.
func testRefused(t *testing.T, e *apitest.Env) {
	tick := register(t, e, nil)
	mustAct(t, e, "dispatcher", tick.Number, "dispatch", dispatchTo(apitest.District))
	before := len(events(t, e, tick.Number))
	path := "/api/v1/tickets/" + tick.Number
	cases := []struct {
		name, user, action string
		body               any
		status             int
		field              string   // a field the error must name
		allowed            []string // the allowed actions the error must list
	}{
		{"illegal transition", "dispatcher", "approve_reply", nil, http.StatusConflict, "", []string{"urge", "supervise", "merge", "comment"}},
		{"illegal for the holder", "handler_a1", "reply", note("x"), http.StatusConflict, "", []string{"return", "accept", "comment"}},
		{"role may not", "agent", "approve_return", nil, http.StatusForbidden, "", []string{"urge", "comment"}},
		{"return without reason", "handler_a1", "return", nil, http.StatusBadRequest, "note", nil},
		{"unknown field", "handler_a1", "accept", `{"note":"x","department":"a1"}`, http.StatusBadRequest, "department", nil},
		{"wrong type", "handler_a1", "accept", `{"note":5}`, http.StatusBadRequest, "note", nil},
		{"fractional days", "handler_a1", "accept", `{"days":2.5}`, http.StatusBadRequest, "days", nil},
		{"malformed JSON", "handler_a1", "accept", `{"note":`, http.StatusBadRequest, "", nil},
		{"two values", "handler_a1", "accept", `{} {}`, http.StatusBadRequest, "", nil},
		{"foreign attachment", "handler_a1", "accept", map[string]any{"attachments": []string{"nope"}}, http.StatusBadRequest, "attachments", nil},
		{"no credentials", "", "accept", nil, http.StatusUnauthorized, "", nil},
		{"other department", "handler_water", "accept", nil, http.StatusNotFound, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var eb errBody
			st := e.Do("POST", path+"/"+c.action, e.Tokens[c.user], c.body, &eb)
			if st != c.status || eb.Error == "" {
				t.Fatalf("status %d %+v, want %d with an error", st, eb, c.status)
			}
			if c.field != "" && eb.Fields[c.field] == "" {
				t.Errorf("fields %v lack %q", eb.Fields, c.field)
			}
			if c.allowed != nil && !slices.Equal(eb.Allowed, c.allowed) {
				t.Errorf("allowed %v, want %v", eb.Allowed, c.allowed)
			}
		})
	}
	if after := len(events(t, e, tick.Number)); after != before {
		t.Errorf("refused requests changed the history: %d events, was %d", after, before)
	}
	if got := get(t, e, "dispatcher", tick.Number); got.State != "dispatched" {
		t.Errorf("state %q", got.State)
	}

	t.Run("unsupported media type", func(t *testing.T) {
		res := e.Raw("POST", path+"/accept", e.Tokens["handler_a1"], []byte(`note=x`), http.Header{"Content-Type": {"text/plain"}})
		res.Body.Close()
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("status %d", res.StatusCode)
		}
	})
	t.Run("body too large", func(t *testing.T) {
		big := `{"note":"` + strings.Repeat("x", 1<<20+10) + `"}`
		if st := e.Do("POST", path+"/comment", e.Tokens["handler_a1"], big, nil); st != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d", st)
		}
	})

	t.Run("required custom field", func(t *testing.T) {
		var eb errBody
		st := e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], map[string]any{"description": "占道经营",
			"category_id": apitest.CatLeaf}, &eb)
		if st != http.StatusBadRequest || eb.Fields["fields.stall_count"] == "" {
			t.Errorf("status %d %+v, want 400 naming fields.stall_count", st, eb)
		}
	})

	t.Run("bad registration changes nothing", func(t *testing.T) {
		var page struct{ Items []tk }
		e.Do("GET", "/api/v1/tickets?limit=500", e.Tokens["dispatcher"], nil, &page)
		n := len(page.Items)
		var eb errBody
		st := e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], map[string]any{"description": "", "phone": "12ab",
			"urgency": "very", "category_id": "nope"}, &eb)
		if st != http.StatusBadRequest || eb.Fields["subject"] == "" || eb.Fields["phone"] == "" || eb.Fields["urgency"] == "" {
			t.Errorf("status %d %+v", st, eb)
		}
		st = e.Do("POST", "/api/v1/tickets", e.Tokens["agent"], map[string]any{"description": "x", "dispatch_to": "nope"}, &eb)
		if st != http.StatusBadRequest || eb.Fields["dispatch_to"] == "" {
			t.Errorf("dispatch_to: status %d %+v", st, eb)
		}
		if st := e.Do("POST", "/api/v1/tickets", e.Tokens["handler_a1"], map[string]any{"description": "x"}, nil); st != http.StatusForbidden {
			t.Errorf("handler registering: status %d", st)
		}
		e.Do("GET", "/api/v1/tickets?limit=500", e.Tokens["dispatcher"], nil, &page)
		if len(page.Items) != n {
			t.Errorf("%d tickets, was %d", len(page.Items), n)
		}
	})
}

func testScope(t *testing.T, e *apitest.Env) {
	tick := register(t, e, map[string]any{"dispatch_to": apitest.District, "phone": "13900001111"})
	own := get(t, e, "handler_a1", tick.Number)
	if own.Phone != "139****1111" {
		t.Errorf("handler sees phone %q, want it masked", own.Phone)
	}
	if got := get(t, e, "dispatcher", tick.Number); got.Phone != "13900001111" {
		t.Errorf("dispatcher sees phone %q", got.Phone)
	}
	if !slices.Equal(own.AllowedActions, []string{"return", "accept", "comment"}) {
		t.Errorf("handler's actions %v", own.AllowedActions)
	}
	// Another department neither sees nor touches it, and is not told it exists.
	if st := e.Do("GET", "/api/v1/tickets/"+tick.Number, e.Tokens["handler_water"], nil, nil); st != http.StatusNotFound {
		t.Errorf("other department get: %d", st)
	}
	if st := e.Do("GET", "/api/v1/tickets/"+tick.Number+"/events", e.Tokens["handler_water"], nil, nil); st != http.StatusNotFound {
		t.Errorf("other department events: %d", st)
	}
	if st, _, _ := act(t, e, "handler_water", tick.Number, "accept", nil); st != http.StatusNotFound {
		t.Errorf("other department accept: %d", st)
	}
	var page struct{ Items []tk }
	e.Do("GET", "/api/v1/tickets?limit=500", e.Tokens["handler_water"], nil, &page)
	for _, it := range page.Items {
		if it.Number == tick.Number {
			t.Errorf("other department lists %s", tick.Number)
		}
	}
	e.Do("GET", "/api/v1/tickets?limit=500", e.Tokens["handler_a1"], nil, &page)
	found := false
	for _, it := range page.Items {
		found = found || it.Number == tick.Number
		if strings.Contains(it.Phone, "0000") && !strings.Contains(it.Phone, "*") {
			t.Errorf("unmasked phone %q in a handler's list", it.Phone)
		}
		if it.DepartmentID != apitest.District && it.DepartmentID != apitest.Street && it.ParentDepartmentID != apitest.District &&
			!slices.Contains(it.CoDepartmentIDs, apitest.District) {
			t.Errorf("handler_a1 lists %s of %q", it.Number, it.DepartmentID)
		}
	}
	if !found {
		t.Errorf("own department does not list %s", tick.Number)
	}
	// The unit above sees what it sub-dispatched; the street sees it too.
	mustAct(t, e, "handler_a1", tick.Number, "accept", nil)
	mustAct(t, e, "handler_a1", tick.Number, "sub_dispatch", dispatchTo(apitest.Street))
	get(t, e, "handler_a1s1", tick.Number)
	get(t, e, "handler_a1", tick.Number)
	if st, _, eb := act(t, e, "handler_a1", tick.Number, "sub_dispatch", dispatchTo(apitest.Water)); st == http.StatusOK {
		t.Errorf("sub-dispatching a ticket already sub-dispatched: %d %+v", st, eb)
	}
}

func testList(t *testing.T, e *apitest.Env) {
	a := register(t, e, map[string]any{"urgency": "urgent", "description": "独特关键词甲乙丙 占道"})
	b := register(t, e, map[string]any{"category_id": apitest.CatWater, "description": "停水三天", "lat": 23.5, "lng": 113.5})
	if b.RegionID != apitest.RegDist {
		t.Errorf("region from the point: %q", b.RegionID)
	}
	mustAct(t, e, "dispatcher", b.Number, "dispatch", dispatchTo(apitest.Water))
	list := func(q string) []string {
		t.Helper()
		var page struct {
			Items      []tk
			NextCursor string `json:"next_cursor"`
		}
		var eb errBody
		if st := e.Do("GET", "/api/v1/tickets?"+q, e.Tokens["dispatcher"], nil, &page); st != http.StatusOK {
			e.Do("GET", "/api/v1/tickets?"+q, e.Tokens["dispatcher"], nil, &eb)
			t.Fatalf("list %s: %d %+v", q, st, eb)
		}
		var out []string
		for _, it := range page.Items {
			out = append(out, it.Number)
		}
		return out
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	for _, c := range []struct {
		q            string
		want, reject []string
	}{
		{"q=" + "独特关键词甲乙丙", []string{a.Number}, []string{b.Number}},
		{"q=" + a.Number, []string{a.Number}, []string{b.Number}},
		{"urgency=urgent", []string{a.Number}, []string{b.Number}},
		{"category=" + apitest.CatTop, []string{a.Number}, []string{b.Number}},
		{"category=" + apitest.CatWater, []string{b.Number}, []string{a.Number}},
		{"region=" + apitest.RegCity, []string{b.Number}, []string{a.Number}},
		{"state=registered,closed", []string{a.Number}, []string{b.Number}},
		{"state=dispatched&state=processing", []string{b.Number}, []string{a.Number}},
		{"department=" + apitest.Water, []string{b.Number}, []string{a.Number}},
		{"channel=phone&from=" + today + "&to=" + today, []string{a.Number, b.Number}, nil},
		{"from=2000-01-01&to=2000-01-02", nil, []string{a.Number, b.Number}},
		{"overdue=false&supervised=false", []string{b.Number}, nil},
		// A ticket without a deadline is not overdue either.
		{"overdue=false", []string{a.Number}, nil},
		{"overdue=true", nil, []string{a.Number, b.Number}},
	} {
		got := list(c.q)
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
	// Cursor pagination walks every ticket once.
	all := list("limit=500")
	var walked []string
	cursor := ""
	for i := 0; i < 100; i++ {
		var page struct {
			Items      []tk
			NextCursor string `json:"next_cursor"`
		}
		e.Do("GET", "/api/v1/tickets?limit=3&cursor="+cursor, e.Tokens["dispatcher"], nil, &page)
		for _, it := range page.Items {
			walked = append(walked, it.Number)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if !slices.Equal(walked, all) {
		t.Errorf("pages walked %d tickets, the list has %d", len(walked), len(all))
	}
	var eb errBody
	// In deadline order too, the pages walk every ticket once.
	walked, cursor = nil, ""
	for i := 0; i < 100; i++ {
		var page struct {
			Items      []tk
			NextCursor string `json:"next_cursor"`
		}
		if st := e.Do("GET", "/api/v1/tickets?sort=deadline&limit=3&cursor="+cursor, e.Tokens["dispatcher"], nil, &page); st != http.StatusOK {
			t.Fatalf("sort=deadline: %d", st)
		}
		for _, it := range page.Items {
			walked = append(walked, it.Number)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	slices.Sort(walked)
	sortedAll := slices.Clone(all)
	slices.Sort(sortedAll)
	if !slices.Equal(walked, sortedAll) {
		t.Errorf("deadline pages walked %d tickets, the list has %d", len(walked), len(all))
	}
	if st := e.Do("GET", "/api/v1/tickets?state=nope&from=yesterday&limit=0&cursor=%21&sort=oldest&pending_extension=maybe", e.Tokens["dispatcher"], nil, &eb); st != http.StatusBadRequest ||
		eb.Fields["state"] == "" || eb.Fields["from"] == "" || eb.Fields["limit"] == "" || eb.Fields["sort"] == "" || eb.Fields["pending_extension"] == "" {
		t.Errorf("bad filters: %d %+v", st, eb)
	}
	if st := e.Do("GET", "/api/v1/tickets?cursor=bad", e.Tokens["dispatcher"], nil, &eb); st != http.StatusBadRequest || eb.Fields["cursor"] == "" {
		t.Errorf("bad cursor: %d %+v", st, eb)
	}
}

func fmtStatus(res *http.Response) string {
	return fmt.Sprintf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
}
