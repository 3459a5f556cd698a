package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// The OpenAPI document is built from the route registry and the Go types the handlers
// decode and encode, so it cannot drift from the code. There is no hand-kept copy.

const openAPIVersion = "3.0.3"

// schemaGen turns Go types into JSON schemas. Named struct types become components
// referenced by $ref, which also handles recursive types (trees).
type schemaGen struct {
	components map[string]any
	names      map[reflect.Type]string
}

// enums lists the values of the domain's string types, so clients see them in the document.
var enums = map[reflect.Type][]string{}

func init() {
	addEnum := func(sample any, values []string) { enums[reflect.TypeOf(sample)] = values }
	var states, channels, actions, types, urgencies, roles []string
	for _, s := range ticket.States {
		states = append(states, string(s))
	}
	for _, c := range ticket.Channels {
		channels = append(channels, string(c))
	}
	all := append(append([]ticket.Action{ticket.ActRegister}, ticket.Actions...), ticket.ActAbsorb)
	for _, a := range append(all, ticket.SystemActions...) {
		actions = append(actions, string(a))
	}
	for _, t := range ticket.RequestTypes {
		types = append(types, string(t.ID))
	}
	for _, u := range ticket.Urgencies {
		urgencies = append(urgencies, string(u.ID))
	}
	for _, r := range access.Roles {
		roles = append(roles, string(r))
	}
	addEnum(ticket.State(""), states)
	addEnum(ticket.Channel(""), channels)
	addEnum(ticket.Action(""), actions)
	addEnum(ticket.RequestType(""), types)
	addEnum(ticket.Urgency(""), urgencies)
	addEnum(ticket.Satisfaction(""), []string{string(ticket.Satisfied), string(ticket.BasicSatisfied),
		string(ticket.Unsatisfied), string(ticket.Unreachable)})
	addEnum(access.Role(""), roles)
	addEnum(org.DepartmentKind(""), []string{string(org.KindCentre), string(org.KindBureau), string(org.KindDistrict),
		string(org.KindStreet), string(org.KindCommunity), string(org.KindCompany)})
	addEnum(org.RegionLevel(""), []string{string(org.LevelCity), string(org.LevelDistrict), string(org.LevelStreet),
		string(org.LevelCommunity)})
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	rawJSONType = reflect.TypeOf(json.RawMessage{})
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t == rawJSONType {
		return map[string]any{"description": "any JSON value"}
	}
	if values, ok := enums[t]; ok {
		return map[string]any{"type": "string", "enum": values}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := g.schema(t.Elem())
		if _, isRef := inner["$ref"]; isRef {
			return map[string]any{"allOf": []any{inner}, "nullable": true}
		}
		out := map[string]any{"nullable": true}
		for k, v := range inner {
			out[k] = v
		}
		return out
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number", "format": "double"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{"description": "any JSON value"}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		name, seen := g.names[t]
		if !seen {
			name = componentName(t)
			g.names[t] = name
			g.components[name] = map[string]any{} // placeholder, for recursion
			g.components[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// componentName is "package.Type", e.g. ticket.Ticket or httpapi.ticketView.
func componentName(t reflect.Type) string {
	pkg := t.PkgPath()
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		pkg = pkg[i+1:]
	}
	return pkg + "." + t.Name()
}

// object describes a struct by its json tags: omitempty (or a pointer) makes a property
// optional, "-" hides it, embedded structs lend their fields.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		sort.Strings(required)
		out["required"] = required
	}
	return out
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schema(f.Type)
		if doc := f.Tag.Get("doc"); doc != "" {
			if _, isRef := s["$ref"]; isRef {
				s = map[string]any{"allOf": []any{s}, "description": doc}
			} else {
				s["description"] = doc
			}
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)(\.\.\.)?\}`)

// openAPIPath turns a ServeMux path into an OpenAPI path ({rest...} → {rest}).
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

// document builds the OpenAPI document from the registered routes.
func (a *api) document() map[string]any {
	g := &schemaGen{components: map[string]any{}, names: map[reflect.Type]string{}}
	errRef := g.schema(reflect.TypeOf(errorBody{}))
	paths := map[string]any{}
	for _, rt := range a.routes {
		p := openAPIPath(rt.Path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		op := map[string]any{
			"operationId": operationID(rt.Method, rt.Path),
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
		}
		if rt.Description != "" {
			op["description"] = rt.Description
		}
		if rt.Perm != "" {
			op["x-permission"] = string(rt.Perm)
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
				"schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.Query {
			s := map[string]any{"type": q.Type}
			if q.Type == "" {
				s["type"] = "string"
			}
			if q.Multi {
				s = map[string]any{"type": "array", "items": s}
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description,
				"schema": s, "explode": true})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch {
		case rt.Multipart:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
				"schema": map[string]any{"type": "object", "required": []string{"file"}, "properties": map[string]any{
					"file": map[string]any{"type": "string", "format": "binary"}}}}}}
		case rt.Form:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/x-www-form-urlencoded": map[string]any{"schema": map[string]any{"type": "object"}}}}
		case rt.Request != nil:
			op["requestBody"] = map[string]any{"required": !rt.OptionalBody, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Request))}}}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		switch {
		case rt.Raw:
			ct := rt.ContentType
			if ct == "" {
				ct = "application/octet-stream"
			}
			content := map[string]any{}
			for _, c := range strings.Split(ct, ",") {
				content[c] = map[string]any{"schema": map[string]any{"type": "string"}}
			}
			ok["content"] = content
		case rt.Response != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Response))}}
		}
		responses := map[string]any{itoa(status): ok}
		if !rt.Raw {
			responses["default"] = map[string]any{"description": "error", "content": map[string]any{
				"application/json": map[string]any{"schema": errRef}}}
		}
		op["responses"] = responses
		if rt.Public {
			op["security"] = []any{}
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": openAPIVersion,
		"info": map[string]any{
			"title":       "Hotline API",
			"version":     "1",
			"description": "12345 government service hotline: work orders, organisation, citizens, users. Errors are {\"error\", \"fields\", \"allowed\"}. Cookie-authenticated requests that change data must send X-Requested-With.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.components,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "a session token from /api/v1/auth/login, or an API key"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
		},
		"security": []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}},
	}
}

// operationID names an operation from its method and path: POST /api/v1/tickets/{number}/dispatch
// → post_tickets_number_dispatch.
func operationID(method, path string) string {
	path = strings.TrimPrefix(path, "/api/v1")
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, r := range path {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '/' || r == '.' || r == '_' || r == '-':
			b.WriteByte('_')
		}
	}
	return strings.TrimRight(strings.ReplaceAll(b.String(), "__", "_"), "_")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
