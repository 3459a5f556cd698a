package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
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

	commits atomic.Int64  // batches committed since the last checkpoint
	catchUp atomic.Bool   // the WAL is long: the writer finishes the checkpoint between batches
	stop    chan struct{} // closed when the writer closes: ends the checkpointer
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

// checkpointEvery is how often the WAL is copied back into the database file while
// writes go on.
const checkpointEvery = 250 * time.Millisecond

// catchUpFrames is the WAL length (pages) past which the writer itself finishes a
// checkpoint: SQLite starts the WAL over only when a write begins with every frame copied,
// which a checkpoint running beside a busy writer never achieves.
const catchUpFrames = 8192

// newGroupWriter starts the writer. With checkpoints set (a file database opened with
// wal_autocheckpoint off), it also starts the checkpointer.
func newGroupWriter(db *sql.DB, s *Store, checkpoints bool) *groupWriter {
	w := &groupWriter{db: db, s: s, reqs: make(chan *writeReq, maxBatch), stmts: map[string]*sql.Stmt{},
		stop: make(chan struct{})}
	w.wg.Add(1)
	go w.run()
	if checkpoints {
		w.wg.Add(1)
		go w.checkpointer(checkpointEvery)
	}
	return w
}

// checkpointer copies the WAL back into the database file beside the writer. Left to
// SQLite (wal_autocheckpoint), the commit that crosses 1 000 WAL pages does it, and every
// caller in that batch waits for the copy and its fsyncs; a PASSIVE checkpoint on the spare
// connection never blocks the writer. It leaves the writer only the frames written during
// its own pass to copy (catchUp).
func (w *groupWriter) checkpointer(every time.Duration) {
	defer w.wg.Done()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
		}
		if w.commits.Swap(0) == 0 {
			continue
		}
		var busy, frames, copied int
		if err := w.db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
			slog.Warn("sqlite checkpoint", "err", err)
			continue
		}
		if frames >= catchUpFrames {
			w.catchUp.Store(true)
		}
	}
}

// finishCheckpoint runs between batches, when no write is open, so it copies every frame
// and the next write starts the WAL over.
func (w *groupWriter) finishCheckpoint() {
	if !w.catchUp.CompareAndSwap(true, false) {
		return
	}
	if _, err := w.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		slog.Warn("sqlite checkpoint", "err", err)
	}
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
	close(w.stop)
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
		w.finishCheckpoint()
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
	w.commits.Add(1)
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
	t := &Tx{tx: tx, stx: tx, s: w.s, prep: w.prepared, touchedAuth: touchedAuth}
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
