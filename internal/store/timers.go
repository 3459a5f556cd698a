package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// ErrBusy says a row another transaction holds was skipped; try again shortly.
var ErrBusy = errors.New("busy")

// Timer is one pending deadline event of a ticket (预警, 超期, 督办…).
type Timer struct {
	ID        string
	TicketID  string
	Kind      string
	DueAt     time.Time
	FiredAt   *time.Time
	FiredBy   string
	Attempts  int
	LastError string
}

// ArmTimers replaces the ticket's unfired timers of the given kinds by timers. A timer that
// already fired with the same kind and due time is not armed again, so an event that
// re-arms unchanged deadlines never fires one twice.
func (tx *Tx) ArmTimers(ctx context.Context, ticketID string, kinds []string, timers []Timer) error {
	if err := tx.ClearTimers(ctx, ticketID, kinds); err != nil {
		return err
	}
	now := ms(tx.s.now())
	for _, t := range timers {
		if t.ID == "" {
			t.ID = NewID()
		}
		_, err := tx.exec(ctx, `INSERT INTO ticket_timers (id, ticket_id, kind, due_at, created_at)
			SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM ticket_timers
				WHERE ticket_id = $2 AND kind = $3 AND due_at = $4 AND fired_at IS NOT NULL)`,
			t.ID, ticketID, t.Kind, ms(t.DueAt), now)
		if err != nil {
			return fmt.Errorf("store: arm timer: %w", err)
		}
	}
	return nil
}

// ClearTimers drops the ticket's unfired timers of the given kinds (all kinds when none given).
func (tx *Tx) ClearTimers(ctx context.Context, ticketID string, kinds []string) error {
	q := `DELETE FROM ticket_timers WHERE ticket_id = $1 AND fired_at IS NULL`
	args := []any{ticketID}
	if len(kinds) > 0 {
		q += ` AND kind IN (`
		for i, k := range kinds {
			if i > 0 {
				q += ", "
			}
			args = append(args, k)
			q += fmt.Sprintf("$%d", len(args))
		}
		q += `)`
	}
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("store: clear timers: %w", err)
	}
	return nil
}

// NextTimerDue is the earliest unfired due time, read from the partial index alone.
func (s *Store) NextTimerDue(ctx context.Context) (time.Time, bool, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT due_at FROM ticket_timers WHERE fired_at IS NULL ORDER BY due_at LIMIT 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next timer: %w", err)
	}
	return fromMS(v), true, nil
}

const timerColumns = `id, ticket_id, kind, due_at, fired_at, fired_by, attempts, last_error`

func scanTimer(row scanner) (*Timer, error) {
	var t Timer
	var due int64
	var fired sql.NullInt64
	if err := row.Scan(&t.ID, &t.TicketID, &t.Kind, &due, &fired, &t.FiredBy, &t.Attempts, &t.LastError); err != nil {
		return nil, err
	}
	t.DueAt, t.FiredAt = fromMS(due), fromNullMS(fired)
	return &t, nil
}

// ClaimDueTimer locks the earliest unfired timer due by now, skipping timers another node
// is firing (PostgreSQL); nil when none is due. A timer whose ticket has an earlier one
// unfired waits for it, even while another worker holds that one: a ticket's timers take
// effect in due order (a supervision applies only to a ticket already marked overdue).
func (tx *Tx) ClaimDueTimer(ctx context.Context, now time.Time) (*Timer, error) {
	lock := ""
	if tx.s.dialect.name == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	t, err := scanTimer(tx.queryRow(ctx, `SELECT `+timerColumns+` FROM ticket_timers AS t
		WHERE fired_at IS NULL AND due_at <= $1 AND NOT EXISTS (SELECT 1 FROM ticket_timers AS e
			WHERE e.ticket_id = t.ticket_id AND e.fired_at IS NULL
			AND (e.due_at < t.due_at OR (e.due_at = t.due_at AND e.id < t.id)))
		ORDER BY due_at LIMIT 1`+lock, ms(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim timer: %w", err)
	}
	return t, nil
}

// MarkTimerFired records that the timer fired, in the transaction that wrote its effects.
func (tx *Tx) MarkTimerFired(ctx context.Context, id string, at time.Time, by string) error {
	_, err := tx.exec(ctx, `UPDATE ticket_timers SET fired_at = $2, fired_by = $3 WHERE id = $1`, id, ms(at), by)
	return err
}

// DropTimer deletes a timer that no longer applies (the ticket moved on).
func (tx *Tx) DropTimer(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `DELETE FROM ticket_timers WHERE id = $1 AND fired_at IS NULL`, id)
	return err
}

// PostponeTimer pushes back a timer whose firing failed, keeping the error for operators.
func (s *Store) PostponeTimer(ctx context.Context, id string, until time.Time, reason string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE ticket_timers SET due_at = $2, attempts = attempts + 1, last_error = $3
			WHERE id = $1 AND fired_at IS NULL`, id, ms(until), reason)
		return err
	})
}

// TicketTimers lists a ticket's timers, fired or not, by due time.
func (s *Store) TicketTimers(ctx context.Context, ticketID string) ([]Timer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+timerColumns+` FROM ticket_timers WHERE ticket_id = $1 ORDER BY due_at, kind`, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Timer
	for rows.Next() {
		t, err := scanTimer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// CountUnfiredTimers counts the timers still to fire (for tests and benchmarks).
func (s *Store) CountUnfiredTimers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_timers WHERE fired_at IS NULL`).Scan(&n)
	return n, err
}

// TicketByIDForUpdate reads a ticket inside the transaction and locks it. On PostgreSQL a
// ticket another transaction holds is skipped with ErrBusy rather than waited for: the
// scheduler holds a timer lock, and waiting could deadlock with an action clearing timers.
func (tx *Tx) TicketByIDForUpdate(ctx context.Context, id string) (*ticket.Ticket, error) {
	lock := ""
	if tx.s.dialect.name == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	t, err := scanTicket(tx.queryRow(ctx, ticketWhere("id", lock), id))
	if errors.Is(err, ErrNotFound) && lock != "" {
		var n int
		if tx.queryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE id = $1`, id).Scan(&n) == nil && n == 1 {
			return nil, ErrBusy
		}
	}
	return t, err
}

// DepartmentByID reads one department inside the transaction.
func (tx *Tx) DepartmentByID(ctx context.Context, id string) (*org.Department, error) {
	var d org.Department
	err := tx.queryRow(ctx, `SELECT id, code, name, parent_id, kind, phone, email FROM departments WHERE id = $1`, id).
		Scan(&d.ID, &d.Code, &d.Name, &d.ParentID, &d.Kind, &d.Phone, &d.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &d, err
}

// BulkInsertTimers writes many timers at once (imports and benchmarks).
func (tx *Tx) BulkInsertTimers(ctx context.Context, ts []Timer) error {
	now := ms(tx.s.now())
	rows := make([][]any, len(ts))
	for i, t := range ts {
		if t.ID == "" {
			t.ID = NewID()
		}
		rows[i] = []any{t.ID, t.TicketID, t.Kind, ms(t.DueAt), now}
	}
	return tx.bulkInsert(ctx, "ticket_timers", "id, ticket_id, kind, due_at, created_at", 5, rows)
}

// SetHandleDeadline corrects a ticket's handling deadline inside the event's transaction
// (the working-time clock re-counts an approved extension in working days).
func (tx *Tx) SetHandleDeadline(ctx context.Context, ticketID string, due time.Time) error {
	_, err := tx.exec(ctx, `UPDATE tickets SET handle_deadline = $2 WHERE id = $1`, ticketID, ms(due))
	return err
}
