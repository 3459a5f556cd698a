// Package account runs the use cases of staff accounts: creating users, logging in with a
// lockout after repeated failures, sessions, password changes and API keys.
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/auth"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// Token prefixes tell a session token from an API key at a glance (and in logs).
const (
	SessionPrefix = "hls_"
	APIKeyPrefix  = "hlk_"
)

// Lockout policy: this many failures in a row lock the account for LockFor.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
	SessionTTL  = 12 * time.Hour // one long shift
	MinPassword = 8
)

// Errors a caller can tell apart.
var (
	ErrBadCredentials = errors.New("wrong username or password")
	ErrLocked         = errors.New("account locked after repeated failed logins; try again later")
	ErrDisabled       = errors.New("account disabled")
	ErrNoSession      = errors.New("not logged in or session expired")
)

// Accounts is the account use cases over a store.
type Accounts struct {
	st  *store.Store
	log *slog.Logger
	now func() time.Time
	// dummyHash makes a login for an unknown user cost as much as one for a known user,
	// so response times do not reveal which usernames exist.
	dummyHash string
}

// New returns the account use cases.
func New(st *store.Store, log *slog.Logger) *Accounts {
	if log == nil {
		log = slog.Default()
	}
	h, _ := auth.HashPassword("not a password of anyone")
	return &Accounts{st: st, log: log, now: time.Now, dummyHash: h}
}

