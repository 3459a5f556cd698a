package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// TestOpenAPICoversRoutes checks the document against the mux: every registered route
// serves (the mux picks exactly its pattern) and appears in the document under its method,
// every document operation is a registered route, and every lifecycle action has its path.
func TestOpenAPICoversRoutes(t *testing.T) {
	a := newAPI(Deps{})
	rec := httptest.NewRecorder()
	a.openAPI(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	if len(a.routes) < 40 {
		t.Fatalf("only %d routes registered", len(a.routes))
	}
	ops := 0
	for _, item := range doc.Paths {
		ops += len(item)
	}
	if ops != len(a.routes) {
		t.Errorf("%d operations in the document, %d routes registered", ops, len(a.routes))
	}
	ids := map[string]bool{}
	for _, rt := range a.routes {
		// A concrete request for the route must reach the route's own pattern.
		path := pathParam.ReplaceAllStringFunc(rt.Path, func(p string) string {
			if strings.Contains(rt.Path, "/open311/") {
				return "x.json"
			}
			return "x1"
		})
		req := httptest.NewRequest(rt.Method, path, nil)
		if _, pattern := a.mux.Handler(req); pattern != rt.Method+" "+rt.Path {
			t.Errorf("%s %s is served by %q", rt.Method, path, pattern)
		}
		op := doc.Paths[openAPIPath(rt.Path)][strings.ToLower(rt.Method)]
		if op == nil {
			t.Errorf("%s %s missing from the document", rt.Method, rt.Path)
			continue
		}
		id, _ := op["operationId"].(string)
		if id == "" || ids[id] {
			t.Errorf("%s %s: operationId %q empty or repeated", rt.Method, rt.Path, id)
		}
		ids[id] = true
		if op["summary"] == "" {
			t.Errorf("%s %s has no summary", rt.Method, rt.Path)
		}
	}
	for _, act := range ticket.Actions {
		if doc.Paths["/api/v1/tickets/{number}/"+string(act)]["post"] == nil {
			t.Errorf("action %s has no endpoint in the document", act)
		}
	}
	// The ticket view (ticket.Ticket embedded) follows the struct tags.
	tk := doc.Components.Schemas["httpapi.ticketView"]
	props, _ := tk["properties"].(map[string]any)
	req := map[string]bool{}
	for _, r := range tk["required"].([]any) {
		req[r.(string)] = true
	}
	if !req["number"] || !req["allowed_actions"] || req["lat"] || req["category_id"] || props["lat"].(map[string]any)["nullable"] != true {
		t.Errorf("ticket schema: required %v, lat %v", req, props["lat"])
	}
	if f := props["created_at"].(map[string]any); f["format"] != "date-time" {
		t.Errorf("created_at %v", f)
	}
	if st := props["state"].(map[string]any); len(st["enum"].([]any)) != len(ticket.States) {
		t.Errorf("state %v", st)
	}
	if m := props["fields"].(map[string]any); m["type"] != "object" || m["additionalProperties"] == nil {
		t.Errorf("fields %v", m)
	}
	// Every reference resolves.
	var all any
	_ = json.Unmarshal(rec.Body.Bytes(), &all)
	var walk func(v any)
	refs := 0
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				refs++
				name := strings.TrimPrefix(ref, "#/components/schemas/")
				if _, ok := doc.Components.Schemas[name]; !ok || name == ref {
					t.Errorf("dangling $ref %q", ref)
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(all)
	if refs == 0 {
		t.Errorf("no references at all")
	}
	// Recursive types become references to themselves.
	node := doc.Components.Schemas["httpapi.departmentNode"]
	kids := node["properties"].(map[string]any)["children"].(map[string]any)
	if kids["items"].(map[string]any)["$ref"] != "#/components/schemas/httpapi.departmentNode" {
		t.Errorf("departmentNode children %v", kids)
	}
}
