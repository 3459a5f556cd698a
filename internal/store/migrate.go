package store

import (
	"context"
	"fmt"
)

// ErrSchemaTooNew means the database was migrated by a newer Hotline than this binary.
type ErrSchemaTooNew struct{ Database, Binary int }

func (e ErrSchemaTooNew) Error() string {
	return fmt.Sprintf("the database schema is version %d but this hotline binary knows only up to %d: "+
		"run a newer hotline, or restore a backup made for this version", e.Database, e.Binary)
}

// SchemaVersion returns the version the database is at (0 when new).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.InTx(ctx, func(tx *Tx) error {
		c, err := tx.raw(ctx)
		if err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return c.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	})
	return v, err
}

// LatestSchema is the version this binary migrates to.
func (s *Store) LatestSchema() int { return len(s.dialect.migrations) }

// Migrate applies the migrations the database has not seen, each in its own transaction.
// Migrations are append-only: a released one is never edited. It returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if cur > len(s.dialect.migrations) {
		return 0, ErrSchemaTooNew{Database: cur, Binary: len(s.dialect.migrations)}
	}
	applied := 0
	for v := cur + 1; v <= len(s.dialect.migrations); v++ {
		err := s.InTx(ctx, func(tx *Tx) error {
			c, err := tx.raw(ctx)
			if err != nil {
				return err
			}
			if _, err := c.ExecContext(ctx, s.dialect.migrations[v-1]); err != nil {
				return fmt.Errorf("store: migration %d: %w", v, err)
			}
			_, err = c.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, v, ms(s.now()))
			return err
		})
		if err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

// CheckSchema refuses a database that is behind or ahead of this binary.
func (s *Store) CheckSchema(ctx context.Context) error {
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur > len(s.dialect.migrations) {
		return ErrSchemaTooNew{Database: cur, Binary: len(s.dialect.migrations)}
	}
	if cur < len(s.dialect.migrations) {
		return fmt.Errorf("the database schema is version %d, this binary needs %d: run hotline migrate", cur, len(s.dialect.migrations))
	}
	return nil
}
