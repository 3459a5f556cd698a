// Package workorder runs the use cases of the work-order core: it checks who may do what
// (access), applies the lifecycle (ticket) and writes the result with its event and audit
// line in one transaction (store). HTTP handlers, Open311, the CLI and importers call it.
package workorder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/attach"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// ErrForbidden is returned when the principal may not do what it asked.
var ErrForbidden = errors.New("forbidden")

// DeadlinePolicy sets a ticket's sign-for and handling deadlines when it is dispatched.
type DeadlinePolicy func(t *ticket.Ticket, dispatchedAt time.Time) (sign, handle time.Time)

// Publisher receives every ticket event after it is committed (live updates).
type Publisher interface {
	TicketChanged(t *ticket.Ticket, ev ticket.Event)
}

// TxHook runs inside the transaction of every ticket event, after the ticket is written:
// what it writes (deadline timers, outbox messages) commits or rolls back with the event.
type TxHook func(ctx context.Context, tx *store.Tx, t *ticket.Ticket, ev ticket.Event) error

// Service is the work-order core's use cases.
type Service struct {
	Store     *store.Store
	Files     attach.Files
	Deadlines DeadlinePolicy
	Pause     PausePolicy // nil: CalendarPause
	Publisher Publisher
	Hooks     []TxHook
	// Tokenize, when set, gives a new ticket's search words, made before its registration
	// is written so they go in with the row; it gives none (Dict "") while nothing can
	// segment text yet, and the ticket then waits for the index (kb.Wire sets it). While
	// registrations queue up (Busy) it is not called: the words are left to the indexer.
	Tokenize func(t *ticket.Ticket) store.TicketTokens
	Log      *slog.Logger
	Now      func() time.Time

	// Shared by copies of the service (the demo copies it per ticket clock).
	registrar   *registrar
	registering *atomic.Int32 // registrations in progress (Busy)
	regions     *refCache[regionRefs]
	categories  *refCache[map[string]*org.Category]
	departments *refCache[*org.Tree[org.Department]]
}

// New returns a service over st with attachments under dataDir.
func New(st *store.Store, dataDir string, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Store: st, Files: attach.Files{Dir: dataDir}, Deadlines: CalendarDayDeadlines, Log: log, Now: time.Now,
		registrar: &registrar{}, registering: new(atomic.Int32), regions: newRegionCache(), categories: newCategoryCache(), departments: newDepartmentCache()}
}

// CalendarDayDeadlines is the default policy until the working-time clock is configured:
// sign for within one day; handle within the request type's usual limit in calendar days
// (Guangdong practice: consultations 2, help and suggestions 10, complaints and reports 15),
// urgent tickets within 2 hours.
func CalendarDayDeadlines(t *ticket.Ticket, at time.Time) (time.Time, time.Time) {
	if t.Urgency == ticket.Urgent {
		return at.Add(30 * time.Minute), at.Add(2 * time.Hour)
	}
	days := map[ticket.RequestType]int{ticket.Consult: 2, ticket.Help: 10, ticket.Suggestion: 10,
		ticket.Complaint: 15, ticket.Report: 15, ticket.Praise: 5, ticket.Other: 10}[t.RequestType]
	if t.Urgency == ticket.Expedited {
		days = (days + 1) / 2
	}
	return at.Add(24 * time.Hour), at.AddDate(0, 0, days)
}

// PrincipalFor builds the principal of a user or API key: role, department and, for
// department roles, the set of units at and below the user's department.
func (s *Service) PrincipalFor(ctx context.Context, userID, username, role, deptID string, phoneGrant bool) (access.Principal, error) {
	p := access.Principal{UserID: userID, Username: username, Role: access.Role(role), DepartmentID: deptID, PhoneGrant: phoneGrant}
	if p.Role.DepartmentScoped() {
		tree, err := s.departmentTree(ctx)
		if err != nil {
			return p, err
		}
		if deptID == "" {
			p.Departments = map[string]bool{}
		} else {
			p.Departments = tree.Subtree(deptID)
		}
	}
	return p, nil
}

