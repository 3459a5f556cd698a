package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxReadStmts bounds the statement cache: list queries are built from filters, so their
// texts are many but finitely many; past the bound a query is simply parsed each time.
const maxReadStmts = 512

// readPool is the readers' connection pool. On SQLite it keeps read statements prepared:
// for modernc's SQLite, parsing a point lookup costs as much as running it, and the hot
// reads (the caller's session or API key, a ticket by number) run on every request.
// PostgreSQL's driver already caches prepared statements per connection.
type readPool struct {
	*sql.DB
	prepare bool

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newReadPool(db *sql.DB, prepare bool) *readPool {
	return &readPool{DB: db, prepare: prepare, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement for q, or nil to run q unprepared (caching off, cache
// full, or preparing failed — running it unprepared then reports the error).
func (p *readPool) stmt(ctx context.Context, q string) *sql.Stmt {
	if !p.prepare {
		return nil
	}
	p.mu.RLock()
	st := p.stmts[q]
	n := len(p.stmts)
	p.mu.RUnlock()
	if st != nil || n >= maxReadStmts {
		return st
	}
	st, err := p.DB.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev := p.stmts[q]; prev != nil { // prepared meanwhile by another reader
		st.Close()
		return prev
	}
	p.stmts[q] = st
	return st
}

func (p *readPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, q, args...)
}

func (p *readPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, q, args...)
}

// Close closes the cached statements, then the pool.
func (p *readPool) Close() error {
	p.mu.Lock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}
