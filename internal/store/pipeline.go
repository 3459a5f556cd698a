package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

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
	stmts := mergeInserts(p.stmts)
	p.stmts = nil
	b := &pgx.Batch{}
	for _, st := range stmts {
		b.Queue(st.q, st.args...)
		if st.q == "BEGIN" {
			p.begun = true
		}
	}
	if query != "" {
		b.Queue(query, args...)
	}
	br = p.pc.SendBatch(ctx, b)
	for _, st := range stmts {
		tag, err := br.Exec()
		if err == nil && st.q == "COMMIT" && tag.String() == "ROLLBACK" {
			// PostgreSQL answers COMMIT in a transaction an earlier error aborted by rolling
			// back, without an error of its own.
			err = errCommitRolledBack
		}
		if err != nil {
			br.Close()
			return nil, fmt.Errorf("%s: %w", st.what, p.d.mapErr(err))
		}
	}
	return br, nil
}

// mergeInserts turns runs of the same one-row INSERT into multi-row INSERTs: a batch of
// registrations then costs PostgreSQL one executor start-up per table instead of one per
// row. Only plain VALUES inserts merge (an ON CONFLICT DO NOTHING may: rows of one
// statement that collide are skipped as they would be one by one; DO UPDATE and RETURNING
// may not).
func mergeInserts(stmts []pipedStmt) []pipedStmt {
	out := make([]pipedStmt, 0, len(stmts))
	for i := 0; i < len(stmts); {
		st := stmts[i]
		shape := shapeOf(st.q, len(st.args))
		j := i + 1
		if shape != nil {
			for j < len(stmts) && stmts[j].q == st.q && (j-i+1)*len(st.args) <= maxMergedArgs {
				j++
			}
		}
		if j-i == 1 {
			out = append(out, st)
			i++
			continue
		}
		args := make([]any, 0, (j-i)*len(st.args))
		for k := i; k < j; k++ {
			args = append(args, stmts[k].args...)
		}
		out = append(out, pipedStmt{what: st.what, q: shape.sql(j - i), args: args})
		i = j
	}
	return out
}

// maxMergedArgs keeps a merged statement well under PostgreSQL's 65 535 parameters.
const maxMergedArgs = 20000

// insertShape is a one-row INSERT taken apart for merging: the text before the tuple, the
// tuple as literal pieces around its parameters ($1…$n, in order), and the text after it.
type insertShape struct {
	head, tail string
	pieces     []string // n+1 literal pieces of the tuple, around $1…$n
}

// shapes remembers each statement text's shape (nil: not mergeable); the texts are the
// store's own constants, a few dozen in all.
var shapes sync.Map

func shapeOf(q string, n int) *insertShape {
	if v, ok := shapes.Load(q); ok {
		return v.(*insertShape)
	}
	var sh *insertShape
	if head, tuple, tail, ok := splitInsert(q, n); ok {
		sh = &insertShape{head: head, tail: tail}
		last := 0
		for i := 0; i < len(tuple) && sh != nil; i++ {
			if tuple[i] != '$' {
				continue
			}
			j := i + 1
			for j < len(tuple) && tuple[j] >= '0' && tuple[j] <= '9' {
				j++
			}
			if p, _ := strconv.Atoi(tuple[i+1 : j]); p != len(sh.pieces)+1 {
				sh = nil // renumbering row by row needs $1…$n in order
				break
			}
			sh.pieces = append(sh.pieces, tuple[last:i])
			last, i = j, j-1
		}
		if sh != nil {
			sh.pieces = append(sh.pieces, tuple[last:])
		}
	}
	shapes.Store(q, sh)
	return sh
}

// sql is the statement inserting rows rows, row k's parameters numbered after row k-1's.
func (sh *insertShape) sql(rows int) string {
	n := len(sh.pieces) - 1
	var b strings.Builder
	b.Grow(len(sh.head) + len(sh.tail) + rows*(n*6+8))
	b.WriteString(sh.head)
	var num []byte
	for k := range rows {
		if k > 0 {
			b.WriteString(", ")
		}
		for i := range n {
			b.WriteString(sh.pieces[i])
			b.WriteByte('$')
			num = strconv.AppendInt(num[:0], int64(k*n+i+1), 10)
			b.Write(num)
		}
		b.WriteString(sh.pieces[n])
	}
	b.WriteString(sh.tail)
	return b.String()
}

// splitInsert splits "INSERT INTO t (…) VALUES ($1, …, $n) [ON CONFLICT … DO NOTHING]"
// into the part before the tuple, the tuple and the part after it. The store's statements
// span lines, so VALUES may follow any white space.
func splitInsert(q string, n int) (head, tuple, tail string, ok bool) {
	if n == 0 || !strings.HasPrefix(q, "INSERT INTO ") || strings.Contains(q, "RETURNING") ||
		strings.Count(q, "VALUES") != 1 {
		return "", "", "", false
	}
	at := strings.Index(q, "VALUES")
	if at == 0 || !isSpace(q[at-1]) {
		return "", "", "", false
	}
	open := at + len("VALUES")
	for open < len(q) && isSpace(q[open]) {
		open++
	}
	if open == len(q) || q[open] != '(' {
		return "", "", "", false
	}
	end := strings.IndexByte(q[open:], ')')
	if end < 0 {
		return "", "", "", false
	}
	head, tuple, tail = q[:open], q[open:open+end+1], q[open+end+1:]
	if t := strings.TrimSpace(tail); t != "" && !(strings.HasPrefix(t, "ON CONFLICT") && strings.HasSuffix(t, "DO NOTHING")) {
		return "", "", "", false
	}
	if strings.Count(tuple, "$") != n {
		return "", "", "", false // a parameter outside the tuple, or one used twice
	}
	return head, tuple, tail, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

var errCommitRolledBack = errors.New("the transaction had failed and was rolled back")

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

// query sends what is held together with a query answering rows.
func (p *pipeline) query(ctx context.Context, q string, args []any) (rowSet, error) {
	br, err := p.send(ctx, q, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		rows.Close()
		br.Close()
		return nil, err
	}
	return pipedRows{Rows: rows, br: br}, nil
}

// pipedRows are the rows of a query sent with held statements; closing them frees the
// connection.
type pipedRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r pipedRows) Close() error {
	r.Rows.Close()
	err := r.Rows.Err()
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
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

// PlanOnce has PostgreSQL plan each statement of the transaction once and reuse the plan
// (plan_cache_mode), for writes whose plan cannot depend on their values. A registration
// batch's multi-row INSERTs were otherwise planned anew on most executions: planning was
// 8 % of the backends' CPU in a creation run, 2 % with this. SQLite: nothing to do.
func (tx *Tx) PlanOnce(ctx context.Context) error {
	if tx.s.dialect.name != "postgres" {
		return nil
	}
	return tx.execLater(ctx, "store: plan once", "SET LOCAL plan_cache_mode = force_generic_plan")
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
	if err := fn(&Tx{conn: conn, s: s, pipe: p}); err != nil {
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
