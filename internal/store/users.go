package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User is a staff account.
type User struct {
	ID           string `json:"id"`
	Username     string `json:"username"`
	DisplayName  string `json:"display_name"`
	PasswordHash string `json:"-"`
	Role         string `json:"role"`
	DepartmentID string `json:"department_id,omitempty"`
	PhoneGrant   bool   `json:"phone_grant"`
	// AgentExt is the call-centre extension (坐席分机) the user answers on, "" for none.
	AgentExt     string     `json:"agent_ext,omitempty"`
	Disabled     bool       `json:"disabled"`
	FailedLogins int        `json:"-"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

const userColumns = `id, username, display_name, password_hash, role, department_id, phone_grant, disabled,
	failed_logins, locked_until, created_at, updated_at, agent_ext`

func scanUser(row scanner) (*User, error) {
	var u User
	var locked sql.NullInt64
	var created, updated int64
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Role, &u.DepartmentID,
		&u.PhoneGrant, &u.Disabled, &u.FailedLogins, &locked, &created, &updated, &u.AgentExt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.LockedUntil = fromNullMS(locked)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return &u, nil
}

// SaveUser inserts or updates a user (by id). A taken username is ErrConflict.
func (tx *Tx) SaveUser(ctx context.Context, u *User) error {
	now := tx.s.now().UTC()
	if u.ID == "" {
		u.ID = NewID()
		u.CreatedAt = now
	}
	u.UpdatedAt = now
	tx.authChanged()
	_, err := tx.exec(ctx, `INSERT INTO users (`+userColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (id) DO UPDATE SET username = $2, display_name = $3, password_hash = $4, role = $5,
			department_id = $6, phone_grant = $7, disabled = $8, failed_logins = $9, locked_until = $10, updated_at = $12,
			agent_ext = $13`,
		u.ID, u.Username, u.DisplayName, u.PasswordHash, u.Role, u.DepartmentID, u.PhoneGrant, u.Disabled,
		u.FailedLogins, msPtr(u.LockedUntil), ms(u.CreatedAt), ms(u.UpdatedAt), u.AgentExt)
	if err != nil {
		return fmt.Errorf("store: save user: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

// UserByUsername finds a user by login name.
func (s *Store) UserByUsername(ctx context.Context, username string) (*User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username))
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (*User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// Users lists users, by username.
func (s *Store) Users(ctx context.Context) ([]*User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// RecordLogin notes a login attempt: success clears the failure count; a failure counts
// and, at maxFailures, locks the account until lockUntil.
func (s *Store) RecordLogin(ctx context.Context, userID string, ok bool, maxFailures int, lockUntil time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if ok {
			_, err := tx.exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, userID)
			return err
		}
		_, err := tx.exec(ctx, `UPDATE users SET failed_logins = failed_logins + 1,
			locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END,
			updated_at = $4 WHERE id = $1`, userID, maxFailures, ms(lockUntil), ms(s.now()))
		return err
	})
}

// CreateSession stores a login session by the hash of its token.
func (s *Store) CreateSession(ctx context.Context, tokenHash, userID string, expires time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4)`, tokenHash, userID, ms(s.now()), ms(expires))
		return err
	})
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tx.authChanged()
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	})
}

// DeleteUserSessions ends every session of a user (password change, disabling).
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID string) error {
	tx.authChanged()
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// APIKey is a bearer token for programs (and the Open311 api_key). Only its hash is kept.
type APIKey struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	KeyHash      string     `json:"-"`
	Prefix       string     `json:"prefix"` // first characters, to tell keys apart in lists
	Role         string     `json:"role"`
	DepartmentID string     `json:"department_id,omitempty"`
	CreatedBy    string     `json:"created_by,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	LastUsedAt   *time.Time `json:"last_used_at,omitempty"`
	Revoked      bool       `json:"revoked"`
}

// SaveAPIKey stores a new API key.
func (tx *Tx) SaveAPIKey(ctx context.Context, k *APIKey) error {
	if k.ID == "" {
		k.ID = NewID()
	}
	k.CreatedAt = tx.s.now().UTC()
	_, err := tx.exec(ctx, `INSERT INTO api_keys (id, name, key_hash, prefix, role, department_id,
		created_by, created_at, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, k.Name, k.KeyHash, k.Prefix, k.Role, k.DepartmentID, k.CreatedBy, ms(k.CreatedAt), k.Revoked)
	if err != nil {
		return fmt.Errorf("store: save api key: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

const apiKeyColumns = `id, name, key_hash, prefix, role, department_id, created_by, created_at, last_used_at, revoked`

func scanAPIKey(row scanner) (*APIKey, error) {
	var k APIKey
	var created int64
	var used sql.NullInt64
	err := row.Scan(&k.ID, &k.Name, &k.KeyHash, &k.Prefix, &k.Role, &k.DepartmentID, &k.CreatedBy, &created, &used, &k.Revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	k.CreatedAt, k.LastUsedAt = fromMS(created), fromNullMS(used)
	return &k, nil
}

// APIKeys lists all keys.
func (s *Store) APIKeys(ctx context.Context) ([]*APIKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY created_at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey stops a key from working.
func (tx *Tx) RevokeAPIKey(ctx context.Context, id string) error {
	tx.authChanged()
	res, err := tx.exec(ctx, `UPDATE api_keys SET revoked = $2 WHERE id = $1`, id, true)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
