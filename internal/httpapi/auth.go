package httpapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/store"
)

// sessionCookie carries the login session of the web app.
const sessionCookie = "hotline_session"

// caller is who sent the request: a logged-in user, or a program with an API key.
type caller struct {
	access.Principal
	User  *store.User   // nil for an API key
	Key   *store.APIKey // nil for a user
	Token string        // the session token, for logout
}

// authHandler is a handler that runs only for an identified caller.
type authHandler func(w http.ResponseWriter, r *http.Request, c *caller)

// authenticate identifies the caller by "Authorization: Bearer <token>" (a session token or
// an API key) or by the session cookie.
//
// CSRF: a browser attaches the cookie to cross-site requests by itself, but never a custom
// header without a CORS preflight, which this server does not grant. So a cookie-authenticated
// request with an unsafe method must carry an "X-Requested-With" header (any value). Bearer requests need no such header: a browser never adds them on its own.
func (a *api) authenticate(h authHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, fromCookie := bearer(r), false
		if token == "" {
			if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
				token, fromCookie = ck.Value, true
			}
		}
		if token == "" {
			a.fail(w, r, errUnauthenticated)
			return
		}
		if fromCookie && !safeMethod(r.Method) && r.Header.Get("X-Requested-With") == "" {
			a.fail(w, r, &httpError{status: http.StatusForbidden,
				msg: "cookie-authenticated requests that change data must send the X-Requested-With header (CSRF protection)"})
			return
		}
		c, err := a.identify(r.Context(), token)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.user = c.Username
		}
		h(w, r, c)
	})
}

func (a *api) identify(ctx context.Context, token string) (*caller, error) {
	// API keys carry the "hlk_" prefix (auth.NewToken), so a program's request costs one
	// lookup, not a failed session lookup first.
	if !strings.HasPrefix(token, account.APIKeyPrefix) {
		u, err := a.accounts.SessionUser(ctx, token)
		if errors.Is(err, account.ErrNoSession) {
			return nil, errUnauthenticated
		}
		if err != nil {
			return nil, err
		}
		p, err := a.svc.PrincipalFor(ctx, u.ID, u.Username, u.Role, u.DepartmentID, u.PhoneGrant)
		if err != nil {
			return nil, err
		}
		p.AgentExt = u.AgentExt
		return &caller{Principal: p, User: u, Token: token}, nil
	}
	k, err := a.accounts.APIKey(ctx, token)
	if errors.Is(err, account.ErrNoSession) || errors.Is(err, store.ErrNotFound) {
		return nil, errUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	p, err := a.svc.PrincipalForKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return &caller{Principal: p, Key: k}, nil
}

// setSession sets the session cookie, or clears it when token is empty. The cookie is
// HttpOnly (scripts cannot read it), SameSite=Lax, and Secure over HTTPS.
func (a *api) setSession(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	c := &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || a.secureCookie}
	if token == "" {
		c.Expires, c.MaxAge = time.Time{}, -1
	}
	http.SetCookie(w, c)
}

func (a *api) clearSession(w http.ResponseWriter, r *http.Request) {
	a.setSession(w, r, "", time.Time{})
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// clientIP is the peer address. X-Forwarded-For is not trusted: a proxy in front should
// be configured to set RemoteAddr (or this be extended with a trusted-proxy list).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
