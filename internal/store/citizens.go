package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hotline-dev/hotline/internal/citizen"
)

const citizenColumns = `id, phone, name, other_phones, addresses, tags, blacklisted, blacklist_reason, note,
	ticket_count, created_at, updated_at`

func scanCitizen(row scanner) (*citizen.Citizen, error) {
	var c citizen.Citizen
	var other, addr, tags sql.NullString
	var created, updated int64
	err := row.Scan(&c.ID, &c.Phone, &c.Name, &other, &addr, &tags, &c.Blacklisted, &c.BlacklistReason,
		&c.Note, &c.TicketCount, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	for _, p := range []struct {
		s   sql.NullString
		dst any
	}{{other, &c.OtherPhones}, {addr, &c.Addresses}, {tags, &c.Tags}} {
		if p.s.Valid && p.s.String != "" {
			_ = json.Unmarshal([]byte(p.s.String), p.dst)
		}
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}

// CitizenByPhone finds a citizen by their main phone number.
func (s *Store) CitizenByPhone(ctx context.Context, phone string) (*citizen.Citizen, error) {
	return scanCitizen(s.db.QueryRowContext(ctx, `SELECT `+citizenColumns+` FROM citizens WHERE phone = $1`, phone))
}

// CitizenByID finds a citizen by id.
func (s *Store) CitizenByID(ctx context.Context, id string) (*citizen.Citizen, error) {
	return scanCitizen(s.db.QueryRowContext(ctx, `SELECT `+citizenColumns+` FROM citizens WHERE id = $1`, id))
}

// TouchCitizen finds or creates the citizen with this phone for a new ticket, fills an empty
// name, counts the ticket, and tags a repeat caller (重复来电) from the third request on.
func (tx *Tx) TouchCitizen(ctx context.Context, phone, name string) (*citizen.Citizen, error) {
	now := ms(tx.s.now())
	c, err := scanCitizen(tx.queryRow(ctx, `INSERT INTO citizens (id, phone, name, created_at, updated_at, ticket_count)
		VALUES ($1, $2, $3, $4, $4, 1)
		ON CONFLICT (phone) DO UPDATE SET ticket_count = citizens.ticket_count + 1, updated_at = $4,
			name = CASE WHEN citizens.name = '' THEN $3 ELSE citizens.name END
		RETURNING `+citizenColumns, NewID(), phone, name, now))
	if err != nil {
		return nil, fmt.Errorf("store: citizen: %w", err)
	}
	if c.TagRepeatCallerIfDue() {
		if err := tx.SaveCitizen(ctx, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// TouchCitizens is TouchCitizen for the callers of several new tickets at once (a batch of
// registrations), in one statement: a phone given k times counts k tickets and takes the
// first name given. The answer is by phone.
func (tx *Tx) TouchCitizens(ctx context.Context, phones, names []string) (map[string]*citizen.Citizen, error) {
	count := map[string]int{}
	name := map[string]string{}
	var order []string
	for i, p := range phones {
		if count[p] == 0 {
			order = append(order, p)
		}
		count[p]++
		if name[p] == "" {
			name[p] = names[i]
		}
	}
	now := ms(tx.s.now())
	var b binder
	tuples := make([]string, len(order))
	for i, p := range order {
		tuples[i] = "(" + b.arg(NewID()) + ", " + b.arg(p) + ", " + b.arg(name[p]) + ", " + b.arg(now) + ", " +
			b.arg(now) + ", " + b.arg(count[p]) + ")"
	}
	rows, err := tx.query(ctx, `INSERT INTO citizens (id, phone, name, created_at, updated_at, ticket_count)
		VALUES `+strings.Join(tuples, ", ")+`
		ON CONFLICT (phone) DO UPDATE SET ticket_count = citizens.ticket_count + excluded.ticket_count,
			updated_at = excluded.updated_at, name = CASE WHEN citizens.name = '' THEN excluded.name ELSE citizens.name END
		RETURNING `+citizenColumns, b.args...)
	if err != nil {
		return nil, fmt.Errorf("store: citizens: %w", err)
	}
	out := make(map[string]*citizen.Citizen, len(order))
	for rows.Next() {
		c, err := scanCitizen(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: citizens: %w", err)
		}
		out[c.Phone] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: citizens: %w", err)
	}
	for _, c := range out {
		if c.TagRepeatCallerIfDue() {
			if err := tx.SaveCitizen(ctx, c); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// SaveCitizen writes a citizen's profile (by id).
func (tx *Tx) SaveCitizen(ctx context.Context, c *citizen.Citizen) error {
	now := tx.s.now()
	if c.ID == "" {
		c.ID = NewID()
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	_, err := tx.exec(ctx, `INSERT INTO citizens (`+citizenColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET phone = $2, name = $3, other_phones = $4, addresses = $5, tags = $6,
			blacklisted = $7, blacklist_reason = $8, note = $9, updated_at = $12`,
		c.ID, c.Phone, c.Name, jsonOrNull(c.OtherPhones, len(c.OtherPhones) == 0),
		jsonOrNull(c.Addresses, len(c.Addresses) == 0), jsonOrNull(c.Tags, len(c.Tags) == 0),
		c.Blacklisted, c.BlacklistReason, c.Note, c.TicketCount, ms(c.CreatedAt), ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save citizen: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

// ListCitizens pages through citizens by phone, optionally only blacklisted ones.
func (s *Store) ListCitizens(ctx context.Context, afterPhone string, blacklistedOnly bool, limit int) ([]*citizen.Citizen, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q := `SELECT ` + citizenColumns + ` FROM citizens WHERE phone > $1`
	args := []any{afterPhone}
	if blacklistedOnly {
		q += ` AND blacklisted = $2`
		args = append(args, true)
	}
	q += ` ORDER BY phone LIMIT ` + fmt.Sprint(limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*citizen.Citizen
	for rows.Next() {
		c, err := scanCitizen(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
