package sla

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotline-dev/hotline/internal/notify"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Hook is the workorder.TxHook that keeps a ticket's timers in step with its lifecycle and
// queues the notifications its events cause, in the event's transaction.
func (s *SLA) Hook(ctx context.Context, tx *store.Tx, t *ticket.Ticket, ev ticket.Event) error {
	if err := s.timers(ctx, tx, t, ev); err != nil {
		return err
	}
	return s.notifications(ctx, tx, t, ev)
}

var _ workorder.TxHook = (*SLA)(nil).Hook

func (s *SLA) timers(ctx context.Context, tx *store.Tx, t *ticket.Ticket, ev ticket.Event) error {
	switch ev.Action {
	case ticket.ActDispatch, ticket.ActRejectReturn:
		return s.arm(ctx, tx, t, ev.At, true)
	case ticket.ActAccept:
		return tx.ClearTimers(ctx, t.ID, ticket.SignTimers)
	case ticket.ActApproveExtension:
		// The lifecycle moved the deadline by calendar days; the clock counts working days.
		days, _ := ev.Data["days"].(int)
		if t.HandleDeadline != nil && days > 0 {
			old := t.HandleDeadline.AddDate(0, 0, -days)
			due := s.Calendar().AddWorkingDays(old, days).UTC()
			if err := tx.SetHandleDeadline(ctx, t.ID, due); err != nil {
				return err
			}
			t.HandleDeadline = &due
		}
		return s.arm(ctx, tx, t, ev.At, false)
	case ticket.ActRejectReply:
		return s.arm(ctx, tx, t, ev.At, false)
	case ticket.ActSuspend:
		// 挂起: the clock stands still; nothing fires until it resumes.
		return tx.ClearTimers(ctx, t.ID, ticket.HandlingTimers)
	case ticket.ActResume:
		// The service moved the deadline by the paused time; the timers follow it.
		return s.arm(ctx, tx, t, ev.At, false)
	case ticket.ActCallback:
		if t.State == ticket.Processing { // 重办: new deadlines from the reopen instant
			return s.arm(ctx, tx, t, ev.At, false)
		}
		return tx.ClearTimers(ctx, t.ID, nil)
	case ticket.ActReply:
		// The department answered: its clock stops while the centre reviews.
		return tx.ClearTimers(ctx, t.ID, nil)
	case ticket.ActApproveReturn, ticket.ActClose, ticket.ActCloseOnSpot, ticket.ActCancel, ticket.ActMerge:
		return tx.ClearTimers(ctx, t.ID, nil)
	}
	return nil
}

// arm writes the ticket's timers for its current deadlines.
func (s *SLA) arm(ctx context.Context, tx *store.Tx, t *ticket.Ticket, now time.Time, sign bool) error {
	cal, l := s.Calendar(), s.Limits(t)
	var ts []store.Timer
	if sign && t.SignDeadline != nil {
		due := t.SignDeadline.UTC()
		if w := warnBefore(cal, l.SignFor, due, l.WarnAt); w.After(now) {
			ts = append(ts, store.Timer{Kind: ticket.TimerSignWarning, DueAt: w})
		}
		ts = append(ts, store.Timer{Kind: ticket.TimerSignOverdue, DueAt: due})
	}
	if t.HandleDeadline != nil {
		due := t.HandleDeadline.UTC()
		if w := warnBefore(cal, l.Handling, due, l.WarnAt); w.After(now) {
			ts = append(ts, store.Timer{Kind: ticket.TimerWarning, DueAt: w})
		}
		ts = append(ts, store.Timer{Kind: ticket.TimerOverdue, DueAt: due})
		if !l.Supervise.IsZero() {
			ts = append(ts, store.Timer{Kind: ticket.TimerSupervise, DueAt: l.Supervise.Due(cal, due).UTC()})
		}
	}
	kinds := ticket.HandlingTimers
	if sign {
		kinds = append(append([]string(nil), ticket.SignTimers...), ticket.HandlingTimers...)
	}
	if err := tx.ArmTimers(ctx, t.ID, kinds, ts); err != nil {
		return err
	}
	if s.OnArm != nil {
		for _, tm := range ts {
			s.OnArm(tm.DueAt)
		}
	}
	return nil
}

// notifications queues what an event tells the citizen or the department.
func (s *SLA) notifications(ctx context.Context, tx *store.Tx, t *ticket.Ticket, ev ticket.Event) error {
	d := notify.Data{Number: t.Number, Subject: t.Subject, LookupURL: s.LookupURL, Reply: t.Reply}
	toCitizen := func(tpl string) error {
		if t.Phone == "" {
			return nil
		}
		return s.enqueue(ctx, tx, t, ev, tpl, "sms", t.Phone, d)
	}
	toDepartment := func(tpl string) error {
		if t.DepartmentID == "" {
			return nil
		}
		dept, err := tx.DepartmentByID(ctx, t.DepartmentID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		d.Department = dept.Name
		if dept.Email != "" {
			if err := s.enqueue(ctx, tx, t, ev, tpl, "email", dept.Email, d); err != nil {
				return err
			}
		}
		if dept.Phone == "" {
			return nil // nowhere to send it; the desk shows the flag anyway
		}
		return s.enqueue(ctx, tx, t, ev, tpl, "sms", dept.Phone, d)
	}
	local := func(at *time.Time) string {
		if at == nil {
			return ""
		}
		return at.In(s.Calendar().Location()).Format("2006-01-02 15:04")
	}
	switch ev.Action {
	case ticket.ActRegister:
		return toCitizen(notify.Received)
	case ticket.ActDispatch, ticket.ActSubDispatch:
		d.Deadline = local(t.HandleDeadline)
		return toDepartment(notify.Dispatched)
	case ticket.ActApproveReply:
		if err := toCitizen(notify.Result); err != nil {
			return err
		}
		return toCitizen(notify.Survey)
	case ticket.ActSignOverdue:
		d.Kind, d.Deadline = "签收", local(t.SignDeadline)
		return toDepartment(notify.SignOverdue)
	case ticket.ActWarn, ticket.ActMarkOverdue:
		d.Kind, d.Deadline = "办理", local(t.HandleDeadline)
		if ev.Data["deadline"] == "sign" {
			d.Kind, d.Deadline = "签收", local(t.SignDeadline)
		}
		if ev.Action == ticket.ActWarn {
			return toDepartment(notify.Warning)
		}
		return toDepartment(notify.Overdue)
	case ticket.ActSupervise:
		return toDepartment(notify.Supervise)
	}
	return nil
}

func (s *SLA) enqueue(ctx context.Context, tx *store.Tx, t *ticket.Ticket, ev ticket.Event, tpl, channel, to string, d notify.Data) error {
	subject, body, err := s.Templates.Render(tpl, d)
	if err != nil {
		return fmt.Errorf("sla: template %s: %w", tpl, err)
	}
	// One message per event and template: a retried transaction cannot queue it twice.
	key := fmt.Sprintf("%s:%d:%s:%s", t.ID, ev.Seq, ev.Action, tpl)
	if channel != "sms" { // the department's e-mail goes beside its SMS (SMS keys kept as they were)
		key += ":" + channel
	}
	m := &store.OutboxMessage{Channel: channel, Recipient: to, Template: tpl, Subject: subject, Body: body,
		TicketID: t.ID, TicketNumber: t.Number, IdempotencyKey: key, CreatedAt: ev.At}
	if err := tx.Enqueue(ctx, m); err != nil {
		return err
	}
	if s.OnEnqueue != nil {
		s.OnEnqueue()
	}
	return nil
}
