package ticket

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Action is one step a person can take on a ticket. Each becomes an Event.
type Action string

const (
	ActRegister          Action = "register"           // 登记
	ActCloseOnSpot       Action = "close_on_spot"      // 直接办结: consultation answered on the call
	ActDispatch          Action = "dispatch"           // 派单
	ActReturn            Action = "return"             // 退单 (reason required)
	ActApproveReturn     Action = "approve_return"     // 同意退单: back to the centre for re-dispatch
	ActRejectReturn      Action = "reject_return"      // 驳回退单: the department keeps it
	ActAccept            Action = "accept"             // 签收
	ActSubDispatch       Action = "sub_dispatch"       // 下派 to a subordinate unit
	ActRequestCoHandling Action = "request_cohandling" // 协办
	ActRequestExtension  Action = "request_extension"  // 延期申请
	ActApproveExtension  Action = "approve_extension"
	ActRefuseExtension   Action = "refuse_extension"
	ActSuspend           Action = "suspend"       // 挂起: waiting on the citizen, the clock stops (reason required)
	ActResume            Action = "resume"        // 恢复: the clock runs again, deadlines moved by the pause
	ActReply             Action = "reply"         // 反馈
	ActApproveReply      Action = "approve_reply" // 审核通过
	ActRejectReply       Action = "reject_reply"  // 审核退回
	ActCallback          Action = "callback"      // 回访
	ActClose             Action = "close"         // 办结 without (further) callback
	ActUrge              Action = "urge"          // 催办
	ActSupervise         Action = "supervise"     // 督办
	ActMerge             Action = "merge"         // 合并 into a main ticket
	ActCancel            Action = "cancel"        // 作废
	ActAbsorb            Action = "absorb"        // recorded on the main ticket when a duplicate is merged into it
	ActComment           Action = "comment"       // 备注
)

// Actions lists every action a person can request through the API, in lifecycle order.
var Actions = []Action{ActCloseOnSpot, ActDispatch, ActReturn, ActApproveReturn, ActRejectReturn,
	ActAccept, ActSubDispatch, ActRequestCoHandling, ActRequestExtension, ActApproveExtension,
	ActRefuseExtension, ActSuspend, ActResume, ActReply, ActApproveReply, ActRejectReply, ActCallback, ActClose, ActUrge,
	ActSupervise, ActMerge, ActCancel, ActComment}

// Command is a request to take an action, with what the action needs.
type Command struct {
	Action       Action
	Actor        string // user id
	Role         string
	Note         string       // reason, reply text, comment…
	DepartmentID string       // dispatch, sub-dispatch, co-handling
	Days         int          // extension
	Satisfaction Satisfaction // callback
	MainNumber   string       // merge
	Attachments  []string     // attachment ids kept with the event
}

// Event is one append-only line of the ticket's archive (一事一档).
type Event struct {
	ID           string         `json:"id"`
	TicketID     string         `json:"ticket_id"`
	Seq          int            `json:"seq"` // 1, 2, 3… per ticket
	Action       Action         `json:"action"`
	Actor        string         `json:"actor"`
	Role         string         `json:"role"`
	FromState    State          `json:"from_state,omitempty"`
	ToState      State          `json:"to_state"`
	Note         string         `json:"note,omitempty"`
	DepartmentID string         `json:"department_id,omitempty"`
	Data         map[string]any `json:"data,omitempty"`
	Attachments  []string       `json:"attachments,omitempty"`
	At           time.Time      `json:"at"`
}

// IllegalError says an action does not apply in the ticket's state, and what would.
type IllegalError struct {
	Action  Action
	State   State
	Reason  string // why, when the state alone does not say (挂起, policy)
	Allowed []Action
}

func (e *IllegalError) Error() string {
	names := make([]string, len(e.Allowed))
	for i, a := range e.Allowed {
		names[i] = string(a)
	}
	why := ""
	if e.Reason != "" {
		why = ": " + e.Reason
	}
	return fmt.Sprintf("action %q is not allowed in state %q%s (allowed: %s)", e.Action, e.State, why, strings.Join(names, ", "))
}

