package workorder

import (
	"time"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// PausePolicy is the time-limit policy's say on 挂起 (a ticket waiting on the citizen):
// whether the ticket's clock may stop at all, and where its handling deadline falls after
// it stood still from from to to, with how much time on the limit's clock that was.
type PausePolicy interface {
	Pausable(t *ticket.Ticket) bool
	Resume(t *ticket.Ticket, from, to time.Time) (handle time.Time, paused time.Duration)
}

// CalendarPause is the default until the working-time clock is configured: every ticket
// but an urgent one may pause, and the deadline moves by the calendar time paused.
type CalendarPause struct{}

func (CalendarPause) Pausable(t *ticket.Ticket) bool { return t.Urgency != ticket.Urgent }

func (CalendarPause) Resume(t *ticket.Ticket, from, to time.Time) (time.Time, time.Duration) {
	if t.HandleDeadline == nil {
		return time.Time{}, 0
	}
	if !from.Before(*t.HandleDeadline) || !from.Before(to) {
		return *t.HandleDeadline, 0 // paused once already overdue: it stays overdue
	}
	return t.HandleDeadline.Add(to.Sub(from)), to.Sub(from)
}
