package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
)

type apiKeyCreate struct {
	Name         string `json:"name" doc:"who or what uses the key"`
	Role         string `json:"role" doc:"the role the key acts with; agent for an Open311 client"`
	DepartmentID string `json:"department_id,omitempty" doc:"required for department roles"`
}

type apiKeyCreated struct {
	Secret string        `json:"secret" doc:"shown once: send as Authorization: Bearer, or as the Open311 api_key"`
	Key    *store.APIKey `json:"key"`
}

func (a *api) listAPIKeys(w http.ResponseWriter, r *http.Request, c *caller) {
	keys, err := a.svc.APIKeys(r.Context(), c.Principal)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if keys == nil {
		keys = []*store.APIKey{}
	}
	writeJSON(w, http.StatusOK, keys)
}

func (a *api) createAPIKey(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ManageAPIKeys) {
		a.fail(w, r, errForbidden)
		return
	}
	var in apiKeyCreate
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	secret, k, err := a.accounts.CreateAPIKey(r.Context(), c.Username, in.Name, in.Role, in.DepartmentID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiKeyCreated{Secret: secret, Key: k})
}

func (a *api) revokeAPIKey(w http.ResponseWriter, r *http.Request, c *caller) {
	if err := a.svc.RevokeAPIKey(r.Context(), c.Principal, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
