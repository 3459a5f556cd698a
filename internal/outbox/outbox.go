// Package outbox sends the notification outbox (消息发件箱): messages the work-order core
// wrote in the same transaction as the events that caused them. A Worker claims due
// messages (SKIP LOCKED on PostgreSQL, so several nodes share the queue), calls the
// channel's Sender, records each attempt, retries temporary failures with exponential
// backoff and jitter, and gives up (dead) on permanent ones or after MaxAttempts. The
// outbox id is the idempotency key handed to the channel, so a message found mid-send after
// a crash is retried under the same id and the channel can recognise it.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	netmail "net/mail"
	"strings"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/mail"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/smpp"
	"github.com/hotline-dev/hotline/internal/store"
)

// Sender delivers one message on a channel and returns the provider's id for it.
type Sender interface {
	Send(ctx context.Context, m *store.OutboxMessage) (providerID string, err error)
}

// SMS sends over SMPP.
type SMS struct{ Client smpp.Sender }

func (s SMS) Send(ctx context.Context, m *store.OutboxMessage) (string, error) {
	return s.Client.Send(ctx, smpp.Message{OutboxID: m.ID, To: m.Recipient, Text: m.Body})
}

// Email sends over SMTP, threaded onto the ticket.
type Email struct{ Client mail.Sender }

func (e Email) Send(ctx context.Context, m *store.OutboxMessage) (string, error) {
	to, err := netmail.ParseAddress(m.Recipient)
	if err != nil {
		return "", &permanentError{fmt.Errorf("recipient %q: %w", m.Recipient, err)}
	}
	return e.Client.Send(ctx, mail.Message{OutboxID: m.ID, To: []netmail.Address{*to}, Subject: m.Subject,
		Text: m.Body, TicketNo: m.TicketNumber})
}

type permanentError struct{ error }

func (permanentError) Temporary() bool { return false }

// Permanent says retrying err will not help: the channel said so (its errors tell with
// Temporary()). Anything unclassified is retried: losing a message is worse than a delay.
func Permanent(err error) bool {
	var te interface{ Temporary() bool }
	return errors.As(err, &te) && !te.Temporary()
}

// Worker sends due messages.
type Worker struct {
	Store   *store.Store
	Senders map[string]Sender // by channel: sms, email
	Clock   sla.Clock
	Node    string
	// MaxAttempts before a message is dead; default 8.
	MaxAttempts int
	// BackoffMin is the wait after the first failure, doubled each time up to BackoffMax;
	// defaults 30s and 1h. The wait is drawn between half and all of that (jitter), so
	// messages failed together do not retry together.
	BackoffMin, BackoffMax time.Duration
	// Lease is how long a claimed message is the node's before another may take it (the
	// node died mid-send); default 2m. A send is cut off at Lease/2.
	Lease time.Duration
	Batch int // messages claimed at once; default 32
	// Poll bounds the sleep, for messages other nodes queued; default 1s.
	Poll time.Duration
	Log  *slog.Logger

	once sync.Once
	wake chan struct{}
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		if w.Clock == nil {
			w.Clock = sla.WallClock{}
		}
		if w.MaxAttempts <= 0 {
			w.MaxAttempts = 8
		}
		if w.BackoffMin <= 0 {
			w.BackoffMin = 30 * time.Second
		}
		if w.BackoffMax <= 0 {
			w.BackoffMax = time.Hour
		}
		if w.Lease <= 0 {
			w.Lease = 2 * time.Minute
		}
		if w.Batch <= 0 {
			w.Batch = 32
		}
		if w.Poll <= 0 {
			w.Poll = time.Second
		}
		if w.Log == nil {
			w.Log = slog.Default()
		}
		if w.Node == "" {
			w.Node = "node"
		}
	})
}

// Notify wakes the worker: a message was queued (SLA.OnEnqueue).
func (w *Worker) Notify() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends. It starts with the messages this node was sending when it
// last stopped: they go again at once, under the same ids.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	if n, err := w.Store.ReleaseClaims(ctx, w.Node, w.Clock.Now()); err != nil {
		w.Log.Warn("outbox: releasing claims", "err", err)
	} else if n > 0 {
		w.Log.Info("outbox: retrying messages interrupted mid-send", "count", n)
	}
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.Warn("outbox: sending", "err", err)
		}
		now := w.Clock.Now()
		until := now.Add(w.Poll)
		if next, ok, err := w.Store.NextMessageDue(ctx); err == nil && ok && next.Before(until) {
			until = next
		}
		if until.After(now) {
			select {
			case <-ctx.Done():
			case <-w.wake:
				w.afterWake(ctx)
			case <-w.Clock.At(until):
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// afterWake sends what a Notify announced. Notify is called inside the writer's
// transaction, so the message may not be readable yet: look again a few times, in real
// time (the commit is real, whatever the worker's clock says).
func (w *Worker) afterWake(ctx context.Context) {
	for range 25 {
		if n, err := w.Drain(ctx); n > 0 || err != nil || ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Drain sends every message due now, batch after batch, and reports how many it tried.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.init()
	tried := 0
	for ctx.Err() == nil {
		batch, err := w.Store.ClaimMessages(ctx, w.Clock.Now(), w.Lease, w.Node, w.Batch)
		if err != nil {
			return tried, err
		}
		if len(batch) == 0 {
			return tried, nil
		}
		var wg sync.WaitGroup
		errs := make([]error, len(batch))
		for i, m := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = w.send(ctx, m)
			}()
		}
		wg.Wait()
		tried += len(batch)
		if err := errors.Join(errs...); err != nil {
			return tried, err
		}
	}
	return tried, ctx.Err()
}

// send makes one attempt and records how it went.
func (w *Worker) send(ctx context.Context, m *store.OutboxMessage) error {
	r := store.OutboxResult{}
	sender, ok := w.Senders[m.Channel]
	var err error
	if !ok {
		err = &permanentError{fmt.Errorf("no sender for channel %q", m.Channel)}
	} else {
		sctx, cancel := context.WithTimeout(ctx, w.Lease/2)
		r.ProviderID, err = sender.Send(sctx, m)
		cancel()
	}
	r.At = w.Clock.Now().UTC()
	switch {
	case err == nil:
		r.Status = store.OutboxSent
		if m.Channel == "sms" { // the MC's ids of the parts, which its delivery receipts name
			r.ReceiptIDs = strings.Split(r.ProviderID, ",")
		}
	case Permanent(err) || m.Attempts >= w.MaxAttempts:
		r.Status, r.Error = store.OutboxDead, err.Error()
		w.Log.Warn("outbox: message dead", "id", m.ID, "channel", m.Channel, "attempts", m.Attempts, "err", err)
	default:
		r.Status, r.Error = store.OutboxFailed, err.Error()
		r.Next = r.At.Add(w.backoff(m.Attempts))
	}
	if ctx.Err() != nil && err != nil {
		return ctx.Err() // shutting down: the lease brings the message back
	}
	return w.Store.FinishMessage(context.WithoutCancel(ctx), m.ID, w.Node, r)
}

// backoff is the wait after the attempt-th failure: exponential, capped, with jitter.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.BackoffMin
	for i := 1; i < attempt && d < w.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, w.BackoffMax)
	return d/2 + rand.N(d/2+1)
}
