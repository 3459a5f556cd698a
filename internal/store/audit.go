package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log: who did or saw what (审计).
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Role       string    `json:"role"`
	Action     string    `json:"action"` // e.g. ticket.dispatch, citizen.view, user.create, login.failed
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Detail     string    `json:"detail,omitempty"`
	IP         string    `json:"ip,omitempty"`
}

// Audit appends an entry inside the transaction of the change it records.
func (tx *Tx) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = tx.s.now()
	}
	return tx.execLater(ctx, "store: audit", `INSERT INTO audit_log (at, actor, role, action, object_type, object_id, detail, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ms(e.At), e.Actor, e.Role, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.IP)
}

// Audit appends an entry on its own (for reads: who viewed which record).
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.Audit(ctx, e) })
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	BeforeID   int64 // page backwards from this id
	Limit      int
}

// AuditLog lists entries newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var where []string
	var args []any
	add := func(col string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf("%s $%d", col, len(args)))
	}
	if f.Actor != "" {
		add("actor =", f.Actor)
	}
	if f.Action != "" {
		add("action =", f.Action)
	}
	if f.ObjectType != "" {
		add("object_type =", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id =", f.ObjectID)
	}
	if f.BeforeID > 0 {
		add("id <", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT id, at, actor, role, action, object_type, object_id, detail, ip FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Role, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.IP); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
