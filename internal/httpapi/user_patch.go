package httpapi

import (
	"fmt"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/account"
	"net/http"

	"github.com/hotline-dev/hotline/internal/workorder"
)

type userPatch struct {
	workorder.UserPatch
	Password *string `json:"password,omitempty" doc:"reset the password (ends the user's sessions)"`
}

func (a *api) patchUser(w http.ResponseWriter, r *http.Request, c *caller) {
	var in userPatch
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	// Checked first: a refused password must not leave the other changes half made.
	if in.Password != nil && utf8.RuneCountInString(*in.Password) < account.MinPassword {
		a.fail(w, r, fieldError("password", fmt.Sprintf("at least %d characters", account.MinPassword)))
		return
	}
	ctx := r.Context()
	u, err := a.svc.UpdateUser(ctx, c.Principal, r.PathValue("id"), in.UserPatch)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Password != nil {
		if err := a.accounts.SetPassword(ctx, c.Username, u, *in.Password); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.forgetNames()
	writeJSON(w, http.StatusOK, userOf(u))
}
