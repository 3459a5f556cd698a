package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/hotline-dev/hotline/internal/citizen"
)

// PhoneRegion finds the longest loaded prefix of the (normalised) number; ok is false when
// none matches.
func (s *Store) PhoneRegion(ctx context.Context, number string) (p citizen.PhonePrefix, ok bool, err error) {
	prefixes := citizen.LookupPrefixes(number)
	if len(prefixes) == 0 {
		return p, false, nil
	}
	ph := make([]string, len(prefixes))
	args := make([]any, len(prefixes))
	for i, x := range prefixes {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), x
	}
	err = s.db.QueryRowContext(ctx, `SELECT prefix, region FROM phone_regions WHERE prefix IN (`+strings.Join(ph, ", ")+`)
		ORDER BY LENGTH(prefix) DESC LIMIT 1`, args...).Scan(&p.Prefix, &p.Region)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

// PhoneInfo classifies a number as typed (mobile or landline, carrier) and adds the place of
// its longest loaded prefix when the number has one.
func (s *Store) PhoneInfo(ctx context.Context, raw string) (citizen.PhoneInfo, error) {
	info := citizen.ClassifyPhone(citizen.NormalizePhone(raw))
	if !info.NeedsPlace() {
		return info, nil
	}
	p, ok, err := s.PhoneRegion(ctx, info.Number)
	if ok {
		info.Region, info.Prefix = p.Region, p.Prefix
	}
	return info, err
}

// SavePhonePrefixes adds or replaces rows of the number-place table.
func (tx *Tx) SavePhonePrefixes(ctx context.Context, rows []citizen.PhonePrefix) error {
	now := ms(tx.s.now())
	for _, r := range rows {
		if _, err := tx.exec(ctx, `INSERT INTO phone_regions (prefix, region, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (prefix) DO UPDATE SET region = excluded.region, updated_at = excluded.updated_at`, r.Prefix, r.Region, now); err != nil {
			return err
		}
	}
	return nil
}

// CountPhonePrefixes counts the loaded prefixes.
func (s *Store) CountPhonePrefixes(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM phone_regions`).Scan(&n)
	return n, err
}
