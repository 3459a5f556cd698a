package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Outbox statuses: queued → sending → sent, or failed (waiting to retry) → … → dead.
const (
	OutboxQueued  = "queued"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed" // a temporary error; retried at NextAttemptAt
	OutboxDead    = "dead"   // given up: a permanent error or too many attempts
)

// OutboxMessage is one outgoing message (消息) and how sending it went.
type OutboxMessage struct {
	ID             string     `json:"id"`
	Channel        string     `json:"channel"` // sms, email
	Recipient      string     `json:"recipient"`
	Template       string     `json:"template,omitempty"`
	Subject        string     `json:"subject,omitempty"`
	Body           string     `json:"body"`
	TicketID       string     `json:"ticket_id,omitempty"`
	TicketNumber   string     `json:"ticket_number,omitempty"`
	IdempotencyKey string     `json:"idempotency_key"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	NextAttemptAt  time.Time  `json:"next_attempt_at"`
	ClaimedBy      string     `json:"claimed_by,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
	ProviderID     string     `json:"provider_id,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
	// DeliveryStatus is what the MC's receipts say of an SMS: "" (none yet), pending,
	// delivered or undelivered; a long text counts as one message over all its parts.
	DeliveryStatus string     `json:"delivery_status,omitempty"`
	DeliveryDetail string     `json:"delivery_detail,omitempty"` // e.g. "2/3 parts delivered", "part 2/3: UNDELIV err:001"
	DeliveryAt     *time.Time `json:"delivery_at,omitempty"`     // when the latest receipt reached the hotline
}

const outboxColumns = `id, channel, recipient, template, subject, body, ticket_id, ticket_number, idempotency_key,
	status, attempts, next_attempt_at, claimed_by, last_error, provider_id, created_at, sent_at,
	delivery_status, delivery_detail, delivery_at`

func scanOutbox(row scanner) (*OutboxMessage, error) {
	var m OutboxMessage
	var next, created int64
	var sent, delivery sql.NullInt64
	err := row.Scan(&m.ID, &m.Channel, &m.Recipient, &m.Template, &m.Subject, &m.Body, &m.TicketID, &m.TicketNumber,
		&m.IdempotencyKey, &m.Status, &m.Attempts, &next, &m.ClaimedBy, &m.LastError, &m.ProviderID, &created, &sent,
		&m.DeliveryStatus, &m.DeliveryDetail, &delivery)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	m.NextAttemptAt, m.CreatedAt, m.SentAt, m.DeliveryAt = fromMS(next), fromMS(created), fromNullMS(sent), fromNullMS(delivery)
	return &m, nil
}

// Enqueue writes a message in the caller's transaction, due at m.NextAttemptAt (now when
// zero). A message with an idempotency key gets its id from the key and m.CreatedAt
// (outboxID), so a second message with the key and time is not written: the caller gives
// both (the SLA hook: the event's key and time). Without a key the id is new.
func (tx *Tx) Enqueue(ctx context.Context, m *OutboxMessage) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = tx.s.now().UTC()
	}
	if m.ID == "" {
		if m.IdempotencyKey != "" {
			m.ID = outboxID(m.IdempotencyKey, m.CreatedAt)
		} else {
			m.ID = NewID()
		}
	}
	if m.IdempotencyKey == "" {
		m.IdempotencyKey = m.ID
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	m.Status = OutboxQueued
	return tx.execLater(ctx, "store: enqueue", `INSERT INTO outbox (id, channel, recipient, template, subject, body, ticket_id,
		ticket_number, idempotency_key, status, attempts, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12) ON CONFLICT DO NOTHING`,
		m.ID, m.Channel, m.Recipient, m.Template, m.Subject, m.Body, m.TicketID, m.TicketNumber, m.IdempotencyKey,
		m.Status, ms(m.NextAttemptAt), ms(m.CreatedAt))
}

// ClaimMessages takes up to limit messages due by now for node: queued ones, failed ones
// whose retry time came, and sending ones whose lease ran out (a node died mid-send). They
// become sending, leased until now+lease, with one more attempt counted. Other nodes' rows
// being claimed are skipped (PostgreSQL).
func (s *Store) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, node string, limit int) ([]*OutboxMessage, error) {
	var out []*OutboxMessage
	err := s.InTx(ctx, func(tx *Tx) error {
		out = out[:0]
		lock := ""
		if s.dialect.name == "postgres" {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.query(ctx, `SELECT `+outboxColumns+` FROM outbox
			WHERE status IN ('queued', 'sending', 'failed') AND next_attempt_at <= $1
			ORDER BY next_attempt_at LIMIT $2`+lock, ms(now), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			m, err := scanOutbox(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		until := now.Add(lease)
		for _, m := range out {
			if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'sending', attempts = attempts + 1,
				next_attempt_at = $2, claimed_by = $3 WHERE id = $1`, m.ID, ms(until), node); err != nil {
				return err
			}
			m.Status, m.Attempts, m.NextAttemptAt, m.ClaimedBy = OutboxSending, m.Attempts+1, until, node
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim messages: %w", err)
	}
	return out, nil
}

// OutboxResult is how one attempt ended.
type OutboxResult struct {
	Status     string // sent, failed or dead
	ProviderID string
	Error      string
	Next       time.Time // failed: when to try again
	At         time.Time
	// ReceiptIDs are the MC's message ids of a sent SMS, one per part, which its delivery
	// receipts will name (see RecordReceipt).
	ReceiptIDs []string
}