// InputError says a command lacks something the action needs. Field names the input.
type InputError struct {
	Field  string
	Reason string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

// ErrUnknownAction is returned for an action the lifecycle does not know.
var ErrUnknownAction = errors.New("unknown action")

// from lists the states in which each action applies.
var from = map[Action][]State{
	ActCloseOnSpot:       {Registered},
	ActDispatch:          {Registered},
	ActReturn:            {Dispatched, Processing},
	ActApproveReturn:     {Returned},
	ActRejectReturn:      {Returned},
	ActAccept:            {Dispatched},
	ActSubDispatch:       {Processing},
	ActRequestCoHandling: {Processing},
	ActRequestExtension:  {Processing},
	ActApproveExtension:  {Processing},
	ActRefuseExtension:   {Processing},
	ActSuspend:           {Processing},
	ActResume:            {Processing},
	ActReply:             {Processing},
	ActApproveReply:      {Replied},
	ActRejectReply:       {Replied},
	ActCallback:          {Callback},
	ActClose:             {Callback},
	ActUrge:              {Dispatched, Returned, Processing, Replied},
	ActSupervise:         {Registered, Dispatched, Returned, Processing, Replied, Callback},
	ActMerge:             {Registered, Dispatched, Returned},
	ActCancel:            {Registered, Returned},
	ActAbsorb:            {Registered, Dispatched, Returned, Processing, Replied, Callback},
	ActComment:           States,
}

// Allowed lists the actions that apply to t as it stands, in lifecycle order.
func Allowed(t *Ticket) []Action {
	var out []Action
	for _, a := range Actions {
		if applies(a, t) {
			out = append(out, a)
		}
	}
	return out
}

func applies(a Action, t *Ticket) bool {
	ok := false
	for _, s := range from[a] {
		if s == t.State {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	if t.Suspended && !whileSuspended[a] {
		return false
	}
	switch a {
	case ActApproveExtension, ActRefuseExtension:
		return t.PendingExtension != nil
	case ActRequestExtension:
		return t.PendingExtension == nil
	case ActSuspend:
		return !t.Suspended && !t.PauseDenied
	case ActResume:
		return t.Suspended
	}
	return true
}

// whileSuspended are the actions a suspended (挂起) ticket takes: the department is waiting
// on the citizen, so it neither replies nor hands the ticket on until it resumes; the
// centre may still urge and supervise.
var whileSuspended = map[Action]bool{ActResume: true, ActUrge: true, ActSupervise: true, ActComment: true, ActAbsorb: true}

// refusal says why a in t's state does not apply, when the state alone does not.
func refusal(a Action, t *Ticket) string {
	switch {
	case a == ActResume && !t.Suspended:
		return "the ticket is not suspended"
	case a == ActSuspend && t.Suspended:
		return "the ticket is already suspended"
	case t.Suspended && !whileSuspended[a]:
		return "the ticket is suspended (挂起) waiting on the citizen; resume it first"
	case a == ActSuspend && t.PauseDenied:
		return "the time-limit policy of this ticket does not let its clock pause (e.g. 紧急)"
	}
	return ""
}

// Apply takes cmd on t at now: it checks the action applies and has what it needs, changes t,
// and returns the event to append. On error t is unchanged.
func Apply(t *Ticket, cmd Command, now time.Time) (Event, error) {
	if _, known := from[cmd.Action]; !known {
		return Event{}, fmt.Errorf("%w %q", ErrUnknownAction, cmd.Action)
	}
	if !applies(cmd.Action, t) {
		reason := ""
		if oneOf(t.State, from[cmd.Action]) {
			reason = refusal(cmd.Action, t)
		}
		return Event{}, &IllegalError{Action: cmd.Action, State: t.State, Reason: reason, Allowed: Allowed(t)}
	}
	if err := validate(t, cmd); err != nil {
		return Event{}, err
	}
	ev := Event{
		TicketID: t.ID, Action: cmd.Action, Actor: cmd.Actor, Role: cmd.Role, FromState: t.State,
		Note: strings.TrimSpace(cmd.Note), DepartmentID: cmd.DepartmentID, Attachments: cmd.Attachments, At: now.UTC(),
	}
	next := *t
	switch cmd.Action {
	case ActCloseOnSpot:
		next.State = Closed
		next.Reply = ev.Note
		next.ClosedAt = &ev.At
	case ActDispatch:
		next.State = Dispatched
		next.DepartmentID = cmd.DepartmentID
		next.ParentDepartmentID = ""
		next.HandlerID = ""
		next.SignOverdue = false // a new sign-for clock for this department
	case ActReturn:
		// A unit returns a sub-dispatched ticket to the unit above it, which keeps handling it;
		// a ticket the centre dispatched goes back to the centre for review.
		if t.ParentDepartmentID != "" {
			next.State = Processing
			next.DepartmentID = t.ParentDepartmentID
			next.ParentDepartmentID = ""
			ev.DepartmentID = next.DepartmentID
		} else {
			next.State = Returned
			ev.DepartmentID = t.DepartmentID
		}
		next.HandlerID = ""
	case ActApproveReturn:
		next.State = Registered
		next.DepartmentID = ""
		next.SignDeadline, next.HandleDeadline = nil, nil
		next.SignOverdue = false
	case ActRejectReturn:
		next.State = Dispatched
		ev.DepartmentID = t.DepartmentID
	case ActAccept:
		next.State = Processing
		next.HandlerID = cmd.Actor
		ev.DepartmentID = t.DepartmentID
	case ActSubDispatch:
		next.State = Dispatched
		next.ParentDepartmentID = t.DepartmentID
		next.DepartmentID = cmd.DepartmentID
		next.HandlerID = ""
	case ActRequestCoHandling:
		next.CoDepartmentIDs = append(append([]string(nil), t.CoDepartmentIDs...), cmd.DepartmentID)
	case ActRequestExtension:
		next.PendingExtension = &Extension{Days: cmd.Days, Reason: ev.Note, By: cmd.Actor}
		ev.Data = map[string]any{"days": cmd.Days}
	case ActApproveExtension:
		ev.Data = map[string]any{"days": t.PendingExtension.Days}
		if t.HandleDeadline != nil {
			// Calendar days here; the working-time clock re-sets it in working days when present.
			d := t.HandleDeadline.AddDate(0, 0, t.PendingExtension.Days)
			next.HandleDeadline = &d
			next.Overdue = false
		}
		next.PendingExtension = nil
	case ActRefuseExtension:
		ev.Data = map[string]any{"days": t.PendingExtension.Days}
		next.PendingExtension = nil
	case ActSuspend:
		next.Suspended, next.SuspendedAt, next.SuspendReason = true, &ev.At, ev.Note
		ev.DepartmentID = t.DepartmentID
	case ActResume:
		// The working-time clock moves the deadlines by the paused time (workorder).
		next.Suspended, next.SuspendedAt, next.SuspendReason = false, nil, ""
		ev.DepartmentID = t.DepartmentID
		ev.Data = map[string]any{"reason": t.SuspendReason}
		if t.SuspendedAt != nil {
			ev.Data["suspended_at"] = t.SuspendedAt.UTC().Format(time.RFC3339)
		}
	case ActReply:
		next.State = Replied
		next.Reply = ev.Note
		ev.DepartmentID = t.DepartmentID
	case ActApproveReply:
		next.State = Callback
	case ActRejectReply:
		next.State = Processing
	case ActCallback:
		next.Satisfaction = cmd.Satisfaction
		ev.Data = map[string]any{"satisfaction": string(cmd.Satisfaction)}
		if cmd.Satisfaction == Unsatisfied {
			next.State = Processing // 重办: back to the department that handled it
			next.ReopenCount++
		} else {
			next.State = Closed
			next.ClosedAt = &ev.At
		}
	case ActClose:
		next.State = Closed
		next.ClosedAt = &ev.At
	case ActUrge:
		next.UrgeCount++
	case ActSupervise:
		next.Supervised = true
	case ActMerge:
		next.State = Merged
		next.MergedInto = cmd.MainNumber
		next.ClosedAt = &ev.At
		ev.Data = map[string]any{"main": cmd.MainNumber}
	case ActCancel:
		next.State = Cancelled
		next.ClosedAt = &ev.At
	case ActAbsorb:
		ev.Data = map[string]any{"duplicate": cmd.MainNumber}
	case ActComment:
	}
	next.Version++
	next.UpdatedAt = ev.At
	ev.ToState = next.State
	*t = next
	return ev, nil
}

func validate(t *Ticket, cmd Command) error {
	note := strings.TrimSpace(cmd.Note)
	need := func(field, reason string, ok bool) error {
		if ok {
			return nil
		}
		return &InputError{Field: field, Reason: reason}
	}
	switch cmd.Action {
	case ActDispatch, ActSubDispatch, ActRequestCoHandling:
		if err := need("department_id", "a department is required", cmd.DepartmentID != ""); err != nil {
			return err
		}
		if cmd.Action == ActSubDispatch && cmd.DepartmentID == t.DepartmentID {
			return &InputError{Field: "department_id", Reason: "sub-dispatch goes to a subordinate unit, not the same one"}
		}
		if cmd.Action == ActRequestCoHandling {
			if cmd.DepartmentID == t.DepartmentID {
				return &InputError{Field: "department_id", Reason: "the handling department cannot co-handle its own ticket"}
			}
			for _, d := range t.CoDepartmentIDs {
				if d == cmd.DepartmentID {
					return &InputError{Field: "department_id", Reason: "already co-handling"}
				}
			}
		}
	case ActReturn, ActRejectReturn, ActRejectReply, ActCancel, ActRefuseExtension:
		return need("note", "a reason is required", note != "")
	case ActSuspend:
		return need("note", "say what the citizen is to supply (the reason for 挂起)", note != "")
	case ActCloseOnSpot, ActReply:
		return need("note", "the answer given to the citizen is required", note != "")
	case ActRequestExtension:
		if err := need("days", "between 1 and 90 days", cmd.Days >= 1 && cmd.Days <= 90); err != nil {
			return err
		}
		return need("note", "a reason is required", note != "")
	case ActCallback:
		switch cmd.Satisfaction {
		case Satisfied, BasicSatisfied, Unsatisfied, Unreachable:
		default:
			return &InputError{Field: "satisfaction", Reason: "one of satisfied, basic_satisfied, unsatisfied, unreachable"}
		}
		if cmd.Satisfaction == Unsatisfied {
			return need("note", "say what the citizen is unsatisfied with", note != "")
		}
	case ActMerge:
		if err := need("main_number", "the main ticket's number is required", cmd.MainNumber != ""); err != nil {
			return err
		}
		return need("main_number", "a ticket cannot be merged into itself", cmd.MainNumber != t.Number)
	case ActAbsorb:
		return need("main_number", "the duplicate's number is required", cmd.MainNumber != "")
	case ActComment:
		return need("note", "a comment is required", note != "")
	}
	return nil
}