// busyRegistrations is how many registrations may be in progress at once before the
// service counts as busy. A centre's agents and channels register a few tickets a second,
// rarely more than one at a time; a queue of them means a burst (an outage, a flood of
// portal requests), and segmenting each ticket's text then (≈130 µs of CPU) would slow
// taking them in. Their words are written by the indexer soon after (kb).
const busyRegistrations = 4

// Busy reports whether registrations are queueing up: background work that can wait (the
// search indexer) gives way while it is.
func (s *Service) Busy() bool {
	return s.registering != nil && s.registering.Load() > busyRegistrations
}

// Register takes in a new request (登记). The ticket's number, id, state and times are set
// here; the citizen profile is found or created by phone.
func (s *Service) Register(ctx context.Context, p access.Principal, t *ticket.Ticket, note string) (*ticket.Ticket, error) {
	if !p.MayRegister(t.Channel) {
		return nil, ErrForbidden
	}
	if err := ticket.ValidateNew(t); err != nil {
		return nil, err
	}
	if err := s.checkRefs(ctx, t); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	t.ID, t.State, t.CreatedAt, t.UpdatedAt, t.Version = store.NewID(), ticket.Registered, now, now, 1
	t.DepartmentID, t.ParentDepartmentID, t.HandlerID = "", "", ""
	ev := ticket.Event{Action: ticket.ActRegister, Actor: p.UserID, Role: string(p.Role), ToState: ticket.Registered,
		Note: note, At: now, Data: map[string]any{"channel": string(t.Channel)}}
	busy := false
	if s.registering != nil {
		busy = s.registering.Add(1) > busyRegistrations
		defer s.registering.Add(-1)
	}
	var tk store.TicketTokens
	if s.Tokenize != nil && !busy {
		tk = s.Tokenize(t) // outside the transaction: segmenting holds up no writer
	}
	if s.registrar != nil && s.Store.Driver() == "postgres" {
		// PostgreSQL spends more on starting each statement and commit than on the rows, so
		// registrations arriving together are written together. (SQLite's writer already
		// commits them together, and its statements start cheaply.)
		r := &registration{svc: s, p: p, t: t, ev: ev, tokens: tk, done: make(chan struct{})}
		if err := s.registrar.submit(ctx, r); err != nil {
			return nil, err
		}
		return t, nil
	}
	if err := s.writeRegistration(ctx, p, t, ev, tk); err != nil {
		return nil, err
	}
	ev.TicketID = t.ID
	s.publish(t, ev)
	return t, nil
}

// writeRegistration writes one checked and stamped registration in its own transaction.
func (s *Service) writeRegistration(ctx context.Context, p access.Principal, t *ticket.Ticket, ev ticket.Event, tk store.TicketTokens) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if t.Phone != "" {
			c, err := tx.TouchCitizen(ctx, t.Phone, t.CitizenName)
			if err != nil {
				return err
			}
			t.CitizenID = c.ID
		}
		num, err := tx.NextTicketNumber(ctx, t.CreatedAt)
		if err != nil {
			return err
		}
		t.Number = num
		if err := tx.InsertTickets(ctx, []*ticket.Ticket{t}, []ticket.Event{ev}, []store.TicketTokens{tk}); err != nil {
			return err
		}
		if err := s.runHooks(ctx, tx, t, ev); err != nil {
			return err
		}
		return tx.Audit(ctx, registerAudit(p, t))
	})
}

func registerAudit(p access.Principal, t *ticket.Ticket) store.AuditEntry {
	return store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: "ticket.register",
		ObjectType: "ticket", ObjectID: t.Number}
}