// FinishMessage records an attempt's outcome, if node still holds the message: a node whose
// lease ran out while it was sending must not overwrite the next holder's outcome.
func (s *Store) FinishMessage(ctx context.Context, id, node string, r OutboxResult) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var sent any
		next := ms(r.Next)
		if r.Status == OutboxSent {
			sent, next = ms(r.At), ms(r.At)
		}
		if r.Status == OutboxDead {
			next = ms(r.At)
		}
		if r.Status == OutboxSent && len(r.ReceiptIDs) > 0 {
			// Receipt rows first, as RecordReceipt takes them, then the outbox row.
			if err := tx.linkReceipts(ctx, id, r.ReceiptIDs); err != nil {
				return err
			}
		}
		res, err := tx.exec(ctx, `UPDATE outbox SET status = $3, provider_id = $4, last_error = $5,
			next_attempt_at = $6, sent_at = $7 WHERE id = $1 AND claimed_by = $2 AND status = 'sending'`,
			id, node, r.Status, r.ProviderID, r.Error, next, sent)
		if err != nil {
			return fmt.Errorf("store: finish message: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%w: message %s is no longer held by %s", ErrConflict, id, node)
		}
		if r.Status == OutboxSent && len(r.ReceiptIDs) > 0 {
			return tx.settleDelivery(ctx, id) // receipts that came before this outcome
		}
		return nil
	})
}

// NextMessageDue is the earliest time a message is due to be tried.
func (s *Store) NextMessageDue(ctx context.Context) (time.Time, bool, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT next_attempt_at FROM outbox WHERE status IN ('queued', 'sending', 'failed')
		ORDER BY next_attempt_at LIMIT 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next message: %w", err)
	}
	return fromMS(v), true, nil
}

// OutboxFilter selects messages for the API; newest first.
type OutboxFilter struct {
	Status   string
	Channel  string
	TicketID string
	Before   string // an id: continue after this message
	Limit    int
}

// ListOutbox lists messages, newest first.
func (s *Store) ListOutbox(ctx context.Context, f OutboxFilter) ([]*OutboxMessage, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	// The statuses a few messages have are read through a partial index, whose predicate is
	// written out so that either planner uses it: outbox_due for queued, outbox_trouble for
	// sending, failed and dead. Sent, the bulk, is read newest first by id.
	from := ` FROM outbox`
	switch f.Status {
	case "":
	case OutboxQueued:
		where = append(where, "status = 'queued' AND status IN ('queued', 'sending', 'failed')")
		if s.dialect.name == "sqlite" {
			// Without statistics SQLite walks the primary key for the order, through every
			// sent message when a few are queued.
			from += ` INDEXED BY outbox_due`
		}
	case OutboxSending, OutboxFailed, OutboxDead:
		where = append(where, "status = '"+f.Status+"' AND status IN ('sending', 'failed', 'dead')")
	default:
		add("status = $%d", f.Status)
	}
	if f.Channel != "" {
		add("channel = $%d", f.Channel)
	}
	if f.TicketID != "" {
		add("ticket_id = $%d", f.TicketID)
	}
	if f.Before != "" {
		add("id < $%d", f.Before) // ids are time-ordered (UUIDv7)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT ` + outboxColumns + from
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list outbox: %w", err)
	}
	defer rows.Close()
	out := []*OutboxMessage{}
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// OutboxMessageByID reads one message.
func (s *Store) OutboxMessageByID(ctx context.Context, id string) (*OutboxMessage, error) {
	return scanOutbox(s.db.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = $1`, id))
}

// RetryMessage puts a dead message back in the queue, due now, with a fresh attempt count.
// Only dead messages may be retried: others are still being handled (ErrConflict).
func (s *Store) RetryMessage(ctx context.Context, id string, now time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $2,
			claimed_by = '' WHERE id = $1 AND status = 'dead'`, id, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var st string
		if err := tx.queryRow(ctx, `SELECT status FROM outbox WHERE id = $1`, id).Scan(&st); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return fmt.Errorf("%w: message is %s, only dead messages are retried", ErrConflict, st)
	})
}

// ReleaseClaims makes the messages node was sending when it stopped due now: a node that
// restarts under the same name retries them at once (same ids) instead of after the lease.
func (s *Store) ReleaseClaims(ctx context.Context, node string, now time.Time) (int, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE outbox SET next_attempt_at = $2 WHERE status = 'sending' AND claimed_by = $1`, node, ms(now))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// LatestSurveyTo is the newest satisfaction survey (template "survey", notify.Survey) sent,
// or being sent, on a channel to any of the recipients (a number may arrive with or without
// its country code). The template is written into the query, as in the partial index that
// serves it (schemaSurveyRecipients).
func (s *Store) LatestSurveyTo(ctx context.Context, channel string, recipients []string) (*OutboxMessage, error) {
	if len(recipients) == 0 {
		return nil, ErrNotFound
	}
	args := []any{channel}
	ph := make([]string, len(recipients))
	for i, r := range recipients {
		args = append(args, r)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	return scanOutbox(s.db.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE template = 'survey' AND channel = $1 AND status IN ('sent', 'sending') AND recipient IN (`+strings.Join(ph, ", ")+`)
		ORDER BY created_at DESC, id DESC LIMIT 1`, args...))
}

// outboxID is the id of the message with idempotency key key created at at: time ordered,
// like NewID's, its other bits from the key's SHA-256.
func outboxID(key string, at time.Time) string {
	sum := sha256.Sum256([]byte(key))
	return IDAt(at, sum[:])
}
