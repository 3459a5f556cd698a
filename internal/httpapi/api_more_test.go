package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store"
)

type me struct {
	Username    string   `json:"username"`
	Role        string   `json:"role"`
	Kind        string   `json:"kind"`
	Permissions []string `json:"permissions"`
	Department  *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"department"`
}

func addUser(t *testing.T, e *apitest.Env, name, role, dept string) {
	t.Helper()
	if err := e.Accounts.CreateUser(context.Background(), "test", &store.User{Username: name, Role: role, DepartmentID: dept}, apitest.Password); err != nil {
		t.Fatal(err)
	}
}

func login(e *apitest.Env, name, password string) (int, string) {
	var out struct{ Token string }
	st := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": name, "password": password}, &out)
	return st, out.Token
}

func testAuth(t *testing.T, e *apitest.Env) {
	t.Run("bearer session and api key", func(t *testing.T) {
		var m me
		if st := e.Do("GET", "/api/v1/auth/me", e.Tokens["handler_a1"], nil, &m); st != http.StatusOK {
			t.Fatalf("me: %d", st)
		}
		if m.Role != "handler" || m.Kind != "user" || m.Department == nil || m.Department.Name != "A1区人民政府" ||
			!slices.Equal(m.Permissions, []string{"ticket.view"}) {
			t.Errorf("me %+v", m)
		}
		if st := e.Do("GET", "/api/v1/auth/me", e.APIKey, nil, &m); st != http.StatusOK || m.Kind != "apikey" || m.Role != "agent" {
			t.Errorf("api key me: %d %+v", st, m)
		}
		res := e.Raw("GET", "/api/v1/auth/me", "", nil, nil)
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("anonymous: %d", res.StatusCode)
		}
		if st := e.Do("GET", "/api/v1/auth/me", "hls_forged", nil, nil); st != http.StatusUnauthorized {
			t.Errorf("forged token: %d", st)
		}
	})
	t.Run("wrong password and lockout", func(t *testing.T) {
		addUser(t, e, "locky", "agent", "")
		if st, _ := login(e, "nobody", "whatever1"); st != http.StatusUnauthorized {
			t.Errorf("unknown user: %d", st)
		}
		for i := 0; i < 5; i++ {
			if st, _ := login(e, "locky", "wrong-password"); st != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, st)
			}
		}
		var eb errBody
		if st := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "locky", "password": apitest.Password}, &eb); st != http.StatusTooManyRequests || eb.Error == "" {
			t.Errorf("locked account with the right password: %d %+v", st, eb)
		}
		if st := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "locky"}, &eb); st != http.StatusBadRequest || eb.Fields["password"] == "" {
			t.Errorf("missing password: %d %+v", st, eb)
		}
	})
	t.Run("cookie session with CSRF header", func(t *testing.T) {
		c := e.CookieClient()
		body, _ := json.Marshal(map[string]string{"username": "agent", "password": apitest.Password})
		res, err := c.Post(e.URL+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		sc := res.Header.Get("Set-Cookie")
		if !strings.Contains(sc, "hotline_session=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("Set-Cookie %q", sc)
		}
		res, _ = c.Get(e.URL + "/api/v1/auth/me")
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("me by cookie: %d", res.StatusCode)
		}
		post := func(header bool) int {
			req, _ := http.NewRequest("POST", e.URL+"/api/v1/tickets", strings.NewReader(`{"description":"cookie ticket"}`))
			req.Header.Set("Content-Type", "application/json")
			if header {
				req.Header.Set("X-Requested-With", "XMLHttpRequest")
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if st := post(false); st != http.StatusForbidden {
			t.Errorf("cookie POST without X-Requested-With: %d", st)
		}
		if st := post(true); st != http.StatusCreated {
			t.Errorf("cookie POST with X-Requested-With: %d", st)
		}
		req, _ := http.NewRequest("POST", e.URL+"/api/v1/auth/logout", nil)
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
		res, _ = c.Do(req)
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Errorf("logout: %d", res.StatusCode)
		}
		res, _ = c.Get(e.URL + "/api/v1/auth/me")
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("me after logout: %d", res.StatusCode)
		}
	})
	t.Run("logout ends a bearer session", func(t *testing.T) {
		_, tok := login(e, "dispatcher", apitest.Password)
		if st := e.Do("POST", "/api/v1/auth/logout", tok, nil, nil); st != http.StatusNoContent {
			t.Fatalf("logout: %d", st)
		}
		if st := e.Do("GET", "/api/v1/auth/me", tok, nil, nil); st != http.StatusUnauthorized {
			t.Errorf("me after logout: %d", st)
		}
	})
	t.Run("change password", func(t *testing.T) {
		addUser(t, e, "pwuser", "agent", "")
		_, tok := login(e, "pwuser", apitest.Password)
		var eb errBody
		if st := e.Do("POST", "/api/v1/auth/password", tok, map[string]string{"old_password": "wrong", "new_password": "another-pass-2"}, &eb); st != http.StatusBadRequest || eb.Fields["old_password"] == "" {
			t.Errorf("wrong old password: %d %+v", st, eb)
		}
		if st := e.Do("POST", "/api/v1/auth/password", tok, map[string]string{"old_password": apitest.Password, "new_password": "another-pass-2"}, nil); st != http.StatusNoContent {
			t.Fatalf("change: %d", st)
		}
		if st := e.Do("GET", "/api/v1/auth/me", tok, nil, nil); st != http.StatusUnauthorized {
			t.Errorf("old session after the change: %d", st)
		}
		if st, _ := login(e, "pwuser", "another-pass-2"); st != http.StatusOK {
			t.Errorf("login with the new password: %d", st)
		}
	})
}

// png is a 1×1 PNG.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func upload(t *testing.T, e *apitest.Env, user, number, name string, data []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	res := e.Raw("POST", "/api/v1/tickets/"+number+"/attachments", e.Tokens[user], buf.Bytes(), http.Header{"Content-Type": {mw.FormDataContentType()}})
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func testAttachments(t *testing.T, e *apitest.Env) {
	tick := register(t, e, map[string]any{"dispatch_to": apitest.District})
	mustAct(t, e, "handler_a1", tick.Number, "accept", nil)
	before := len(events(t, e, tick.Number))
	st, att := upload(t, e, "handler_a1", tick.Number, "现场照片.png", png)
	if st != http.StatusCreated || att["content_type"] != "image/png" || att["name"] != "现场照片.png" {
		t.Fatalf("upload: %d %v", st, att)
	}
	id := att["id"].(string)
	evs := events(t, e, tick.Number)
	if len(evs) != before+1 || !slices.Equal(evs[len(evs)-1].Attachments, []string{id}) {
		t.Errorf("upload event: %+v", evs[len(evs)-1])
	}
	got := mustAct(t, e, "handler_a1", tick.Number, "reply", map[string]any{"note": "已整改，见照片", "attachments": []string{id}})
	if got.State != "replied" {
		t.Errorf("reply with attachment: %+v", got)
	}
	res := e.Raw("GET", "/api/v1/attachments/"+id, e.Tokens["dispatcher"], nil, nil)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, png) || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %s, %d bytes", fmtStatus(res), len(body))
	}
	var list []map[string]any
	if st := e.Do("GET", "/api/v1/tickets/"+tick.Number+"/attachments", e.Tokens["handler_a1"], nil, &list); st != 200 || len(list) != 1 {
		t.Errorf("list: %d %v", st, list)
	}
	if st := e.Do("GET", "/api/v1/attachments/"+id, e.Tokens["handler_water"], nil, nil); st != http.StatusNotFound {
		t.Errorf("other department download: %d", st)
	}
	n := len(events(t, e, tick.Number))
	if st, _ := upload(t, e, "handler_water", tick.Number, "x.png", png); st != http.StatusNotFound {
		t.Errorf("other department upload: %d", st)
	}
	if st, out := upload(t, e, "handler_a1", tick.Number, "x.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00")); st != http.StatusUnsupportedMediaType {
		t.Errorf("executable: %d %v", st, out)
	}
	if st, _ := upload(t, e, "handler_a1", tick.Number, "empty.txt", nil); st != http.StatusBadRequest {
		t.Errorf("empty file: %d", st)
	}
	if len(events(t, e, tick.Number)) != n {
		t.Errorf("refused uploads changed the history")
	}
	// One byte over the limit: refused with 413, nothing recorded.
	big := append(append([]byte{}, png...), make([]byte, 20<<20+1-len(png))...)
	if st, out := upload(t, e, "handler_a1", tick.Number, "big.png", big); st != http.StatusRequestEntityTooLarge {
		t.Errorf("21 MB upload: %d %v", st, out)
	}
	if len(events(t, e, tick.Number)) != n {
		t.Errorf("a refused upload changed the history")
	}
	res = e.Raw("POST", "/api/v1/tickets/"+tick.Number+"/attachments", e.Tokens["handler_a1"], []byte(`{}`), http.Header{"Content-Type": {"application/json"}})
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("JSON upload: %d", res.StatusCode)
	}
}

func testCitizens(t *testing.T, e *apitest.Env) {
	tick := register(t, e, map[string]any{"phone": "13700007777", "citizen_name": "李四"})
	var cz struct {
		Phone         string   `json:"phone"`
		Name          string   `json:"name"`
		Tags          []string `json:"tags"`
		Blacklisted   bool     `json:"blacklisted"`
		RecentTickets []tk     `json:"recent_tickets"`
	}
	if st := e.Do("GET", "/api/v1/citizens/13700007777", e.Tokens["agent"], nil, &cz); st != http.StatusOK {
		t.Fatalf("get: %d", st)
	}
	if logs := e.Logs.String(); !strings.Contains(logs, "/api/v1/citizens/137****7777") || strings.Contains(logs, "13700007777") {
		t.Errorf("the request log shows the phone number unmasked, or not at all")
	}
	if cz.Name != "李四" || len(cz.RecentTickets) != 1 || cz.RecentTickets[0].Number != tick.Number {
		t.Errorf("profile %+v", cz)
	}
	var audit struct {
		Items []store.AuditEntry `json:"items"`
	}
	if st := e.Do("GET", "/api/v1/audit?action=citizen.view", e.Tokens["admin"], nil, &audit); st != http.StatusOK ||
		len(audit.Items) == 0 || audit.Items[0].Actor != "agent" || audit.Items[0].IP == "" {
		t.Errorf("audit of the view: %d %+v", st, audit.Items)
	}
	if st := e.Do("GET", "/api/v1/audit", e.Tokens["agent"], nil, nil); st != http.StatusForbidden {
		t.Errorf("agent reading the audit log: %d", st)
	}
	if st := e.Do("GET", "/api/v1/citizens/13700007777", e.Tokens["handler_a1"], nil, nil); st != http.StatusForbidden {
		t.Errorf("handler viewing a citizen: %d", st)
	}
	if st := e.Do("GET", "/api/v1/citizens/10000000000", e.Tokens["agent"], nil, nil); st != http.StatusNotFound {
		t.Errorf("unknown citizen: %d", st)
	}
	var eb errBody
	if st := e.Do("PATCH", "/api/v1/citizens/13700007777", e.Tokens["agent"], map[string]any{"blacklisted": true}, &eb); st != http.StatusBadRequest || eb.Fields["blacklist_reason"] == "" {
		t.Errorf("blacklist without reason: %d %+v", st, eb)
	}
	if st := e.Do("PATCH", "/api/v1/citizens/13700007777", e.Tokens["agent"], map[string]any{"blacklisted": true,
		"blacklist_reason": "多次恶意骚扰", "tags": []string{"vip"}}, &cz); st != http.StatusOK || !cz.Blacklisted ||
		!slices.Equal(cz.Tags, []string{"vip", "blacklisted"}) {
		t.Errorf("blacklist: %d %+v", st, cz)
	}
	if st := e.Do("PATCH", "/api/v1/citizens/13700007777", e.Tokens["leader"], map[string]any{"note": "x"}, nil); st != http.StatusForbidden {
		t.Errorf("leader editing: %d", st)
	}
}

func testOrganisation(t *testing.T, e *apitest.Env) {
	admin := e.Tokens["admin"]
	var d struct {
		ID       string `json:"id"`
		ParentID string `json:"parent_id"`
	}
	if st := e.Do("POST", "/api/v1/departments", admin, map[string]any{"code": "A1S2", "name": "A1区西湖街道", "parent_id": apitest.District, "kind": "street"}, &d); st != http.StatusCreated || d.ID == "" {
		t.Fatalf("create department: %d", st)
	}
	var eb errBody
	if st := e.Do("PUT", "/api/v1/departments/"+apitest.District, admin, map[string]any{"code": "A1", "name": "A1区人民政府", "parent_id": d.ID, "kind": "district"}, &eb); st != http.StatusBadRequest || eb.Fields["parent_id"] == "" {
		t.Errorf("cycle: %d %+v", st, eb)
	}
	if st := e.Do("POST", "/api/v1/departments", admin, map[string]any{"code": "A1", "name": "重复", "kind": "bureau"}, &eb); st != http.StatusBadRequest || eb.Fields["code"] == "" {
		t.Errorf("taken code: %d %+v", st, eb)
	}
	if st := e.Do("POST", "/api/v1/departments", e.Tokens["dispatcher"], map[string]any{"code": "X", "name": "X", "kind": "bureau"}, nil); st != http.StatusForbidden {
		t.Errorf("dispatcher creating a department: %d", st)
	}
	if st := e.Do("PUT", "/api/v1/departments/nope", admin, map[string]any{"code": "N", "name": "N", "kind": "bureau"}, nil); st != http.StatusNotFound {
		t.Errorf("update unknown: %d", st)
	}
	var tree []struct {
		ID       string `json:"id"`
		Children []struct {
			ID       string `json:"id"`
			Children []struct {
				ID string `json:"id"`
			} `json:"children"`
		} `json:"children"`
	}
	if st := e.Do("GET", "/api/v1/departments?tree=1", e.Tokens["handler_a1"], nil, &tree); st != 200 || len(tree) != 1 || tree[0].ID != apitest.Centre || len(tree[0].Children) != 2 {
		t.Errorf("tree: %d %+v", st, tree)
	}

	if st := e.Do("POST", "/api/v1/regions", admin, map[string]any{"code": "440102", "name": "B区", "parent_id": apitest.RegCity, "level": "district",
		"boundary": map[string]any{"type": "Point", "coordinates": []float64{1, 2}}}, &eb); st != http.StatusBadRequest || eb.Fields["boundary"] == "" {
		t.Errorf("bad boundary: %d %+v", st, eb)
	}
	square := `{"type":"Polygon","coordinates":[[[115,23],[116,23],[116,24],[115,24],[115,23]]]}`
	if st := e.Do("POST", "/api/v1/regions", admin, map[string]any{"code": "440102", "name": "B区", "parent_id": apitest.RegCity, "level": "district",
		"boundary": json.RawMessage(square)}, nil); st != http.StatusCreated {
		t.Errorf("create region: %d", st)
	}
	var loc struct {
		RegionID string   `json:"region_id"`
		Path     []string `json:"path"`
	}
	if st := e.Do("GET", "/api/v1/regions/locate?lat=23.5&lng=115.5", e.Tokens["agent"], nil, &loc); st != 200 || !slices.Equal(loc.Path, []string{"示例市", "B区"}) {
		t.Errorf("locate: %d %+v", st, loc)
	}
	if st := e.Do("GET", "/api/v1/regions/locate?lat=95&lng=x", e.Tokens["agent"], nil, &eb); st != http.StatusBadRequest || eb.Fields["lat"] == "" || eb.Fields["lng"] == "" {
		t.Errorf("locate bad point: %d %+v", st, eb)
	}

	if st := e.Do("POST", "/api/v1/categories", admin, map[string]any{"name": "第四级", "parent_id": apitest.CatLeaf}, &eb); st != http.StatusBadRequest || eb.Fields["parent_id"] == "" {
		t.Errorf("fourth level: %d %+v", st, eb)
	}
	if st := e.Do("POST", "/api/v1/categories", admin, map[string]any{"name": "占道经营", "parent_id": apitest.CatMid}, &eb); st != http.StatusBadRequest || eb.Fields["name"] == "" {
		t.Errorf("duplicate name: %d %+v", st, eb)
	}
	var cat struct {
		Level int      `json:"level"`
		Path  []string `json:"path"`
	}
	if st := e.Do("POST", "/api/v1/categories", admin, map[string]any{"name": "乱张贴", "parent_id": apitest.CatMid,
		"fields": []map[string]any{{"key": "area", "label": "面积", "type": "number"}}}, &cat); st != http.StatusCreated || cat.Level != 3 ||
		!slices.Equal(cat.Path, []string{"城乡建设", "市容环卫", "乱张贴"}) {
		t.Errorf("create category: %d %+v", st, cat)
	}
	if st := e.Do("POST", "/api/v1/categories", admin, map[string]any{"name": "坏字段", "fields": []map[string]any{{"key": "A B", "label": "", "type": "blob"}}}, &eb); st != http.StatusBadRequest ||
		eb.Fields["fields.0.key"] == "" || eb.Fields["fields.0.type"] == "" {
		t.Errorf("bad fields: %d %+v", st, eb)
	}
}

func testUsers(t *testing.T, e *apitest.Env) {
	da := e.Tokens["deptadmin_a1"]
	var u struct {
		ID           string `json:"id"`
		Username     string `json:"username"`
		Role         string `json:"role"`
		DepartmentID string `json:"department_id"`
		PhoneGrant   bool   `json:"phone_grant"`
		Disabled     bool   `json:"disabled"`
		PasswordHash string `json:"password_hash"`
	}
	if st := e.Do("POST", "/api/v1/users", da, map[string]any{"username": "street_clerk", "password": "long-enough-1", "role": "handler", "department_id": apitest.Street}, &u); st != http.StatusCreated || u.ID == "" {
		t.Fatalf("dept admin creating a handler below: %d", st)
	}
	for _, c := range []map[string]any{
		{"username": "w1", "password": "long-enough-1", "role": "handler", "department_id": apitest.Water},
		{"username": "w2", "password": "long-enough-1", "role": "admin", "department_id": apitest.District},
	} {
		if st := e.Do("POST", "/api/v1/users", da, c, nil); st != http.StatusForbidden {
			t.Errorf("dept admin creating %v: %d", c, st)
		}
	}
	var eb errBody
	if st := e.Do("POST", "/api/v1/users", e.Tokens["admin"], map[string]any{"username": "x", "password": "short", "role": "agent"}, &eb); st != http.StatusBadRequest ||
		eb.Fields["username"] == "" || eb.Fields["password"] == "" {
		t.Errorf("bad user: %d %+v", st, eb)
	}
	var list []struct {
		Username     string `json:"username"`
		DepartmentID string `json:"department_id"`
	}
	e.Do("GET", "/api/v1/users", da, nil, &list)
	for _, x := range list {
		if x.DepartmentID != apitest.District && x.DepartmentID != apitest.Street {
			t.Errorf("dept admin lists %s of %q", x.Username, x.DepartmentID)
		}
	}
	if len(list) < 3 {
		t.Errorf("dept admin lists %d users", len(list))
	}
	if st := e.Do("GET", "/api/v1/users", e.Tokens["agent"], nil, nil); st != http.StatusForbidden {
		t.Errorf("agent listing users: %d", st)
	}
	if st := e.Do("PATCH", "/api/v1/users/"+u.ID, da, map[string]any{"phone_grant": true, "password": "short"}, &eb); st != http.StatusBadRequest || eb.Fields["password"] == "" {
		t.Errorf("short password: %d %+v", st, eb)
	}
	_, tok := login(e, "street_clerk", "long-enough-1")
	var unchanged []struct {
		ID         string `json:"id"`
		PhoneGrant bool   `json:"phone_grant"`
	}
	e.Do("GET", "/api/v1/users", da, nil, &unchanged)
	for _, x := range unchanged {
		if x.ID == u.ID && x.PhoneGrant {
			t.Errorf("a refused patch changed the user")
		}
	}
	if st := e.Do("PATCH", "/api/v1/users/"+u.ID, da, map[string]any{"phone_grant": true, "disabled": true}, &u); st != http.StatusOK || !u.PhoneGrant || !u.Disabled || u.PasswordHash != "" {
		t.Errorf("patch: %d %+v", st, u)
	}
	if st := e.Do("GET", "/api/v1/auth/me", tok, nil, nil); st != http.StatusUnauthorized {
		t.Errorf("disabled user's session: %d", st)
	}
	if st := e.Do("PATCH", "/api/v1/users/"+u.ID, da, map[string]any{"department_id": apitest.Water}, nil); st != http.StatusForbidden {
		t.Errorf("moving a user out of one's subtree: %d", st)
	}
	var admin struct{ ID string }
	e.Do("GET", "/api/v1/auth/me", e.Tokens["admin"], nil, &admin)
}

func testAPIKeys(t *testing.T, e *apitest.Env) {
	var created struct {
		Secret string `json:"secret"`
		Key    struct {
			ID     string `json:"id"`
			Prefix string `json:"prefix"`
		} `json:"key"`
	}
	if st := e.Do("POST", "/api/v1/apikeys", e.Tokens["admin"], map[string]any{"name": "区网格系统", "role": "agent"}, &created); st != http.StatusCreated ||
		!strings.HasPrefix(created.Secret, created.Key.Prefix) {
		t.Fatalf("create: %d %+v", st, created)
	}
	var eb errBody
	if st := e.Do("POST", "/api/v1/apikeys", e.Tokens["admin"], map[string]any{"name": "", "role": "handler"}, &eb); st != http.StatusBadRequest ||
		eb.Fields["name"] == "" || eb.Fields["department_id"] == "" {
		t.Errorf("bad key: %d %+v", st, eb)
	}
	if st := e.Do("POST", "/api/v1/apikeys", e.Tokens["dispatcher"], map[string]any{"name": "x", "role": "admin"}, nil); st != http.StatusForbidden {
		t.Errorf("dispatcher creating a key: %d", st)
	}
	var keys []map[string]any
	if st := e.Do("GET", "/api/v1/apikeys", e.Tokens["admin"], nil, &keys); st != 200 || len(keys) < 3 {
		t.Errorf("list: %d %v", st, keys)
	}
	for _, k := range keys {
		if k["key_hash"] != nil || k["secret"] != nil {
			t.Errorf("a listed key shows its secret: %v", k)
		}
	}
	if st := e.Do("POST", "/api/v1/tickets", created.Secret, map[string]any{"description": "网格员上报", "channel": "inspector"}, nil); st != http.StatusCreated {
		t.Errorf("the new key registering: %d", st)
	}
	if st := e.Do("DELETE", "/api/v1/apikeys/"+created.Key.ID, e.Tokens["admin"], nil, nil); st != http.StatusNoContent {
		t.Fatalf("revoke: %d", st)
	}
	if st := e.Do("GET", "/api/v1/auth/me", created.Secret, nil, nil); st != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d", st)
	}
	if st := e.Do("DELETE", "/api/v1/apikeys/nope", e.Tokens["admin"], nil, nil); st != http.StatusNotFound {
		t.Errorf("revoke unknown: %d", st)
	}
}

func testSystem(t *testing.T, e *apitest.Env) {
	var eb errBody
	res := e.Raw("DELETE", "/api/v1/tickets", e.Tokens["admin"], nil, nil)
	json.NewDecoder(res.Body).Decode(&eb)
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, POST" || eb.Error == "" {
		t.Errorf("wrong method: %s %q %+v", fmtStatus(res), res.Header.Get("Allow"), eb)
	}
	res = e.Raw("GET", "/api/v1/nothing-here", "", nil, http.Header{"X-Request-Id": {"abc-123"}})
	res.Body.Close()
	if res.Header.Get("X-Request-ID") != "abc-123" {
		t.Errorf("request id %q", res.Header.Get("X-Request-ID"))
	}
	if st := e.Do("GET", "/api/v1/nothing-here", "", nil, &eb); st != http.StatusNotFound || eb.Error == "" {
		t.Errorf("unknown path: %d %+v", st, eb)
	}
	res = e.Raw("GET", "/open311/v2/nothing.xml", "", nil, nil)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "<errors><error><code>404</code>") {
		t.Errorf("unknown Open311 path: %d %s", res.StatusCode, b)
	}

	var h struct{ Status string }
	if st := e.Do("GET", "/healthz", "", nil, &h); st != 200 || h.Status != "ok" {
		t.Errorf("healthz: %d %+v", st, h)
	}
	res = e.Raw("GET", "/metrics", "", nil, nil)
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`hotline_http_requests_total{code="201",method="POST",route="POST /api/v1/tickets"}`,
		`hotline_tickets_created_total{channel="phone"}`, "go_goroutines", `route="POST /api/v1/tickets/{number}/dispatch"`,
		"\nhotline_search_pending_tickets "} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if _, after, ok := strings.Cut(string(b), "\nhotline_search_pending_tickets "); ok {
		line, _, _ := strings.Cut(after, "\n")
		if v, err := strconv.ParseFloat(line, 64); err != nil || v < 0 || math.IsNaN(v) {
			t.Errorf("search backlog on /metrics: %q", line)
		}
	}
	var m struct {
		States []struct{ ID, Name string } `json:"states"`
		Roles  []struct{ ID, Name string } `json:"roles"`
	}
	if st := e.Do("GET", "/api/v1/meta", "", nil, &m); st != 200 || len(m.States) != 9 || m.Roles[0].Name != "话务员" {
		t.Errorf("meta: %d %+v", st, m)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if st := e.Do("GET", "/api/v1/openapi.json", "", nil, &doc); st != 200 || doc.OpenAPI != "3.0.3" || doc.Paths["/api/v1/tickets/{number}/merge"]["post"] == nil {
		t.Errorf("openapi: %d %s %d paths", st, doc.OpenAPI, len(doc.Paths))
	}
}