// checkRefs makes sure the category and region a ticket names exist, and that the
// category's required custom fields are there with the right types.
func (s *Service) checkRefs(ctx context.Context, t *ticket.Ticket) error {
	fe := ticket.FieldErrors{}
	if t.CategoryID != "" {
		c, err := s.category(ctx, t.CategoryID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fe["category_id"] = "no such category"
		case err != nil:
			return err
		default:
			for k, v := range org.CheckFields(c.Fields, fieldValues(t.Fields)) {
				fe["fields."+k] = v
			}
		}
	}
	if t.RegionID != "" {
		ok, err := s.regionExists(ctx, t.RegionID)
		if err != nil {
			return err
		}
		if !ok {
			fe["region_id"] = "no such region"
		}
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

func fieldValues(fs map[string]ticket.Field) map[string]org.FieldValue {
	out := make(map[string]org.FieldValue, len(fs))
	for k, f := range fs {
		out[k] = org.FieldValue{Type: string(f.Type), Value: f.Value}
	}
	return out
}

// Act takes one lifecycle action on the ticket with this number.
func (s *Service) Act(ctx context.Context, p access.Principal, number string, cmd ticket.Command) (*ticket.Ticket, ticket.Event, error) {
	cmd.Actor, cmd.Role = p.UserID, string(p.Role)
	now := s.Now().UTC()
	var t *ticket.Ticket
	var ev ticket.Event
	var absorbed *ticket.Ticket
	var absorbEv ticket.Event
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		t, err = tx.TicketForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if !p.Sees(t) {
			return store.ErrNotFound // do not tell other departments the ticket exists
		}
		if !p.MayAct(cmd.Action, t) {
			return &ForbiddenActionError{Action: cmd.Action, Allowed: p.ActionsOn(t)}
		}
		if err := s.checkCommand(ctx, tx, p, t, cmd); err != nil {
			return err
		}
		pausedFrom := t.SuspendedAt
		ev, err = ticket.Apply(t, cmd, now)
		var illegal *ticket.IllegalError
		if errors.As(err, &illegal) {
			illegal.Allowed = p.ActionsOn(t) // what this caller may do, not all the state allows
		}
		if err != nil {
			return err
		}
		if cmd.Action == ticket.ActDispatch || (cmd.Action == ticket.ActCallback && cmd.Satisfaction == ticket.Unsatisfied) {
			sign, handle := s.Deadlines(t, now)
			if cmd.Action == ticket.ActCallback {
				sign = now // reopened: already signed for
			}
			t.SignDeadline, t.HandleDeadline, t.Overdue = &sign, &handle, false
			// Whether the clock may pause is fixed with the deadlines, so the actions offered
			// on the ticket (Allowed) say the truth about 挂起.
			t.PauseDenied = !s.pausePolicy().Pausable(t)
		}
		if cmd.Action == ticket.ActResume && pausedFrom != nil && t.HandleDeadline != nil {
			// 恢复: the deadline moves later by the time paused on the limit's own clock; the
			// event keeps both, and the clock's hook re-arms the timers from it.
			before := *t.HandleDeadline
			handle, paused := s.pausePolicy().Resume(t, *pausedFrom, now)
			handle = handle.UTC()
			t.HandleDeadline = &handle
			ev.Data["handle_deadline_before"] = before.UTC().Format(time.RFC3339)
			ev.Data["handle_deadline"] = handle.Format(time.RFC3339)
			ev.Data["paused_seconds"] = int64(paused / time.Second)
		}
		if err := tx.UpdateTicket(ctx, t, &ev); err != nil {
			return err
		}
		if err := s.runHooks(ctx, tx, t, ev); err != nil {
			return err
		}
		if cmd.Action == ticket.ActMerge {
			// The main ticket records what it absorbed, so both histories stay under it.
			absorbed, err = tx.TicketForUpdate(ctx, cmd.MainNumber)
			if err != nil {
				return err
			}
			absorbEv, err = ticket.Apply(absorbed, ticket.Command{Action: ticket.ActAbsorb, Actor: p.UserID,
				Role: string(p.Role), MainNumber: t.Number, Note: cmd.Note}, now)
			if err != nil {
				return err
			}
			if err := tx.UpdateTicket(ctx, absorbed, &absorbEv); err != nil {
				return err
			}
			if err := s.runHooks(ctx, tx, absorbed, absorbEv); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: "ticket." + string(cmd.Action),
			ObjectType: "ticket", ObjectID: t.Number, Detail: cmd.Note})
	})
	if err != nil {
		return nil, ticket.Event{}, err
	}
	s.publish(t, ev)
	if absorbed != nil {
		s.publish(absorbed, absorbEv)
	}
	return t, ev, nil
}

