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
	db   *sql.DB
	s    *Store
	reqs chan *writeReq
	wg   sync.WaitGroup
}

type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	err  error
	done chan struct{}
}

// maxBatch bounds how long one commit keeps callers waiting.
const maxBatch = 256

func newGroupWriter(db *sql.DB, s *Store) *groupWriter {
	w := &groupWriter{db: db, s: s, reqs: make(chan *writeReq, maxBatch)}
	w.wg.Add(1)
	go w.run()
	return w
}

func (w *groupWriter) do(ctx context.Context, fn func(*Tx) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	w.reqs <- r
	<-r.done // always wait: once queued, the function may run, so the caller must learn how it ended
	return r.err
}

func (w *groupWriter) close() {
	close(w.reqs)
	w.wg.Wait()
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
		r.err = w.runOne(tx, r)
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
func (w *groupWriter) runOne(tx *sql.Tx, r *writeReq) (err error) {
	if _, err := tx.ExecContext(r.ctx, `SAVEPOINT caller`); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: panic in transaction: %v", p)
		}
		if err != nil {
			if _, rbErr := tx.ExecContext(context.Background(), `ROLLBACK TO caller`); rbErr != nil {
				err = fmt.Errorf("%w (and undoing it failed: %v)", err, rbErr)
			}
		}
		if _, relErr := tx.ExecContext(context.Background(), `RELEASE caller`); relErr != nil && err == nil {
			err = relErr
		}
	}()
	return r.fn(&Tx{tx: tx, s: w.s})
}
