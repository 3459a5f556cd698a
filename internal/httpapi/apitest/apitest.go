// Package apitest starts a real Hotline HTTP server over a real store for API scenario tests:
// a small city (centre, a district with a street, a water company), a category tree with
// custom fields, a region with a boundary, one user per role, and an API key.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/httpapi"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Department, category and region ids of the fixture city.
const (
	Centre   = "centre"
	District = "a1"   // A1区人民政府
	Street   = "a1s1" // A1区东风街道, below District
	Water    = "water"

	CatTop   = "cat-urban" // 城乡建设
	CatMid   = "cat-sanit" // 市容环卫
	CatLeaf  = "cat-stall" // 占道经营 (custom fields: stall_count number required, night bool, kind options)
	CatWater = "cat-water" // 供水 (a top-level leaf without fields)
	RegCity  = "reg-city"
	RegDist  = "reg-a1" // boundary: the square 113..114 E, 23..24 N
	Password = "secret-pass-1"
)

// Users by name: each logs in with Password. Roles and departments:
// admin, agent, dispatcher, leader (centre roles); handler_a1, handler_a1s1, handler_water
// (handlers); deptadmin_a1 (department admin of District).
var Users = []struct{ Name, Role, Dept string }{
	{"admin", "admin", ""}, {"agent", "agent", ""}, {"dispatcher", "dispatcher", ""}, {"leader", "leader", ""},
	{"handler_a1", "handler", District}, {"handler_a1s1", "handler", Street}, {"handler_water", "handler", Water},
	{"deptadmin_a1", "dept_admin", District},
}

// Env is a running server.
type Env struct {
	T        testing.TB
	URL      string
	Store    *store.Store
	Service  *workorder.Service
	Accounts *account.Accounts
	Client   *http.Client
	// Tokens holds a session token per user name, logged in through the API.
	Tokens map[string]string
	// APIKey acts with the agent role (the natural Open311 client).
	APIKey string
	// LeaderKey acts with the leader role, which may read but not create tickets.
	LeaderKey string
	// Logs holds what the server logged.
	Logs *Logs
}

// Logs is a log sink safe for the server's goroutines.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// New seeds st and starts a server over it, closed when t ends. Options adjust the server's
// dependencies (the portal's rate limits, say) before it starts.
func New(t testing.TB, st *store.Store, options ...func(*httpapi.Deps)) *Env {
	t.Helper()
	ctx := context.Background()
	logs := &Logs{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	seed(t, st)
	svc := workorder.New(st, t.TempDir(), log)
	acc := account.New(st, log)
	deps := httpapi.Deps{Service: svc, Accounts: acc, Store: st, Log: log}
	for _, o := range options {
		o(&deps)
	}
	srv := httptest.NewServer(httpapi.New(deps))
	t.Cleanup(srv.Close)
	e := &Env{T: t, Logs: logs, URL: srv.URL, Store: st, Service: svc, Accounts: acc, Client: srv.Client(), Tokens: map[string]string{}}
	for _, u := range Users {
		if err := acc.CreateUser(ctx, "test", &store.User{Username: u.Name, DisplayName: u.Name, Role: u.Role, DepartmentID: u.Dept}, Password); err != nil {
			t.Fatalf("create user %s: %v", u.Name, err)
		}
	}
	for _, u := range Users {
		var out struct{ Token string }
		if st := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": u.Name, "password": Password}, &out); st != 200 || out.Token == "" {
			t.Fatalf("login %s: status %d", u.Name, st)
		}
		e.Tokens[u.Name] = out.Token
	}
	var err error
	if e.APIKey, _, err = acc.CreateAPIKey(ctx, "test", "open311 client", "agent", ""); err != nil {
		t.Fatal(err)
	}
	if e.LeaderKey, _, err = acc.CreateAPIKey(ctx, "test", "dashboard", "leader", ""); err != nil {
		t.Fatal(err)
	}
	return e
}

// Boundary is the GeoJSON square of RegDist.
const Boundary = `{"type":"Polygon","coordinates":[[[113,23],[114,23],[114,24],[113,24],[113,23]]]}`

func seed(t testing.TB, st *store.Store) {
	ctx := context.Background()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, d := range []*org.Department{
			{ID: Centre, Code: "C", Name: "热线中心", Kind: org.KindCentre},
			{ID: District, Code: "A1", Name: "A1区人民政府", ParentID: Centre, Kind: org.KindDistrict},
			{ID: Street, Code: "A1S1", Name: "A1区东风街道", ParentID: District, Kind: org.KindStreet},
			{ID: Water, Code: "W", Name: "市水务集团", ParentID: Centre, Kind: org.KindCompany},
		} {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
		}
		for _, c := range []*org.Category{
			{ID: CatTop, Name: "城乡建设", Level: 1},
			{ID: CatMid, Name: "市容环卫", ParentID: CatTop, Level: 2},
			{ID: CatLeaf, Name: "占道经营", ParentID: CatMid, Level: 3, DepartmentID: District, Fields: []org.FieldDef{
				{Key: "stall_count", Label: "摊位数量", Type: "number", Required: true},
				{Key: "night", Label: "是否夜间", Type: "bool"},
				{Key: "kind", Label: "摊位类型", Type: "text", Options: []string{"早餐", "水果", "其他"}},
			}},
			{ID: CatWater, Name: "供水", Level: 1, DepartmentID: Water},
		} {
			if err := tx.SaveCategory(ctx, c); err != nil {
				return err
			}
		}
		for _, r := range []*org.Region{
			{ID: RegCity, Code: "440100", Name: "示例市", Level: org.LevelCity},
			{ID: RegDist, Code: "440101", Name: "A1区", ParentID: RegCity, Level: org.LevelDistrict, Boundary: json.RawMessage(Boundary)},
		} {
			if err := tx.SaveRegion(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// Call is Do against any running server at base (a test that starts its own).
func Call(t testing.TB, base, method, path, token string, body, out any) int {
	t.Helper()
	return (&Env{T: t, URL: base, Client: http.DefaultClient}).Do(method, path, token, body, out)
}

// Do sends a JSON request as the holder of token (empty: anonymous) and decodes the answer
// into out (when not nil). It returns the status.
func (e *Env) Do(method, path, token string, body, out any) int {
	e.T.Helper()
	res := e.Raw(method, path, token, body, nil)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			e.T.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
	return res.StatusCode
}

// Raw sends a request and returns the response unread. A string body is sent as is, anything
// else as JSON.
func (e *Env) Raw(method, path, token string, body any, header http.Header) *http.Response {
	e.T.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		r, ct = strings.NewReader(b), "application/json"
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, e.URL+path, r)
	if err != nil {
		e.T.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := e.Client.Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// CookieClient returns a client with its own cookie jar, for browser-style sessions.
func (e *Env) CookieClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: e.Client.Transport}
}
