package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/notify"
	"github.com/hotline-dev/hotline/internal/store"
)

// templateView is a message template as the administrator edits it, with the built-in text
// to go back to.
type templateView struct {
	notify.Template
	DefaultSubject string `json:"default_subject"`
	DefaultBody    string `json:"default_body"`
	Customised     bool   `json:"customised"`
}

type templateRequest struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// registerOutboxTemplateRoutes adds the message templates (消息模板) endpoints. Every node picks a change up on its next sla.Watch reload.
func (a *api) registerOutboxTemplateRoutes() {
	a.add(route{Method: "GET", Path: "/api/v1/outbox/templates", Summary: "Message templates in force (Chinese defaults, administrators' edits)",
		Tag: "outbox", Perm: access.ViewOutbox, Response: []templateView{}, auth: a.listTemplates})
	a.add(route{Method: "PUT", Path: "/api/v1/outbox/templates/{name}", Summary: "Replace a message template (Go text/template over .Number, .Subject, .Department, .LookupURL, .Deadline, .Kind, .Reply)",
		Description: "400 when the template does not parse or names an unknown field.", Tag: "outbox", Perm: access.ManageOutbox,
		Request: templateRequest{}, Response: templateView{}, auth: a.saveTemplate})
	a.add(route{Method: "DELETE", Path: "/api/v1/outbox/templates/{name}", Summary: "Go back to the built-in template",
		Tag: "outbox", Perm: access.ManageOutbox, Response: templateView{}, auth: a.resetTemplate})
}

func (a *api) templateViews(r *http.Request) (map[string]notify.Template, []templateView, error) {
	over, err := notify.Overrides(r.Context(), a.st)
	if err != nil {
		return nil, nil, err
	}
	set, err := notify.NewSet(over)
	if err != nil {
		return nil, nil, err
	}
	defaults := map[string]notify.Template{}
	for _, d := range notify.Defaults {
		defaults[d.Name] = d
	}
	var out []templateView
	for _, t := range set.List() {
		_, custom := over[t.Name]
		out = append(out, templateView{Template: t, DefaultSubject: defaults[t.Name].Subject, DefaultBody: defaults[t.Name].Body, Customised: custom})
	}
	return over, out, nil
}

func (a *api) listTemplates(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ViewOutbox) {
		a.fail(w, r, errForbidden)
		return
	}
	_, views, err := a.templateViews(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, views)
}

func (a *api) saveTemplate(w http.ResponseWriter, r *http.Request, c *caller) {
	var req templateRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		a.fail(w, r, &httpError{status: http.StatusBadRequest, msg: "a JSON body with subject and body is required"})
		return
	}
	a.changeTemplate(w, r, c, func(over map[string]notify.Template, name string) {
		over[name] = notify.Template{Name: name, Subject: req.Subject, Body: req.Body}
	})
}

func (a *api) resetTemplate(w http.ResponseWriter, r *http.Request, c *caller) {
	a.changeTemplate(w, r, c, func(over map[string]notify.Template, name string) { delete(over, name) })
}

func (a *api) changeTemplate(w http.ResponseWriter, r *http.Request, c *caller, change func(map[string]notify.Template, string)) {
	if !c.Has(access.ManageOutbox) {
		a.fail(w, r, errForbidden)
		return
	}
	name := r.PathValue("name")
	over, _, err := a.templateViews(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	known := false
	for _, d := range notify.Defaults {
		known = known || d.Name == name
	}
	if !known {
		a.fail(w, r, store.ErrNotFound)
		return
	}
	change(over, name)
	if _, err := notify.NewSet(over); err != nil {
		a.fail(w, r, &httpError{status: http.StatusBadRequest, msg: err.Error(), fields: map[string]string{"body": err.Error()}})
		return
	}
	err = a.st.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.SaveSetting(r.Context(), notify.SettingKey, over, c.Username); err != nil {
			return err
		}
		return tx.Audit(r.Context(), store.AuditEntry{Actor: c.Username, Role: string(c.Role), Action: "outbox.template",
			ObjectType: "template", ObjectID: name})
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	_, views, err := a.templateViews(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, v := range views {
		if v.Name == name {
			writeJSON(w, http.StatusOK, v)
			return
		}
	}
	a.fail(w, r, errors.New("template vanished"))
}
