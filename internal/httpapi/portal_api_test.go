package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hotline-dev/hotline/internal/httpapi"
	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

type challenge struct {
	Question string `json:"question"`
	Token    string `json:"token"`
}

type progress struct {
	Number       string `json:"number"`
	Status       string `json:"status"`
	StatusText   string `json:"status_text"`
	Department   string `json:"department"`
	Reply        string `json:"reply"`
	Satisfaction string `json:"satisfaction"`
	MayRate      bool   `json:"may_rate"`
	MayAddPhotos bool   `json:"may_add_photos"`
	Photos       int    `json:"photos"`
	Timeline     []struct {
		Code       string `json:"code"`
		Text       string `json:"text"`
		Department string `json:"department"`
	} `json:"timeline"`
}

// solveChallenge fetches a question and answers it as a person would.
func solveChallenge(t *testing.T, e *apitest.Env) (token, answer string) {
	t.Helper()
	var c challenge
	if st := e.Do("GET", "/api/v1/portal/challenge", "", nil, &c); st != http.StatusOK || c.Token == "" {
		t.Fatalf("challenge: %d %+v", st, c)
	}
	var a, b int
	var op string
	if _, err := fmt.Sscanf(c.Question, "%d %s %d = ?", &a, &op, &b); err != nil {
		t.Fatalf("question %q: %v", c.Question, err)
	}
	if op == "-" {
		return c.Token, strconv.Itoa(a - b)
	}
	return c.Token, strconv.Itoa(a + b)
}

// submission is a valid portal request with a fresh, solved challenge.
func submission(t *testing.T, e *apitest.Env) map[string]any {
	tok, ans := solveChallenge(t, e)
	return map[string]any{"request_type": "complaint", "category_id": apitest.CatMid, "subject": "小区门口占道经营",
		"description": "每天早上七点有人在小区门口摆摊，堵住人行道。", "phone": "138-0013-8000", "name": "李女士",
		"address": "A1区东风街道幸福路8号", "lat": 23.5, "lng": 113.5, "challenge_token": tok, "challenge_answer": ans}
}

type created struct {
	Number      string `json:"number"`
	LookupToken string `json:"lookup_token"`
	Status      string `json:"status"`
}

func submit(t *testing.T, e *apitest.Env, body map[string]any) created {
	t.Helper()
	var c created
	var eb errBody
	res := e.Raw("POST", "/api/v1/portal/tickets", "", body, nil)
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		json.NewDecoder(res.Body).Decode(&eb)
		t.Fatalf("submit: %d %+v", res.StatusCode, eb)
	}
	json.NewDecoder(res.Body).Decode(&c)
	return c
}

func portalTickets(t *testing.T, e *apitest.Env) int {
	t.Helper()
	page, err := e.Store.ListTickets(context.Background(), store.TicketFilter{Channel: ticket.ChannelPortal, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Tickets)
}

func photo(t *testing.T, e *apitest.Env, number, phone, token, name string, data []byte) (int, errBody) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("phone", phone)
	mw.WriteField("lookup_token", token)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	res := e.Raw("POST", "/api/v1/portal/tickets/"+number+"/attachments", "", buf.Bytes(), http.Header{"Content-Type": {mw.FormDataContentType()}})
	defer res.Body.Close()
	var eb errBody
	json.NewDecoder(res.Body).Decode(&eb)
	return res.StatusCode, eb
}

func lookup(t *testing.T, e *apitest.Env, number, phone string) (int, progress) {
	t.Helper()
	var p progress
	st := e.Do("GET", "/api/v1/portal/tickets/"+number+"?phone="+phone, "", nil, &p)
	return st, p
}

func TestPortal(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t), func(d *httpapi.Deps) { d.Portal.SubmitsPerHour = 100 })
			t.Run("life", func(t *testing.T) { testPortalLife(t, e) })
			t.Run("refusals change nothing", func(t *testing.T) { testPortalRefusals(t, e) })
			t.Run("unsatisfied reopens", func(t *testing.T) { testPortalReopen(t, e) })
			t.Run("categories", func(t *testing.T) { testPortalCategories(t, e) })
			t.Run("photo limit", func(t *testing.T) { testPortalPhotoLimit(t, e) })
		})
	}
}

