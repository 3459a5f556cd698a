package sla

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Scheduler fires due timers. It never scans the open tickets: it sleeps until the
// earliest unfired due time (one indexed read), wakes early when this process arms a
// nearer timer (Notify), and re-reads at most Recheck later for timers other nodes wrote.
// Each firing is one transaction: the timer row is locked (SKIP LOCKED on PostgreSQL, so
// several nodes fire each timer once), the ticket event, the outbox message and fired_at
// commit together, so a restart neither misses a timer nor fires one twice.
type Scheduler struct {
	Store *store.Store
	SLA   *SLA
	Clock Clock
	Node  string // recorded as fired_by
	// Recheck bounds the sleep, for timers written by other nodes; default 1s.
	Recheck time.Duration
	// Workers fire due timers in parallel, each up to Batch per transaction; defaults 2, 64.
	Workers, Batch int
	// Hooks run after the clock's own hook in each firing transaction (search index…).
	Hooks []workorder.TxHook
	// Publisher hears of each fired event after commit (live updates).
	Publisher workorder.Publisher
	Log       *slog.Logger

	once sync.Once
	wake chan struct{}
	mu   sync.Mutex
	hint time.Time // the nearest due time armed in this process since the last read
}

func (s *Scheduler) init() {
	s.once.Do(func() {
		s.wake = make(chan struct{}, 1)
		if s.Clock == nil {
			s.Clock = WallClock{}
		}
		if s.Recheck <= 0 {
			s.Recheck = time.Second
		}
		if s.Log == nil {
			s.Log = slog.Default()
		}
		if s.Node == "" {
			s.Node = "node"
		}
		if s.Workers <= 0 {
			s.Workers = 2
		}
		if s.Batch <= 0 {
			s.Batch = 64
		}
	})
}

// Notify tells the scheduler a timer due at due was armed: it wakes if that is sooner
// than what it sleeps for. Cheap and non-blocking; SLA.OnArm calls it.
func (s *Scheduler) Notify(due time.Time) {
	s.init()
	s.mu.Lock()
	if s.hint.IsZero() || due.Before(s.hint) {
		s.hint = due
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run fires timers until ctx ends. On start it fires everything already due.
func (s *Scheduler) Run(ctx context.Context) error {
	s.init()
	for {
		if _, err := s.FireDue(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("sla: firing timers", "err", err)
		}
		until, err := s.sleepUntil(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Warn("sla: reading the next timer", "err", err)
		}
		var after <-chan time.Time
		if until.Sub(s.Clock.Now()) <= 20*time.Millisecond {
			// Due now yet not fired: armed by a transaction not yet committed, or held by
			// another node. Look again shortly in real time (commits happen in real time
			// whatever the scheduler's clock says), without spinning.
			after = time.After(20 * time.Millisecond)
		} else {
			after = s.Clock.At(until)
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-after:
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// sleepUntil is when to look again: the earliest due timer, a hint, or Recheck from now.
func (s *Scheduler) sleepUntil(ctx context.Context) (time.Time, error) {
	now := s.Clock.Now()
	wait := s.Recheck
	s.mu.Lock()
	hint := s.hint
	s.hint = time.Time{}
	s.mu.Unlock()
	if !hint.IsZero() {
		// A hint from a transaction not yet committed may be unreadable now: try again
		// shortly after it rather than a whole Recheck later.
		if d := hint.Sub(now); d < wait {
			wait = max(d, 20*time.Millisecond)
		}
	}
	next, ok, err := s.Store.NextTimerDue(ctx)
	if err != nil {
		return now.Add(wait), err
	}
	if ok {
		if d := next.Sub(now); d < wait {
			wait = d
		}
	}
	return now.Add(wait), nil
}

// FireDue fires every timer due by now and reports how many fired. Workers fire in
// parallel: on PostgreSQL each locks its own timer, on SQLite their transactions share the
// group commit, so a burst of due timers costs one fsync per batch rather than per timer.
func (s *Scheduler) FireDue(ctx context.Context) (int, error) {
	s.init()
	var wg sync.WaitGroup
	counts := make([]int, s.Workers)
	errs := make([]error, s.Workers)
	for i := range s.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = s.fireLoop(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	return total, errors.Join(errs...)
}

func (s *Scheduler) fireLoop(ctx context.Context) (int, error) {
	fired, busy := 0, 0
	for ctx.Err() == nil {
		n, more, err := s.fireBatch(ctx)
		fired += n
		if errors.Is(err, store.ErrBusy) {
			// A person (or another node's scheduler) is acting on the ticket right now; their
			// transaction will clear or keep the timer. Let it finish: up to 5 s, as a loaded
			// machine can hold a short transaction for a second or more.
			if busy++; busy > 250 {
				return fired, err
			}
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return fired, err
		}
		if !more {
			return fired, nil
		}
	}
	return fired, ctx.Err()
}

type firedEvent struct {
	t  *ticket.Ticket
	ev ticket.Event
}

// fireBatch fires up to Batch due timers, earliest first, in one transaction: each timer's
// event, outbox message and fired_at commit together. more is false when no timer was due.
// A timer that fails rolls the batch back and is postponed, so it cannot block the others.
func (s *Scheduler) fireBatch(ctx context.Context) (fired int, more bool, err error) {
	now := s.Clock.Now().UTC()
	var out []firedEvent
	var failed *store.Timer
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		out, failed, more = out[:0], nil, false
		for range s.Batch {
			tm, err := tx.ClaimDueTimer(ctx, now)
			if err != nil {
				return err
			}
			if tm == nil {
				return nil
			}
			more = true
			t, err := tx.TicketByIDForUpdate(ctx, tm.TicketID)
			if errors.Is(err, store.ErrBusy) && len(out) > 0 {
				return nil // keep what fired; this one waits for the person acting on it
			}
			if err != nil {
				if !errors.Is(err, store.ErrBusy) {
					failed = tm
				}
				return err
			}
			ev, applies := ticket.ApplyTimer(t, tm.Kind, tm.DueAt, now)
			if !applies {
				if err := tx.DropTimer(ctx, tm.ID); err != nil {
					return err
				}
				continue
			}
			if err := tx.UpdateTicket(ctx, t, &ev); err != nil {
				failed = tm
				return err
			}
			if err := tx.MarkTimerFired(ctx, tm.ID, now, s.Node); err != nil {
				return err
			}
			for _, h := range append([]workorder.TxHook{s.SLA.Hook}, s.Hooks...) {
				if err := h(ctx, tx, t, ev); err != nil {
					failed = tm
					return err
				}
			}
			out = append(out, firedEvent{t, ev})
		}
		return nil
	})
	if err != nil && failed != nil {
		s.Log.Error("sla: timer failed", "timer", failed.ID, "kind", failed.Kind, "ticket", failed.TicketID, "err", err)
		if perr := s.Store.PostponeTimer(ctx, failed.ID, now.Add(time.Minute), err.Error()); perr != nil {
			return 0, false, perr
		}
		return 0, true, nil
	}
	if err != nil {
		return 0, more, err
	}
	if s.Publisher != nil {
		for _, f := range out {
			s.Publisher.TicketChanged(f.t, f.ev)
		}
	}
	return len(out), more, nil
}
