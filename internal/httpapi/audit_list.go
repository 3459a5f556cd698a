package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

var auditParams = []param{
	{Name: "actor"}, {Name: "action", Description: "e.g. citizen.view, ticket.dispatch, login.failed"},
	{Name: "object_type"}, {Name: "object_id"},
	{Name: "before", Type: "integer", Description: "next_before of the previous page"},
	{Name: "limit", Type: "integer", Description: "default 100, at most 500"},
}

type auditPage struct {
	Items      []store.AuditEntry `json:"items"`
	NextBefore int64              `json:"next_before,omitempty"`
}

func (a *api) auditLog(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ViewAudit) {
		a.fail(w, r, errForbidden)
		return
	}
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	fe := ticket.FieldErrors{}
	var err error
	if s := q.Get("before"); s != "" {
		if f.BeforeID, err = strconv.ParseInt(s, 10, 64); err != nil || f.BeforeID < 1 {
			fe["before"] = "a positive integer"
		}
	}
	f.Limit = 100
	if s := q.Get("limit"); s != "" {
		if f.Limit, err = strconv.Atoi(s); err != nil || f.Limit < 1 || f.Limit > 500 {
			fe["limit"] = "a number from 1 to 500"
		}
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	items, err := a.st.AuditLog(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := auditPage{Items: items}
	if out.Items == nil {
		out.Items = []store.AuditEntry{}
	}
	if len(items) == f.Limit {
		out.NextBefore = items[len(items)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}
