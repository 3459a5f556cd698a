package ticket

import "time"

// System actions: taken by the working-time clock, not by a person, so they are not in
// Actions (the API never offers them) and Apply does not know them; ApplyTimer does.
const (
	ActWarn        Action = "warn"            // 预警: a deadline is near
	ActMarkOverdue Action = "mark_overdue"    // 超期: the handling deadline has passed
	ActSignOverdue Action = "signfor_overdue" // 签收超时: the sign-for deadline passed before accept
)

// SystemActions lists the actions only the clock takes.
var SystemActions = []Action{ActWarn, ActMarkOverdue, ActSignOverdue}

// SystemActor is the actor and role of events the clock takes.
const SystemActor = "system"

// Timer kinds: which deadline event a timer stands for.
const (
	TimerSignWarning = "sign_warning" // 签收预警
	TimerSignOverdue = "sign_overdue" // 超时未签收
	TimerWarning     = "warning"      // 办理预警
	TimerOverdue     = "overdue"      // 办理超期
	TimerSupervise   = "supervise"    // 超期自动督办
)

// SignTimers and HandlingTimers group the kinds by the deadline they watch.
var (
	SignTimers     = []string{TimerSignWarning, TimerSignOverdue}
	HandlingTimers = []string{TimerWarning, TimerOverdue, TimerSupervise}
)

// ClockStates are the states in which the department's handling clock runs, so a passed
// handling deadline makes the ticket overdue (超期), unless it is suspended (挂起). Once
// it has replied (反馈) the clock stops while the centre reviews.
var ClockStates = []State{Dispatched, Processing}

// ClockRuns reports whether t's handling clock is running.
func ClockRuns(t *Ticket) bool {
	return (t.State == Dispatched || t.State == Processing) && !t.Suspended
}

// ApplyTimer decides what a due timer does to t at now: it changes t and returns the event
// to append, or reports false when the timer no longer applies (the ticket was accepted,
// replied, closed… since it was armed), in which case t is unchanged.
func ApplyTimer(t *Ticket, kind string, due, now time.Time) (Event, bool) {
	deadline := "handle"
	switch kind {
	case TimerSignWarning, TimerSignOverdue:
		if t.State != Dispatched {
			return Event{}, false
		}
		deadline = "sign"
	case TimerWarning, TimerOverdue:
		// A suspended ticket's clock stands still (挂起); resuming arms new timers.
		if !ClockRuns(t) {
			return Event{}, false
		}
	case TimerSupervise:
		if !ClockRuns(t) || !t.Overdue || t.Supervised {
			return Event{}, false
		}
		ev, err := Apply(t, Command{Action: ActSupervise, Actor: SystemActor, Role: SystemActor,
			Note: "超期自动督办"}, now)
		if err != nil {
			return Event{}, false
		}
		ev.DepartmentID = t.DepartmentID
		ev.Data = map[string]any{"auto": true, "due": due.UTC().Format(time.RFC3339)}
		return ev, true
	default:
		return Event{}, false
	}
	ev := Event{TicketID: t.ID, Actor: SystemActor, Role: SystemActor, FromState: t.State, ToState: t.State,
		DepartmentID: t.DepartmentID, At: now.UTC(),
		Data: map[string]any{"deadline": deadline, "due": due.UTC().Format(time.RFC3339)}}
	switch kind {
	case TimerSignWarning, TimerWarning:
		ev.Action = ActWarn
	case TimerSignOverdue:
		ev.Action = ActSignOverdue
		t.SignOverdue = true
	default:
		ev.Action = ActMarkOverdue
		t.Overdue = true
	}
	t.Version++
	t.UpdatedAt = ev.At
	return ev, true
}