// checkCommand checks what the lifecycle cannot know: that departments exist and sit where
// the action needs them, and that a merge target is a live ticket.
func (s *Service) checkCommand(ctx context.Context, tx *store.Tx, p access.Principal, t *ticket.Ticket, cmd ticket.Command) error {
	switch cmd.Action {
	case ticket.ActDispatch, ticket.ActSubDispatch, ticket.ActRequestCoHandling:
		if cmd.DepartmentID == "" {
			return nil // the lifecycle reports the missing field
		}
		depts, err := s.Store.Departments(ctx)
		if err != nil {
			return err
		}
		tree := org.NewTree(depts)
		if _, ok := tree.Get(cmd.DepartmentID); !ok {
			return &ticket.InputError{Field: "department_id", Reason: "no such department"}
		}
		if cmd.Action == ticket.ActSubDispatch && (cmd.DepartmentID == t.DepartmentID || !tree.Within(cmd.DepartmentID, t.DepartmentID)) {
			return &ticket.InputError{Field: "department_id", Reason: "sub-dispatch goes to a unit under the handling department"}
		}
	case ticket.ActMerge:
		if cmd.MainNumber == "" {
			return nil
		}
		main, err := tx.TicketForUpdate(ctx, cmd.MainNumber)
		if errors.Is(err, store.ErrNotFound) {
			return &ticket.InputError{Field: "main_number", Reason: "no such ticket"}
		}
		if err != nil {
			return err
		}
		if !main.State.Open() {
			return &ticket.InputError{Field: "main_number", Reason: "the main ticket is no longer open"}
		}
	}
	return nil
}

func (s *Service) pausePolicy() PausePolicy {
	if s.Pause == nil {
		return CalendarPause{}
	}
	return s.Pause
}

func (s *Service) runHooks(ctx context.Context, tx *store.Tx, t *ticket.Ticket, ev ticket.Event) error {
	for _, h := range s.Hooks {
		if err := h(ctx, tx, t, ev); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) publish(t *ticket.Ticket, ev ticket.Event) {
	if s.Publisher != nil {
		s.Publisher.TicketChanged(t, ev)
	}
}

// ForbiddenActionError says the principal may not take the action, and what it may take.
type ForbiddenActionError struct {
	Action  ticket.Action
	Allowed []ticket.Action
}

func (e *ForbiddenActionError) Error() string {
	return fmt.Sprintf("your role may not take action %q on this ticket", e.Action)
}

func (e *ForbiddenActionError) Unwrap() error { return ErrForbidden }

// Get returns a ticket the principal may see, with phone numbers shown as it may see them.
func (s *Service) Get(ctx context.Context, p access.Principal, number string) (*ticket.Ticket, error) {
	t, err := s.Store.TicketByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	if !p.Sees(t) {
		return nil, store.ErrNotFound
	}
	t.Phone = p.ShowPhone(t.Phone)
	return t, nil
}

// List returns a page of tickets the principal may see.
func (s *Service) List(ctx context.Context, p access.Principal, f store.TicketFilter) (store.TicketPage, error) {
	if !p.Has(access.ViewTickets) {
		return store.TicketPage{}, ErrForbidden
	}
	if p.Role.DepartmentScoped() {
		f.Departments = make([]string, 0, len(p.Departments))
		for d := range p.Departments {
			f.Departments = append(f.Departments, d)
		}
	}
	page, err := s.Store.ListTickets(ctx, f)
	if err != nil {
		return page, err
	}
	for _, t := range page.Tickets {
		t.Phone = p.ShowPhone(t.Phone)
	}
	return page, nil
}

// Events returns the archive of a ticket the principal may see.
func (s *Service) Events(ctx context.Context, p access.Principal, number string) ([]ticket.Event, error) {
	t, err := s.Get(ctx, p, number)
	if err != nil {
		return nil, err
	}
	return s.Store.TicketEvents(ctx, t.ID)
}

// DeadlinePreview says which sign-for and handling deadlines the ticket would get if it
// were dispatched now (the dispatcher sees them before dispatching, 派单时限预览).
func (s *Service) DeadlinePreview(ctx context.Context, p access.Principal, number string) (sign, handle time.Time, err error) {
	t, err := s.Get(ctx, p, number)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	now := s.Now().UTC()
	sign, handle = s.Deadlines(t, now)
	return sign, handle, nil
}
