package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token" doc:"session token; send as Authorization: Bearer, or rely on the cookie"`
	ExpiresAt time.Time `json:"expires_at"`
	User      me        `json:"user"`
}

func (a *api) login(w http.ResponseWriter, r *http.Request) {
	var in loginRequest
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	if strings.TrimSpace(in.Username) == "" || in.Password == "" {
		a.fail(w, r, badRequest("username and password are required", map[string]string{"username": "required", "password": "required"}))
		return
	}
	token, u, err := a.accounts.Login(r.Context(), strings.TrimSpace(in.Username), in.Password, clientIP(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.svc.PrincipalFor(r.Context(), u.ID, u.Username, u.Role, u.DepartmentID, u.PhoneGrant)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	expires := time.Now().Add(account.SessionTTL)
	a.setSession(w, r, token, expires)
	who, err := a.describe(r.Context(), &caller{Principal: p, User: u})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, loginResponse{Token: token, ExpiresAt: expires.UTC(), User: who})
}
