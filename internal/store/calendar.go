package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// CalendarDay is a declared day an administrator entered (节假日 or 调休上班).
type CalendarDay struct {
	Date string `json:"date"` // 2006-01-02
	Kind string `json:"kind"` // holiday, workday
	Name string `json:"name"`
}

// CalendarDays lists the entered days by date.
func (s *Store) CalendarDays(ctx context.Context) ([]CalendarDay, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, kind, name FROM calendar_days ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("store: calendar days: %w", err)
	}
	defer rows.Close()
	var out []CalendarDay
	for rows.Next() {
		var d CalendarDay
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveCalendarDays enters days, a later entry for a date replacing the earlier one.
func (tx *Tx) SaveCalendarDays(ctx context.Context, days []CalendarDay, by string) error {
	now := ms(tx.s.now())
	for _, d := range days {
		_, err := tx.exec(ctx, `INSERT INTO calendar_days (day, kind, name, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name,
			created_by = excluded.created_by, created_at = excluded.created_at`, d.Date, d.Kind, d.Name, by, now)
		if err != nil {
			return fmt.Errorf("store: save calendar day %s: %w", d.Date, err)
		}
	}
	return nil
}

// DeleteCalendarDay removes an entered day (the official calendar applies again).
func (tx *Tx) DeleteCalendarDay(ctx context.Context, date string) error {
	_, err := tx.exec(ctx, `DELETE FROM calendar_days WHERE day = $1`, date)
	return err
}

// Setting decodes the JSON document stored under key into v; false when there is none.
func (s *Store) Setting(ctx context.Context, key string, v any) (bool, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: setting %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return false, fmt.Errorf("store: setting %s: %w", key, err)
	}
	return true, nil
}

// SaveSetting stores v as the JSON document under key.
func (tx *Tx) SaveSetting(ctx context.Context, key string, v any, by string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		key, string(b), by, ms(tx.s.now()))
	if err != nil {
		return fmt.Errorf("store: save setting %s: %w", key, err)
	}
	return nil
}
