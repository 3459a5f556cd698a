package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// groupWriter is SQLite's single writer. Callers queue their transaction functions; the
// writer runs whatever is queued in one database transaction, each function inside its own
// savepoint, and commits once. One fsync then makes a whole batch durable, and every caller
// still gets all-or-nothing for its own function and its answer only after the commit.
type groupWriter struct {
	db     *sql.DB // two connections: one writes, the other only prepares statements (see prepared)
	s      *Store
	reqs   chan *writeReq
	wg     sync.WaitGroup
	mu     sync.RWMutex // guards closed against sends on a closed channel
	closed bool
	stmts  map[string]*sql.Stmt // used by the writer goroutine only
}

type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	err  error
	done chan struct{}
}

// maxBatch bounds how long one commit keeps callers waiting.
const maxBatch = 256

// maxPrepared bounds the statement cache: statements built with a varying number of rows
// (bulk inserts) are run unprepared once it is full.
const maxPrepared = 256

func newGroupWriter(db *sql.DB, s *Store) *groupWriter {
	w := &groupWriter{db: db, s: s, reqs: make(chan *writeReq, maxBatch), stmts: map[string]*sql.Stmt{}}
	w.wg.Add(1)
	go w.run()
	return w
}

// prepared returns the statement for q, preparing it the first time. SQLite spends much of
// a small write parsing and planning it. database/sql prepares a DB statement on whichever
// connection is free — here the spare one, as the batch's transaction holds the other — and
// Tx.StmtContext then prepares it once more on the writing connection and keeps both.
func (w *groupWriter) prepared(ctx context.Context, q string) *sql.Stmt {
	if st, ok := w.stmts[q]; ok {
		return st
	}
	if len(w.stmts) >= maxPrepared {
		return nil
	}
	st, err := w.db.PrepareContext(ctx, q)
	if err != nil {
		return nil // the plain call will report the error
	}
	w.stmts[q] = st
	return st
}

func (w *groupWriter) do(ctx context.Context, fn func(*Tx) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	w.reqs <- r // the writer keeps draining while close waits for this lock
	w.mu.RUnlock()
	<-r.done // always wait: once queued, the function may run, so the caller must learn how it ended
	return r.err
}

func (w *groupWriter) close() {
	w.mu.Lock()
	w.closed = true
	close(w.reqs)
	w.mu.Unlock()
	w.wg.Wait()
	for _, st := range w.stmts {
		st.Close()
	}
}

func (w *groupWriter) run() {
	defer w.wg.Done()
	for first := range w.reqs {
		batch := []*writeReq{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-w.reqs:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		w.exec(batch)
		for _, r := range batch {
			close(r.done)
		}
	}
}

func (w *groupWriter) exec(batch []*writeReq) {
	var touchedAuth bool
	defer func() {
		if touchedAuth {
			w.s.auth.changed()
		}
	}()
	tx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range batch {
			r.err = fmt.Errorf("begin: %w", err)
		}
		return
	}
	ok := 0
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		r.err = w.runOne(tx, r, &touchedAuth)
		if r.err == nil {
			ok++
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		err = fmt.Errorf("commit: %w", w.s.dialect.mapErr(err))
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
		}
	}
}

// runOne runs one caller's function inside a savepoint, undoing just its writes on error.
func (w *groupWriter) runOne(tx *sql.Tx, r *writeReq, touchedAuth *bool) (err error) {
	t := &Tx{conn: tx, stx: tx, s: w.s, prep: w.prepared, touchedAuth: touchedAuth}
	if _, err := t.exec(r.ctx, `SAVEPOINT caller`); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: panic in transaction: %v", p)
		}
		if err != nil {
			if _, rbErr := t.exec(context.Background(), `ROLLBACK TO caller`); rbErr != nil {
				err = fmt.Errorf("%w (and undoing it failed: %v)", err, rbErr)
			}
		}
		if _, relErr := t.exec(context.Background(), `RELEASE caller`); relErr != nil && err == nil {
			err = relErr
		}
	}()
	return r.fn(t)
}