// toCallback walks a ticket through the staff's steps up to the callback.
func toCallback(t *testing.T, e *apitest.Env, number string) {
	t.Helper()
	mustAct(t, e, "dispatcher", number, "dispatch", map[string]any{"department_id": apitest.District})
	mustAct(t, e, "handler_a1", number, "accept", nil)
	mustAct(t, e, "dispatcher", number, "comment", map[string]any{"note": "内部备注：市民 13900001111 也反映过"})
	mustAct(t, e, "handler_a1", number, "reply", map[string]any{"note": "已联合城管清理，设置隔离栏。"})
	mustAct(t, e, "dispatcher", number, "approve_reply", nil)
}

func testPortalLife(t *testing.T, e *apitest.Env) {
	c := submit(t, e, submission(t, e))
	if c.Number == "" || c.LookupToken == "" || c.Status != "received" {
		t.Fatalf("created: %+v", c)
	}
	// Durable and registered like any ticket: the portal channel, the normalised phone, the
	// region from the point, and the portal as the actor.
	var staff tk
	if st := e.Do("GET", "/api/v1/tickets/"+c.Number, e.Tokens["dispatcher"], nil, &staff); st != 200 ||
		staff.Channel != "portal" || staff.Phone != "13800138000" || staff.RegionID != apitest.RegDist || staff.State != "registered" {
		t.Fatalf("staff view: %d %+v", st, staff)
	}
	if evs := events(t, e, c.Number); evs[0].Action != "register" || evs[0].Actor != "portal" {
		t.Errorf("register event: %+v", evs[0])
	}
	if st, eb := photo(t, e, c.Number, "13800138000", c.LookupToken, "现场.png", png); st != http.StatusCreated {
		t.Fatalf("photo: %d %+v", st, eb)
	}
	st, p := lookup(t, e, c.Number, "13800138000")
	if st != 200 || p.Status != "received" || p.Photos != 1 || !p.MayAddPhotos || p.MayRate || len(p.Timeline) != 2 || p.Timeline[1].Code != "photo" {
		t.Fatalf("progress after submit: %d %+v", st, p)
	}
	toCallback(t, e, c.Number)
	res := e.Raw("GET", "/api/v1/portal/tickets/"+c.Number+"?phone=13800138000", "", nil, nil)
	raw := new(bytes.Buffer)
	raw.ReadFrom(res.Body)
	res.Body.Close()
	for _, secret := range []string{"13900001111", "内部备注", "handler_a1", "dispatcher"} {
		if strings.Contains(raw.String(), secret) {
			t.Errorf("the citizen sees %q: %s", secret, raw)
		}
	}
	json.Unmarshal(raw.Bytes(), &p)
	if p.Status != "to_rate" || !p.MayRate || p.Reply != "已联合城管清理，设置隔离栏。" || p.Department != "A1区人民政府" || p.MayAddPhotos {
		t.Fatalf("progress at callback: %+v", p)
	}
	var out progress
	if st := e.Do("POST", "/api/v1/portal/tickets/"+c.Number+"/rating", "", map[string]any{"phone": "13800138000",
		"satisfaction": "satisfied", "comment": "很快就处理了"}, &out); st != 200 || out.Status != "closed" || out.Satisfaction != "satisfied" {
		t.Fatalf("rating: %d %+v", st, out)
	}
	if st := e.Do("GET", "/api/v1/tickets/"+c.Number, e.Tokens["dispatcher"], nil, &staff); st != 200 || staff.State != "closed" || staff.Satisfaction != "satisfied" {
		t.Errorf("staff after rating: %+v", staff)
	}
	evs := events(t, e, c.Number)
	if last := evs[len(evs)-1]; last.Action != "callback" || last.Actor != "portal" || last.Note != "很快就处理了" {
		t.Errorf("callback event: %+v", last)
	}
	// Rated once: a second rating is refused and records nothing.
	var eb errBody
	if st := e.Do("POST", "/api/v1/portal/tickets/"+c.Number+"/rating", "", map[string]any{"phone": "13800138000",
		"satisfaction": "unsatisfied", "comment": "再评"}, &eb); st != http.StatusConflict {
		t.Errorf("second rating: %d %+v", st, eb)
	}
	if n := len(events(t, e, c.Number)); n != len(evs) {
		t.Errorf("a refused rating wrote %d events", n-len(evs))
	}
}

