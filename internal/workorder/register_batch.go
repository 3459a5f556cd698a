package workorder

import (
	"context"
	"sync"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// registrar gathers the registrations (登记) that arrive together and writes each gathering
// in one PostgreSQL transaction: one statement per table for all of them instead of one per
// ticket, and one commit. No goroutine waits in the background: the first caller to find no
// writer at work becomes one and writes batches until nothing is left (or until another
// writer is at work once its own ticket is written), so nothing is left waiting.
type registrar struct {
	mu      sync.Mutex
	pending []*registration
	writers int
}

// registration is one caller's ticket, checked and stamped, waiting to be written, with the
// service it came through (copies of a service share the registrar; their hooks are its).
type registration struct {
	svc    *Service
	p      access.Principal
	t      *ticket.Ticket
	ev     ticket.Event
	tokens store.TicketTokens // search words, when Service.Tokenize made them
	err    error
	done   chan struct{}
}

const (
	maxRegistrationBatch   = 32
	maxRegistrationWriters = 2 // one batch is written while the next gathers
)

// submit writes r, in a batch with whatever else is waiting, and returns how it ended.
func (g *registrar) submit(ctx context.Context, r *registration) error {
	g.mu.Lock()
	g.pending = append(g.pending, r)
	if g.writers >= maxRegistrationWriters {
		g.mu.Unlock()
		<-r.done
		return r.err
	}
	g.writers++
	// A writer's batch must not fail because its own caller went away.
	ctx = context.WithoutCancel(ctx)
	for {
		mine := false
		select {
		case <-r.done:
			mine = true
		default:
		}
		if len(g.pending) == 0 || (mine && g.writers > 1) {
			g.writers--
			g.mu.Unlock()
			break
		}
		n := min(len(g.pending), maxRegistrationBatch)
		batch := append([]*registration(nil), g.pending[:n]...)
		g.pending = append(g.pending[:0], g.pending[n:]...)
		g.mu.Unlock()
		writeRegistrations(ctx, batch)
		g.mu.Lock()
	}
	<-r.done
	return r.err
}

// writeRegistrations writes a batch in one transaction. If that fails, each registration is
// written on its own, so that one bad ticket cannot fail the others.
func writeRegistrations(ctx context.Context, batch []*registration) {
	err := batch[0].svc.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.PlanOnce(ctx); err != nil {
			return err
		}
		var phones, names []string
		for _, r := range batch {
			if r.t.Phone != "" {
				phones, names = append(phones, r.t.Phone), append(names, r.t.CitizenName)
			}
		}
		if len(phones) > 0 {
			cs, err := tx.TouchCitizens(ctx, phones, names)
			if err != nil {
				return err
			}
			for _, r := range batch {
				if r.t.Phone != "" {
					r.t.CitizenID = cs[r.t.Phone].ID
				}
			}
		}
		ts := make([]*ticket.Ticket, len(batch))
		evs := make([]ticket.Event, len(batch))
		tks := make([]store.TicketTokens, len(batch))
		for i, r := range batch {
			num, err := tx.NextTicketNumber(ctx, r.t.CreatedAt)
			if err != nil {
				return err
			}
			r.t.Number = num
			ts[i], evs[i], tks[i] = r.t, r.ev, r.tokens
		}
		if err := tx.InsertTickets(ctx, ts, evs, tks); err != nil {
			return err
		}
		for _, r := range batch {
			if err := r.svc.runHooks(ctx, tx, r.t, r.ev); err != nil {
				return err
			}
		}
		for _, r := range batch {
			if err := tx.Audit(ctx, registerAudit(r.p, r.t)); err != nil {
				return err
			}
		}
		return nil
	})
	for _, r := range batch {
		if err != nil {
			r.err = r.svc.writeRegistration(ctx, r.p, r.t, r.ev, r.tokens)
		}
		if r.err == nil {
			r.ev.TicketID = r.t.ID
			r.svc.publish(r.t, r.ev)
		}
		close(r.done)
	}
}
