package httpapi

import "net/http"

func (a *api) logout(w http.ResponseWriter, r *http.Request, c *caller) {
	if c.Token != "" {
		if err := a.accounts.Logout(r.Context(), c.Token); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	w.WriteHeader(http.StatusNoContent)
}