func testPortalRefusals(t *testing.T, e *apitest.Env) {
	before := portalTickets(t, e)
	refuse := func(name string, mutate func(map[string]any), wantField string) {
		t.Helper()
		body := submission(t, e)
		mutate(body)
		var eb errBody
		if st := e.Do("POST", "/api/v1/portal/tickets", "", body, &eb); st != http.StatusBadRequest || eb.Fields[wantField] == "" {
			t.Errorf("%s: %d %+v", name, st, eb)
		}
		if n := portalTickets(t, e); n != before {
			t.Errorf("%s saved a ticket", name)
		}
	}
	refuse("wrong answer", func(b map[string]any) { b["challenge_answer"] = "-1" }, "challenge_answer")
	refuse("forged token", func(b map[string]any) { b["challenge_token"] = "AAAA" }, "challenge_answer")
	refuse("no answer", func(b map[string]any) { delete(b, "challenge_answer") }, "challenge_answer")
	refuse("bad phone", func(b map[string]any) { b["phone"] = "12345" }, "phone")
	refuse("foreign phone", func(b map[string]any) { b["phone"] = "+14155550100" }, "phone")
	refuse("too long", func(b map[string]any) { b["description"] = strings.Repeat("长", 2001) }, "description")
	refuse("subject too long", func(b map[string]any) { b["subject"] = strings.Repeat("长", 101) }, "subject")
	refuse("staff-only category", func(b map[string]any) { b["category_id"] = apitest.CatLeaf }, "category_id")
	refuse("no place", func(b map[string]any) { delete(b, "address"); delete(b, "lat"); delete(b, "lng") }, "address")
	refuse("no text", func(b map[string]any) { b["description"] = "  " }, "description")

	// A typo does not cost the question; the answer, once used, is spent.
	body := submission(t, e)
	body["phone"] = "1380013800"
	if st := e.Do("POST", "/api/v1/portal/tickets", "", body, nil); st != http.StatusBadRequest {
		t.Fatalf("short phone: %d", st)
	}
	body["phone"] = "010-12345678"
	c := submit(t, e, body)
	before++
	var eb errBody
	if st := e.Do("POST", "/api/v1/portal/tickets", "", body, &eb); st != http.StatusBadRequest || !strings.Contains(eb.Error, "already used") {
		t.Errorf("reused challenge: %d %+v", st, eb)
	}
	if n := portalTickets(t, e); n != before {
		t.Errorf("tickets %d, want %d", n, before)
	}

	// Look-ups do not tell a wrong phone from a wrong number.
	st1, _ := lookup(t, e, c.Number, "13800138000")
	st2, _ := lookup(t, e, "2099010199999", "01012345678")
	st3, _ := lookup(t, e, c.Number, "garbage")
	if st1 != http.StatusNotFound || st2 != http.StatusNotFound || st3 != http.StatusNotFound {
		t.Errorf("wrong phone %d, wrong number %d, bad phone %d; want 404", st1, st2, st3)
	}
	if st, p := lookup(t, e, c.Number, "01012345678"); st != 200 || p.Status != "received" {
		t.Errorf("landline look-up: %d %+v", st, p)
	}

	// Rating before the callback: 409, nothing recorded.
	n0 := len(events(t, e, c.Number))
	if st := e.Do("POST", "/api/v1/portal/tickets/"+c.Number+"/rating", "", map[string]any{"phone": "01012345678", "satisfaction": "satisfied"}, &eb); st != http.StatusConflict {
		t.Errorf("rating a registered ticket: %d %+v", st, eb)
	}
	if st := e.Do("POST", "/api/v1/portal/tickets/"+c.Number+"/rating", "", map[string]any{"phone": "13800138000", "satisfaction": "satisfied"}, &eb); st != http.StatusNotFound {
		t.Errorf("rating with a wrong phone: %d", st)
	}
	if st := e.Do("POST", "/api/v1/portal/tickets/"+c.Number+"/rating", "", map[string]any{"phone": "01012345678", "satisfaction": "unreachable"}, &eb); st != http.StatusBadRequest {
		t.Errorf("citizen rating unreachable: %d", st)
	}

	// Photos: the creator's token, images only, until a department accepts.
	if st, _ := photo(t, e, c.Number, "01012345678", "not-the-token", "a.png", png); st != http.StatusForbidden {
		t.Errorf("photo with a wrong token: %d", st)
	}
	if st, _ := photo(t, e, c.Number, "13800138000", c.LookupToken, "a.png", png); st != http.StatusNotFound {
		t.Errorf("photo with a wrong phone: %d", st)
	}
	if st, _ := photo(t, e, c.Number, "01012345678", c.LookupToken, "a.pdf", []byte("%PDF-1.4 not a photo")); st != http.StatusUnsupportedMediaType {
		t.Errorf("a PDF as photo: %d", st)
	}
	if st, _ := photo(t, e, c.Number, "01012345678", c.LookupToken, "big.png", append(append([]byte{}, png...), make([]byte, 5<<20)...)); st != http.StatusRequestEntityTooLarge {
		t.Errorf("a 5 MB+ photo: %d", st)
	}
	if n := len(events(t, e, c.Number)); n != n0 {
		t.Errorf("refused ratings and photos wrote %d events", n-n0)
	}
	mustAct(t, e, "dispatcher", c.Number, "dispatch", map[string]any{"department_id": apitest.Water})
	mustAct(t, e, "handler_water", c.Number, "accept", nil)
	if st, eb := photo(t, e, c.Number, "01012345678", c.LookupToken, "late.png", png); st != http.StatusConflict {
		t.Errorf("photo after acceptance: %d %+v", st, eb)
	}
	var atts []map[string]any
	if e.Do("GET", "/api/v1/tickets/"+c.Number+"/attachments", e.Tokens["dispatcher"], nil, &atts); len(atts) != 0 {
		t.Errorf("refused photos stored: %v", atts)
	}
}

