package httpapi

import "net/http"

type passwordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (a *api) changePassword(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.User == nil {
		a.fail(w, r, &httpError{status: http.StatusForbidden, msg: "API keys have no password"})
		return
	}
	var in passwordRequest
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.accounts.ChangePassword(r.Context(), c.User.ID, in.OldPassword, in.NewPassword); err != nil {
		a.fail(w, r, err)
		return
	}
	// The password change ended every session, this one included: clear the cookie too.
	a.clearSession(w, r)
	w.WriteHeader(http.StatusNoContent)
}
