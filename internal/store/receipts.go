package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Delivery statuses of an SMS on its outbox row, from the MC's receipts.
const (
	DeliveryPending     = "pending"     // some receipt came, not every part is delivered yet
	DeliveryDelivered   = "delivered"   // every part reached the handset (DELIVRD)
	DeliveryUndelivered = "undelivered" // some part will never arrive (UNDELIV, EXPIRED, REJECTD, …)
)

// Receipt is one delivery receipt of the MC for one message id (one part of a long text).
type Receipt struct {
	MessageID  string
	Stat       string // DELIVRD, ENROUTE, UNDELIV, … as the MC wrote it
	Error      string // the receipt's err: field
	DoneAt     time.Time
	ReceivedAt time.Time
}

// finalStat says no later receipt will change the part's fate.
func finalStat(stat string) bool { return stat != "" && stat != "ENROUTE" && stat != "ACCEPTD" }

// RecordReceipt keeps a receipt and, once the message id is known to belong to an outbox
// row, updates that row's delivery summary. A receipt for an id not yet recorded waits for
// the send's outcome (FinishMessage), which completes it. A non-final receipt (ENROUTE)
// never replaces a final one that arrived first.
func (s *Store) RecordReceipt(ctx context.Context, r Receipt) error {
	if r.MessageID == "" {
		return fmt.Errorf("store: receipt without a message id")
	}
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = s.now()
	}
	var done any
	if !r.DoneAt.IsZero() {
		done = ms(r.DoneAt)
	}
	return s.InTx(ctx, func(tx *Tx) error {
		// Upserting the one row both writers touch orders them: whoever comes second sees the
		// other's committed half (PostgreSQL's ON CONFLICT waits for the first to commit).
		var outboxID string
		err := tx.queryRow(ctx, `INSERT INTO outbox_receipts (message_id, stat, error, done_at, received_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO UPDATE SET
			stat = excluded.stat, error = excluded.error, done_at = excluded.done_at, received_at = excluded.received_at
			WHERE outbox_receipts.stat NOT IN ('DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'UNKNOWN', 'REJECTD')
			RETURNING outbox_id`, r.MessageID, r.Stat, r.Error, done, ms(r.ReceivedAt)).Scan(&outboxID)
		if errors.Is(err, sql.ErrNoRows) { // a final receipt is already there: nothing changes
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: record receipt: %w", err)
		}
		if outboxID == "" {
			return nil
		}
		return tx.settleDelivery(ctx, outboxID)
	})
}

// linkReceipts ties the MC's message ids of an SMS's parts to its outbox row, inside the
// transaction that records the send. An id the MC handed out before for another message
// (ids wrap) loses the old receipt.
func (tx *Tx) linkReceipts(ctx context.Context, outboxID string, ids []string) error {
	for i, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		_, err := tx.exec(ctx, `INSERT INTO outbox_receipts (message_id, outbox_id, part, parts) VALUES ($1, $2, $3, $4)
			ON CONFLICT (message_id) DO UPDATE SET outbox_id = excluded.outbox_id, part = excluded.part, parts = excluded.parts,
			stat = CASE WHEN outbox_receipts.outbox_id IN ('', excluded.outbox_id) THEN outbox_receipts.stat ELSE '' END,
			error = CASE WHEN outbox_receipts.outbox_id IN ('', excluded.outbox_id) THEN outbox_receipts.error ELSE '' END`,
			id, outboxID, i+1, len(ids))
		if err != nil {
			return fmt.Errorf("store: link receipt %s: %w", id, err)
		}
	}
	return nil
}

// settleDelivery sums up the receipts of a row's parts on the row. A long text is one
// message to the citizen: it is delivered when every part is, undelivered as soon as one
// part is finally not, and pending in between.
func (tx *Tx) settleDelivery(ctx context.Context, outboxID string) error {
	lock := ""
	if tx.s.dialect.name == "postgres" {
		lock = " FOR UPDATE" // receipts of two parts settle one after the other
	}
	var one int
	if err := tx.queryRow(ctx, `SELECT 1 FROM outbox WHERE id = $1`+lock, outboxID).Scan(&one); err != nil {
		return fmt.Errorf("store: settle delivery of %s: %w", outboxID, err)
	}
	rows, err := tx.query(ctx, `SELECT part, parts, stat, error, received_at FROM outbox_receipts WHERE outbox_id = $1 ORDER BY part`, outboxID)
	if err != nil {
		return err
	}
	var (
		parts, delivered, reported int
		failed                     string
		at                         int64
	)
	for rows.Next() {
		var part, n int
		var stat, errCode string
		var recv sql.NullInt64
		if err := rows.Scan(&part, &n, &stat, &errCode, &recv); err != nil {
			rows.Close()
			return err
		}
		parts = n
		if stat == "" {
			continue
		}
		reported++
		if recv.Valid && recv.Int64 > at {
			at = recv.Int64
		}
		switch {
		case stat == "DELIVRD":
			delivered++
		case finalStat(stat) && failed == "":
			failed = fmt.Sprintf("part %d/%d: %s err:%s", part, n, stat, errCode)
			if n == 1 {
				failed = fmt.Sprintf("%s err:%s", stat, errCode)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if reported == 0 {
		return nil
	}
	status, detail := DeliveryPending, fmt.Sprintf("%d/%d parts delivered", delivered, parts)
	switch {
	case failed != "":
		status, detail = DeliveryUndelivered, failed
	case delivered == parts:
		status = DeliveryDelivered
	}
	// A receipt can reach the hotline before the worker has recorded the send (the MC may
	// answer within milliseconds); the delivery is not dated before the sending.
	_, err = tx.exec(ctx, `UPDATE outbox SET delivery_status = $2, delivery_detail = $3,
		delivery_at = CASE WHEN sent_at IS NOT NULL AND sent_at > $4 THEN sent_at ELSE $4 END WHERE id = $1`,
		outboxID, status, detail, at)
	return err
}