func testPortalReopen(t *testing.T, e *apitest.Env) {
	c := submit(t, e, submission(t, e))
	toCallback(t, e, c.Number)
	var eb errBody
	if st := e.Do("POST", "/api/v1/portal/tickets/"+c.Number+"/rating", "", map[string]any{"phone": "13800138000", "satisfaction": "unsatisfied"}, &eb); st != http.StatusBadRequest || eb.Fields["comment"] == "" {
		t.Errorf("unsatisfied without a word: %d %+v", st, eb)
	}
	var p progress
	if st := e.Do("POST", "/api/v1/portal/tickets/"+c.Number+"/rating", "", map[string]any{"phone": "13800138000",
		"satisfaction": "unsatisfied", "comment": "第二天又来了"}, &p); st != 200 || p.Status != "processing" || p.Reply != "" || p.MayRate {
		t.Fatalf("unsatisfied: %d %+v", st, p)
	}
	var staff tk
	e.Do("GET", "/api/v1/tickets/"+c.Number, e.Tokens["dispatcher"], nil, &staff)
	if staff.State != "processing" || staff.ReopenCount != 1 || staff.DepartmentID != apitest.District || staff.HandleDeadline == nil {
		t.Errorf("reopened: %+v", staff)
	}
	if last := p.Timeline[len(p.Timeline)-1]; last.Code != "reopened" {
		t.Errorf("timeline ends with %+v", last)
	}
}

