package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
)

type userView struct {
	*store.User
	RoleName string `json:"role_name"`
}

func userOf(u *store.User) userView {
	return userView{User: u, RoleName: roleNames[access.Role(u.Role)]}
}

func (a *api) listUsers(w http.ResponseWriter, r *http.Request, c *caller) {
	users, err := a.svc.Users(r.Context(), c.Principal)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]userView, len(users))
	for i, u := range users {
		out[i] = userOf(u)
	}
	writeJSON(w, http.StatusOK, out)
}