// SetClock replaces the clock, for tests of the lockout.
func (a *Accounts) SetClock(now func() time.Time) { a.now = now }

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}$`)

// CreateUser validates and stores a new user with a hashed password.
func (a *Accounts) CreateUser(ctx context.Context, actor string, u *store.User, password string) error {
	fe := ticket.FieldErrors{}
	u.Username = strings.TrimSpace(u.Username)
	if !usernameRE.MatchString(u.Username) {
		fe["username"] = "2 to 64 letters, digits, dot, dash or underscore"
	}
	if utf8.RuneCountInString(password) < MinPassword {
		fe["password"] = fmt.Sprintf("at least %d characters", MinPassword)
	}
	role := access.Role(u.Role)
	if !role.Valid() || role == access.Citizen {
		fe["role"] = "one of agent, monitor, dispatcher, handler, dept_admin, leader, admin"
	}
	if role.DepartmentScoped() && u.DepartmentID == "" {
		fe["department_id"] = "handlers and department admins belong to a department"
	}
	if u.DepartmentID != "" {
		depts, err := a.st.Departments(ctx)
		if err != nil {
			return err
		}
		if _, ok := org.NewTree(depts).Get(u.DepartmentID); !ok {
			fe["department_id"] = "no such department"
		}
	}
	if len(fe) > 0 {
		return fe
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u.ID, u.PasswordHash = "", hash
	err = a.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveUser(ctx, u); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: actor, Action: "user.create", ObjectType: "user", ObjectID: u.Username,
			Detail: "role " + u.Role})
	})
	if errors.Is(err, store.ErrConflict) {
		return ticket.FieldErrors{"username": "already taken"}
	}
	return err
}

// Login checks a username and password and opens a session, returning its token.
func (a *Accounts) Login(ctx context.Context, username, password, ip string) (string, *store.User, error) {
	u, err := a.st.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		_ = auth.CheckPassword(a.dummyHash, password)
		a.audit(ctx, username, "login.failed", ip, "unknown user")
		return "", nil, ErrBadCredentials
	}
	if err != nil {
		return "", nil, err
	}
	now := a.now()
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		a.audit(ctx, username, "login.locked", ip, "")
		return "", nil, ErrLocked
	}
	if u.Disabled {
		a.audit(ctx, username, "login.failed", ip, "disabled")
		return "", nil, ErrDisabled
	}
	if err := auth.CheckPassword(u.PasswordHash, password); err != nil {
		if err := a.st.RecordLogin(ctx, u.ID, false, MaxFailures, now.Add(LockFor)); err != nil {
			return "", nil, err
		}
		a.audit(ctx, username, "login.failed", ip, "wrong password")
		return "", nil, ErrBadCredentials
	}
	if err := a.st.RecordLogin(ctx, u.ID, true, MaxFailures, now); err != nil {
		return "", nil, err
	}
	token := auth.NewToken(SessionPrefix)
	if err := a.st.CreateSession(ctx, auth.TokenHash(token), u.ID, now.Add(SessionTTL)); err != nil {
		return "", nil, err
	}
	a.audit(ctx, username, "login", ip, "")
	return token, u, nil
}

func (a *Accounts) audit(ctx context.Context, actor, action, ip, detail string) {
	if err := a.st.Audit(ctx, store.AuditEntry{Actor: actor, Action: action, ObjectType: "user", ObjectID: actor, IP: ip, Detail: detail}); err != nil {
		a.log.Error("audit", "err", err)
	}
}

// SessionUser returns the user of a live session token.
func (a *Accounts) SessionUser(ctx context.Context, token string) (*store.User, error) {
	u, err := a.st.SessionUser(ctx, auth.TokenHash(token), a.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrNoSession
	}
	return u, nil
}

// Logout ends a session.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	return a.st.DeleteSession(ctx, auth.TokenHash(token))
}

// ChangePassword replaces a user's password after checking the old one, and ends their
// other sessions.
func (a *Accounts) ChangePassword(ctx context.Context, userID, oldPassword, newPassword string) error {
	u, err := a.st.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(u.PasswordHash, oldPassword); err != nil {
		return ticket.FieldErrors{"old_password": "wrong password"}
	}
	return a.SetPassword(ctx, u.Username, u, newPassword)
}

// SetPassword sets a user's password (administrators resetting it, or ChangePassword).
func (a *Accounts) SetPassword(ctx context.Context, actor string, u *store.User, password string) error {
	if utf8.RuneCountInString(password) < MinPassword {
		return ticket.FieldErrors{"password": fmt.Sprintf("at least %d characters", MinPassword)}
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash, u.FailedLogins, u.LockedUntil = hash, 0, nil
	return a.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveUser(ctx, u); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: actor, Action: "user.password", ObjectType: "user", ObjectID: u.Username})
	})
}

// CreateAPIKey makes a key acting with role (and department, for department roles) and
// returns its secret, which is shown once and never stored.
func (a *Accounts) CreateAPIKey(ctx context.Context, actor, name, role, deptID string) (string, *store.APIKey, error) {
	fe := ticket.FieldErrors{}
	if strings.TrimSpace(name) == "" {
		fe["name"] = "a name is required (who or what uses the key)"
	}
	r := access.Role(role)
	if !r.Valid() || r == access.Citizen {
		fe["role"] = "one of agent, monitor, dispatcher, handler, dept_admin, leader, admin"
	}
	if r.DepartmentScoped() && deptID == "" {
		fe["department_id"] = "a department role needs a department"
	}
	if len(fe) > 0 {
		return "", nil, fe
	}
	secret := auth.NewToken(APIKeyPrefix)
	k := &store.APIKey{Name: strings.TrimSpace(name), KeyHash: auth.TokenHash(secret), Prefix: secret[:8], Role: role,
		DepartmentID: deptID, CreatedBy: actor}
	err := a.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveAPIKey(ctx, k); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: actor, Action: "apikey.create", ObjectType: "apikey", ObjectID: k.ID, Detail: k.Name})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, k, nil
}

// APIKey returns the live key with this secret.
func (a *Accounts) APIKey(ctx context.Context, secret string) (*store.APIKey, error) {
	k, err := a.st.APIKeyByHash(ctx, auth.TokenHash(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	return k, err
}

// Users lists all users.
func (a *Accounts) Users(ctx context.Context) ([]*store.User, error) { return a.st.Users(ctx) }
