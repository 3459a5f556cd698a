// Package store keeps Hotline's data in SQLite (embedded default) or PostgreSQL (production).
// One type, one set of plain SQL statements written with $N placeholders that both drivers
// accept; the few differences between the two live in dialect.go and the migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ErrNotFound is returned when the row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrClosed is returned for a write after the store was closed.
var ErrClosed = errors.New("store closed")

// ErrConflict is returned when a unique key is taken or a row changed under the caller.
var ErrConflict = errors.New("conflict")

// Store is the database. Reads may run concurrently; on SQLite writes go through one
// connection (SQLite allows one writer at a time, and queueing in Go beats SQLITE_BUSY).
type Store struct {
	db      *readPool    // readers (PostgreSQL: everything)
	writer  *sql.DB      // SQLite: the single writer connection; PostgreSQL: same as db
	group   *groupWriter // SQLite: batches transactions onto the writer; nil on PostgreSQL
	dialect dialect
	now     func() time.Time

	daySeqMu sync.Mutex
	daySeqs  map[string]bool // PostgreSQL: per-day ticket number sequences known to exist
	// ddl is PostgreSQL's own connection for creating day sequences: taken from the main
	// pool, it could wait forever behind transactions that all wait on it.
	ddl *sql.DB
	// numbers: PostgreSQL ticket numbers taken from the day's sequence and not yet used.
	numbersMu sync.Mutex
	numbers   map[string][]int

	auth authCache

	closeOnce sync.Once
	closeErr  error
}

// Open connects to dsn: a postgres:// or postgresql:// URL selects PostgreSQL, anything else
// is a SQLite file path. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var s *Store
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s, err = openPostgres(ctx, dsn)
	} else {
		s, err = openSQLite(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	s.now = time.Now
	s.daySeqs = map[string]bool{}
	s.numbers = map[string][]int{}
	if s.dialect.name == "sqlite" {
		s.group = newGroupWriter(s.writer, s)
	}
	return s, nil
}

// Driver names the database in use: "sqlite" or "postgres".
func (s *Store) Driver() string { return s.dialect.name }

// SetClock replaces the clock, for tests that move time.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Close releases the connections.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	if s.group != nil {
		s.group.close()
	}
	err := s.db.Close()
	for _, other := range []*sql.DB{s.writer, s.ddl} {
		if other != nil && other != s.db.DB {
			if err2 := other.Close(); err == nil {
				err = err2
			}
		}
	}
	return err
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// DB exposes the reader pool for adapters that keep their own tables (e.g. benchmarks).
func (s *Store) DB() *sql.DB { return s.db.DB }

// Tx is a write transaction. Every multi-statement change goes through InTx, so a failed
// request changes nothing.
type Tx struct {
	// conn is the group writer's *sql.Tx (SQLite) or the *sql.Conn the transaction runs on
	// (PostgreSQL). Statements go through exec, query, queryRow or raw, which send what the
	// pipeline holds first: used directly, a statement could run before BEGIN.
	conn txConn
	stx  *sql.Tx // SQLite: the same transaction, for its prepared statements
	s    *Store
	prep func(context.Context, string) *sql.Stmt // SQLite's statement cache; nil on PostgreSQL (pgx caches)
	pipe *pipeline                               // PostgreSQL: statements sent with the next round trip
	// touchedAuth is set when the transaction writes users, sessions or API keys, so the
	// auth cache is invalidated again once it has committed or rolled back.
	touchedAuth *bool
}

// txConn is what a transaction runs statements on: *sql.Tx or *sql.Conn.
type txConn interface {
	querier
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if tx.prep == nil {
		return nil
	}
	if st := tx.prep(ctx, q); st != nil {
		return tx.stx.StmtContext(ctx, st)
	}
	return nil
}

// raw is the connection for statements the store builds itself (migrations, bulk loads),
// after whatever the pipeline holds has gone before them.
func (tx *Tx) raw(ctx context.Context) (txConn, error) {
	if err := tx.pipe.flush(ctx); err != nil {
		return nil, err
	}
	return tx.conn, nil
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := tx.pipe.flush(ctx); err != nil {
		return nil, err
	}
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.conn.ExecContext(ctx, q, args...)
}

// execLater runs a write whose result nobody reads. On PostgreSQL it waits in the pipeline
// and goes with the next statement or the commit, saving a round trip; its error, if any,
// then fails that statement or the commit (labelled with what), which ends the transaction
// just the same. SQLite runs it at once.
func (tx *Tx) execLater(ctx context.Context, what, q string, args ...any) error {
	if tx.pipe != nil {
		tx.pipe.add(what, q, args)
		return nil
	}
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("%s: %w", what, tx.s.dialect.mapErr(err))
	}
	return nil
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) scanner {
	if tx.pipe != nil && len(tx.pipe.stmts) > 0 {
		return tx.pipe.queryRow(ctx, q, args)
	}
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.conn.QueryRowContext(ctx, q, args...)
}

// errRow is a row whose query could not be sent.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// rowSet is what a query answers: *sql.Rows, or the rows of a query that went in one
// round trip with what the pipeline held.
type rowSet interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (rowSet, error) {
	if tx.pipe != nil && len(tx.pipe.stmts) > 0 {
		return tx.pipe.query(ctx, q, args)
	}
	var rows *sql.Rows
	var err error
	if st := tx.stmt(ctx, q); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = tx.conn.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return nil, err // not a nil *sql.Rows in a non-nil rowSet
	}
	return rows, nil
}

// InTx runs fn in a write transaction, committing if it returns nil. On SQLite, fn may share
// the database transaction with other callers' functions (group commit) inside its own
// savepoint, so inside fn read through tx, not through the Store.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	if s.group != nil {
		return s.group.do(ctx, fn)
	}
	var touchedAuth bool
	defer func() {
		if touchedAuth {
			s.auth.changed()
		}
	}()
	return s.inPipelinedTx(ctx, func(tx *Tx) error {
		tx.touchedAuth = &touchedAuth
		return fn(tx)
	})
}

// querier is what reads need; both *sql.DB and *sql.Tx satisfy it, so a read inside a
// transaction sees the transaction's own writes.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ms converts a time to the stored form: UTC milliseconds since the epoch. Both databases
// store instants as BIGINT so one SQL text serves both and range filters stay index-friendly.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
