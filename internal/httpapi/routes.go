package httpapi

import (
	"github.com/hotline-dev/hotline/internal/citizen"
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// route is one endpoint: how the mux finds it, what the OpenAPI document says about it, and
// the handler. Every endpoint is added through add, so the document lists exactly what serves.
type route struct {
	Method, Path         string
	Summary, Description string
	Tag                  string
	Perm                 access.Perm // the permission the use case checks (documented as x-permission)
	Public               bool        // no credentials needed
	Request              any         // zero value of the JSON body type; nil for none
	OptionalBody         bool        // the JSON body may be left out
	Response             any         // zero value of the JSON answer type
	Status               int         // success status; 200 when zero
	Query                []param
	Multipart            bool   // multipart/form-data with a "file" part
	Form                 bool   // application/x-www-form-urlencoded (Open311)
	Raw                  bool   // the answer is not JSON described by Response
	ContentType          string // content types of a raw answer, comma-separated

	handler http.Handler // public routes
	auth    authHandler  // routes for identified callers
}

// param is a documented query parameter.
type param struct {
	Name, Type, Description string
	Multi                   bool // may repeat (or be comma-separated)
}

func (a *api) add(rt route) {
	h := rt.handler
	if rt.auth != nil {
		h = a.authenticate(rt.auth)
	}
	a.mux.Handle(rt.Method+" "+rt.Path, h)
	a.routes = append(a.routes, rt)
}

func (a *api) registerRoutes() {
	a.registerVoiceRoutes()
	a.add(route{Method: "GET", Path: "/healthz", Summary: "Readiness: 200 when the node is ready and the database answers",
		Tag: "system", Public: true, Response: health{}, handler: http.HandlerFunc(a.healthz)})
	a.add(route{Method: "GET", Path: "/metrics", Summary: "Prometheus metrics", Tag: "system", Public: true,
		Raw: true, ContentType: "text/plain", handler: a.metrics.handler})
	a.add(route{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This document", Tag: "system", Public: true,
		Raw: true, ContentType: "application/json", handler: http.HandlerFunc(a.openAPI)})
	a.add(route{Method: "GET", Path: "/api/v1/meta", Summary: "Request types, urgencies, channels, states, actions and roles with their Chinese names",
		Tag: "system", Public: true, Response: meta{}, handler: http.HandlerFunc(a.meta)})

	a.add(route{Method: "POST", Path: "/api/v1/auth/login", Summary: "Log in; sets the hotline_session cookie and returns the token",
		Tag: "auth", Public: true, Request: loginRequest{}, Response: loginResponse{}, handler: http.HandlerFunc(a.login)})
	a.add(route{Method: "POST", Path: "/api/v1/auth/logout", Summary: "End the session", Tag: "auth", Status: http.StatusNoContent, auth: a.logout})
	a.add(route{Method: "GET", Path: "/api/v1/auth/me", Summary: "Who is calling: user, role, permissions, department", Tag: "auth",
		Response: me{}, auth: a.me})
	a.add(route{Method: "POST", Path: "/api/v1/auth/password", Summary: "Change one's own password (ends other sessions)", Tag: "auth",
		Request: passwordRequest{}, Status: http.StatusNoContent, auth: a.changePassword})

	a.add(route{Method: "POST", Path: "/api/v1/tickets", Summary: "Register a ticket (登记), optionally dispatching it at once", Tag: "tickets",
		Perm: access.CreateTicket, Request: createTicketRequest{}, Response: ticketView{}, Status: http.StatusCreated, auth: a.createTicket})
	a.add(route{Method: "GET", Path: "/api/v1/tickets", Summary: "List tickets, newest first, a page at a time", Tag: "tickets",
		Perm: access.ViewTickets, Query: ticketListParams, Response: ticketList{}, auth: a.listTickets})
	a.add(route{Method: "GET", Path: "/api/v1/tickets/{number}", Summary: "One ticket with the actions the caller may take", Tag: "tickets",
		Perm: access.ViewTickets, Response: ticketView{}, auth: a.getTicket})
	a.add(route{Method: "GET", Path: "/api/v1/tickets/{number}/deadlines", Summary: "The deadlines the ticket would get if dispatched now (派单时限预览)",
		Tag: "tickets", Perm: access.ViewTickets, Response: deadlinePreview{}, auth: a.previewDeadlines})
	a.add(route{Method: "GET", Path: "/api/v1/tickets/{number}/events", Summary: "The ticket's full history (一事一档)", Tag: "tickets",
		Perm: access.ViewTickets, Response: []eventView{}, auth: a.ticketEvents})
	for _, act := range ticket.Actions {
		a.add(route{Method: "POST", Path: "/api/v1/tickets/{number}/" + string(act), Summary: actionSummaries[act], Tag: "lifecycle",
			Description: "Fields used: " + actionFields[act] + ". 409 with `allowed` when the ticket's state does not allow it; 403 with `allowed` when the caller may not.",
			Request:     actionRequest{}, OptionalBody: true, Response: actionResult{}, auth: a.act(act)})
	}
	a.add(route{Method: "POST", Path: "/api/v1/tickets/{number}/attachments", Summary: "Attach a file (multipart field \"file\", at most 20 MB)",
		Tag: "attachments", Multipart: true, Response: attachmentView{}, Status: http.StatusCreated, auth: a.uploadAttachment})
	a.add(route{Method: "GET", Path: "/api/v1/tickets/{number}/attachments", Summary: "The ticket's attachments", Tag: "attachments",
		Response: []attachmentView{}, auth: a.listAttachments})
	a.add(route{Method: "GET", Path: "/api/v1/attachments/{id}", Summary: "Download an attachment", Tag: "attachments",
		Raw: true, ContentType: "application/octet-stream", auth: a.downloadAttachment})

	a.add(route{Method: "GET", Path: "/api/v1/phones/{number}", Summary: "What a number is: mobile or landline, carrier, place (号码归属地, from the centre's table)",
		Tag: "citizens", Perm: access.ViewCitizens, Response: citizen.PhoneInfo{}, auth: a.getPhoneInfo})
	a.add(route{Method: "GET", Path: "/api/v1/citizens/{phone}", Summary: "Citizen profile (市民档案) with recent tickets; the view is audited",
		Tag: "citizens", Perm: access.ViewCitizens, Response: citizenView{}, auth: a.getCitizen})
	a.add(route{Method: "PATCH", Path: "/api/v1/citizens/{phone}", Summary: "Edit a citizen's name, tags, blacklist or note", Tag: "citizens",
		Perm: access.EditCitizens, Request: citizenPatch{}, Response: citizenView{}, auth: a.patchCitizen})

	a.add(route{Method: "GET", Path: "/api/v1/departments", Summary: "Departments, flat or as a tree (?tree=1)", Tag: "organisation",
		Query: []param{treeParam}, Response: []departmentNode{}, auth: a.listDepartments})
	a.add(route{Method: "POST", Path: "/api/v1/departments", Summary: "Create a department", Tag: "organisation", Perm: access.ManageOrg,
		Request: departmentInput{}, Response: departmentNode{}, Status: http.StatusCreated, auth: a.createDepartment})
	a.add(route{Method: "PUT", Path: "/api/v1/departments/{id}", Summary: "Replace a department (moving it under its own subtree is refused)",
		Tag: "organisation", Perm: access.ManageOrg, Request: departmentInput{}, Response: departmentNode{}, auth: a.updateDepartment})
	a.add(route{Method: "GET", Path: "/api/v1/regions", Summary: "Regions, flat or as a tree (?tree=1); boundaries with ?boundary=1",
		Tag: "organisation", Query: []param{treeParam, {Name: "boundary", Type: "boolean", Description: "include GeoJSON boundaries"}},
		Response: []regionNode{}, auth: a.listRegions})
	a.add(route{Method: "POST", Path: "/api/v1/regions", Summary: "Create a region", Tag: "organisation", Perm: access.ManageOrg,
		Request: regionInput{}, Response: regionNode{}, Status: http.StatusCreated, auth: a.createRegion})
	a.add(route{Method: "PUT", Path: "/api/v1/regions/{id}", Summary: "Replace a region (a boundary left out is removed)", Tag: "organisation", Perm: access.ManageOrg,
		Request: regionInput{}, Response: regionNode{}, auth: a.updateRegion})
	a.add(route{Method: "GET", Path: "/api/v1/regions/locate", Summary: "The deepest region whose boundary holds a point", Tag: "organisation",
		Query: []param{{Name: "lat", Type: "number"}, {Name: "lng", Type: "number"}}, Response: locateResult{}, auth: a.locateRegion})
	a.add(route{Method: "GET", Path: "/api/v1/categories", Summary: "Categories (诉求分类), flat or as a tree (?tree=1)", Tag: "organisation",
		Query: []param{treeParam}, Response: []categoryNode{}, auth: a.listCategories})
	a.add(route{Method: "POST", Path: "/api/v1/categories", Summary: "Create a category (level follows from the parent, at most 3)",
		Tag: "organisation", Perm: access.ManageOrg, Request: categoryInput{}, Response: categoryNode{}, Status: http.StatusCreated, auth: a.createCategory})
	a.add(route{Method: "PUT", Path: "/api/v1/categories/{id}", Summary: "Replace a category (fields left out are removed)", Tag: "organisation", Perm: access.ManageOrg,
		Request: categoryInput{}, Response: categoryNode{}, auth: a.updateCategory})

	a.add(route{Method: "GET", Path: "/api/v1/users", Summary: "Users (department admins: their subtree)", Tag: "users",
		Perm: access.ManageDeptUser, Response: []userView{}, auth: a.listUsers})
	a.add(route{Method: "POST", Path: "/api/v1/users", Summary: "Create a user", Tag: "users", Perm: access.ManageDeptUser,
		Request: userCreate{}, Response: userView{}, Status: http.StatusCreated, auth: a.createUser})
	a.add(route{Method: "PATCH", Path: "/api/v1/users/{id}", Summary: "Update a user (role, department, phone grant, disabled, password reset)",
		Tag: "users", Perm: access.ManageDeptUser, Request: userPatch{}, Response: userView{}, auth: a.patchUser})
	a.add(route{Method: "GET", Path: "/api/v1/apikeys", Summary: "API keys (secrets are never shown again)", Tag: "users",
		Perm: access.ManageAPIKeys, Response: []store.APIKey{}, auth: a.listAPIKeys})
	a.add(route{Method: "POST", Path: "/api/v1/apikeys", Summary: "Create an API key; the answer holds its secret, once", Tag: "users",
		Perm: access.ManageAPIKeys, Request: apiKeyCreate{}, Response: apiKeyCreated{}, Status: http.StatusCreated, auth: a.createAPIKey})
	a.add(route{Method: "DELETE", Path: "/api/v1/apikeys/{id}", Summary: "Revoke an API key", Tag: "users",
		Perm: access.ManageAPIKeys, Status: http.StatusNoContent, auth: a.revokeAPIKey})
	a.add(route{Method: "GET", Path: "/api/v1/audit", Summary: "Audit log, newest first", Tag: "users", Perm: access.ViewAudit,
		Query: auditParams, Response: auditPage{}, auth: a.auditLog})
	a.registerTextRoutes()
	a.registerOutboxRoutes()
	a.registerPortalRoutes()
	a.registerCalendarRoutes()
	a.registerTimeLimitRoutes()
}

var treeParam = param{Name: "tree", Type: "boolean", Description: "nest children under their parents"}