// testPortalPhotoLimit: six photos per request, the seventh is refused and not stored.
func testPortalPhotoLimit(t *testing.T, e *apitest.Env) {
	c := submit(t, e, submission(t, e))
	for i := 1; i <= 6; i++ {
		if st, eb := photo(t, e, c.Number, "13800138000", c.LookupToken, fmt.Sprintf("p%d.png", i), png); st != http.StatusCreated {
			t.Fatalf("photo %d: %d %+v", i, st, eb)
		}
	}
	st, eb := photo(t, e, c.Number, "13800138000", c.LookupToken, "p7.png", png)
	if st != http.StatusConflict || !strings.Contains(eb.Error, "as many photos") {
		t.Errorf("7th photo: %d %+v", st, eb)
	}
	if _, p := lookup(t, e, c.Number, "13800138000"); p.Photos != 6 || p.MayAddPhotos {
		t.Errorf("after six photos: %+v", p)
	}
}

func testPortalCategories(t *testing.T, e *apitest.Env) {
	var cats []struct {
		ID       string `json:"id"`
		Children []struct {
			ID       string            `json:"id"`
			Children []json.RawMessage `json:"children"`
		} `json:"children"`
	}
	if st := e.Do("GET", "/api/v1/portal/categories", "", nil, &cats); st != 200 || len(cats) != 2 {
		t.Fatalf("categories: %d %+v", st, cats)
	}
	top := cats[0]
	if top.ID != apitest.CatTop {
		top = cats[1]
	}
	if top.ID != apitest.CatTop || len(top.Children) != 1 || top.Children[0].ID != apitest.CatMid || len(top.Children[0].Children) != 0 {
		t.Errorf("the staff-only leaf shows: %+v", cats)
	}
	var types []map[string]string
	if st := e.Do("GET", "/api/v1/portal/request-types", "", nil, &types); st != 200 || len(types) != 7 || types[0]["name"] != "咨询" {
		t.Errorf("request types: %d %v", st, types)
	}
	var regs []map[string]any
	if st := e.Do("GET", "/api/v1/portal/regions", "", nil, &regs); st != 200 || len(regs) != 1 || regs[0]["id"] != apitest.RegDist || regs[0]["boundary"] == nil {
		t.Errorf("regions: %d %v", st, regs)
	}
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	e.Do("GET", "/api/v1/openapi.json", "", nil, &doc)
	for _, p := range []string{"/api/v1/portal/challenge", "/api/v1/portal/regions", "/api/v1/portal/tickets", "/api/v1/portal/tickets/{number}", "/api/v1/portal/tickets/{number}/rating"} {
		if doc.Paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
}

// TestPortalRateLimit: past the per-IP budget the portal answers 429 and does nothing.
func TestPortalRateLimit(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t), func(d *httpapi.Deps) { d.Portal = httpapi.PortalConfig{SubmitsPerHour: 3, LookupsPerMinute: 5} })
			bodies := make([]map[string]any, 4)
			for i := range bodies {
				bodies[i] = submission(t, e) // 4 challenges: 4 of the 5 look-ups
			}
			for i := 0; i < 3; i++ {
				submit(t, e, bodies[i])
			}
			res := e.Raw("POST", "/api/v1/portal/tickets", "", bodies[3], nil)
			var eb errBody
			json.NewDecoder(res.Body).Decode(&eb)
			res.Body.Close()
			if res.StatusCode != http.StatusTooManyRequests || eb.Error == "" || res.Header.Get("Retry-After") == "" {
				t.Errorf("4th submission: %d %+v", res.StatusCode, eb)
			}
			if n := portalTickets(t, e); n != 3 {
				t.Errorf("%d portal tickets, want 3", n)
			}
			if st, _ := lookup(t, e, "x", "13800138000"); st != http.StatusNotFound {
				t.Errorf("5th look-up: %d", st)
			}
			if st, _ := lookup(t, e, "x", "13800138000"); st != http.StatusTooManyRequests {
				t.Errorf("6th look-up: %d", st)
			}
			// Staff are not limited by the portal's budget.
			if st := e.Do("GET", "/api/v1/auth/me", e.Tokens["agent"], nil, nil); st != 200 {
				t.Errorf("staff after the portal limit: %d", st)
			}
		})
	}
}
