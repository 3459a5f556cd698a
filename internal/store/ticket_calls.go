package store

import (
	"context"
	"fmt"
)

// LinkTicketCall records that a ticket was registered from a call (来电关联工单). Linking
// the same pair twice changes nothing.
func (tx *Tx) LinkTicketCall(ctx context.Context, ticketNumber, callID, by string) error {
	_, err := tx.exec(ctx, `INSERT INTO ticket_calls (ticket_number, call_id, linked_by, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (ticket_number, call_id) DO NOTHING`, ticketNumber, callID, by, ms(tx.s.now()))
	if err != nil {
		return fmt.Errorf("store: link ticket call: %w", err)
	}
	return nil
}

// TicketCallIDs lists the calls linked to a ticket, oldest link first.
func (s *Store) TicketCallIDs(ctx context.Context, ticketNumber string) ([]string, error) {
	return s.queryTexts(ctx, `SELECT call_id FROM ticket_calls WHERE ticket_number = $1 ORDER BY created_at, call_id`, ticketNumber)
}

// CallTicketNumbers lists the tickets registered from a call.
func (s *Store) CallTicketNumbers(ctx context.Context, callID string) ([]string, error) {
	return s.queryTexts(ctx, `SELECT ticket_number FROM ticket_calls WHERE call_id = $1 ORDER BY created_at, ticket_number`, callID)
}

// queryTexts reads a query of one text column.
func (s *Store) queryTexts(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// UserByAgentExt finds the staff user linked to an agent extension.
func (s *Store) UserByAgentExt(ctx context.Context, ext string) (*User, error) {
	if ext == "" {
		return nil, ErrNotFound
	}
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE agent_ext = $1`, ext))
}
