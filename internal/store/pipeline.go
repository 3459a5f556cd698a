package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pipeline holds PostgreSQL statements whose results nobody reads (BEGIN, the writes of a
// registration, COMMIT) until a statement that must answer, or the commit, goes out; pgx
// then sends them all in one batch. Registering a ticket took eight round trips, each a
// wake-up of both the backend and the server; it now takes two.
type pipeline struct {
	conn  *sql.Conn // held for the whole transaction, so pc is ours alone
	pc    *pgx.Conn
	d     dialect
	stmts []pipedStmt
	begun bool // BEGIN has been sent: ending the transaction needs COMMIT or ROLLBACK
}

type pipedStmt struct {
	what, q string
	args    []any
}

func (p *pipeline) add(what, q string, args []any) {
	p.stmts = append(p.stmts, pipedStmt{what: what, q: q, args: args})
}

// send sends what is held, followed by query when it is not empty, and reports the first
// held statement that failed (PostgreSQL skips the rest of the batch after it, and the
// transaction can then only roll back). The caller reads query's result from br and closes
// it; br is nil when there was nothing to send.
func (p *pipeline) send(ctx context.Context, query string, args []any) (br pgx.BatchResults, err error) {
	if len(p.stmts) == 0 && query == "" {
		return nil, nil
	}
	b := &pgx.Batch{}
	for _, st := range p.stmts {
		b.Queue(st.q, st.args...)
		if st.q == "BEGIN" {
			p.begun = true
		}
	}
	if query != "" {
		b.Queue(query, args...)
	}
	stmts := p.stmts
	p.stmts = nil
	br = p.pc.SendBatch(ctx, b)
	for _, st := range stmts {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, fmt.Errorf("%s: %w", st.what, p.d.mapErr(err))
		}
	}
	return br, nil
}

// flush sends what is held.
func (p *pipeline) flush(ctx context.Context) error {
	if p == nil {
		return nil
	}
	br, err := p.send(ctx, "", nil)
	if br != nil {
		err = br.Close()
	}
	return err
}

// queryRow sends what is held together with a query answering one row.
func (p *pipeline) queryRow(ctx context.Context, q string, args []any) scanner {
	br, err := p.send(ctx, q, args)
	if err != nil {
		return errRow{err}
	}
	return pipedRow{br: br, row: br.QueryRow()}
}

// pipedRow is the answer of a query sent with held statements; reading it frees the
// connection. pgx's ErrNoRows is also sql.ErrNoRows.
type pipedRow struct {
	br  pgx.BatchResults
	row pgx.Row
}

func (r pipedRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

// inPipelinedTx runs fn in a PostgreSQL transaction on a connection of its own, BEGIN and
// COMMIT travelling in the pipeline with the statements around them.
func (s *Store) inPipelinedTx(ctx context.Context, fn func(*Tx) error) (err error) {
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	p := &pipeline{conn: conn, d: s.dialect}
	if err := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: pipelined transactions need pgx, not %T", dc)
		}
		p.pc = c.Conn()
		return nil
	}); err != nil {
		return err
	}
	p.add("begin", "BEGIN", nil)
	done := false
	defer func() {
		if !done { // fn failed or panicked, or the commit failed
			p.abort()
		}
	}()
	if err := fn(&Tx{tx: conn, s: s, pipe: p}); err != nil {
		return err
	}
	p.add("commit", "COMMIT", nil)
	if err := p.flush(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	done = true
	return nil
}

// abort ends a transaction that will not commit. A connection that cannot roll back is
// dropped from the pool rather than handed on with the transaction still open.
func (p *pipeline) abort() {
	p.stmts = nil
	if !p.begun {
		return
	}
	if _, err := p.conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		_ = p.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}
