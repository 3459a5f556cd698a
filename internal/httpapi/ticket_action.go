package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// actionRequest is the body of every lifecycle action; each action reads the fields it needs
// (see actionFields) and the lifecycle reports a missing one as a 400 with its name.
type actionRequest struct {
	Note         string              `json:"note,omitempty" doc:"reason, reply text or comment"`
	DepartmentID string              `json:"department_id,omitempty" doc:"dispatch, sub_dispatch, request_cohandling"`
	Days         int                 `json:"days,omitempty" doc:"request_extension: 1 to 90"`
	Satisfaction ticket.Satisfaction `json:"satisfaction,omitempty" doc:"callback"`
	MainNumber   string              `json:"main_number,omitempty" doc:"merge: the number of the ticket to merge into"`
	Attachments  []string            `json:"attachments,omitempty" doc:"ids of attachments already uploaded to this ticket"`
}

type actionResult struct {
	Ticket ticketView   `json:"ticket"`
	Event  ticket.Event `json:"event"`
}

var actionSummaries = map[ticket.Action]string{
	ticket.ActCloseOnSpot:       "Answer on the spot and close (直接办结)",
	ticket.ActDispatch:          "Dispatch to a department (派单)",
	ticket.ActReturn:            "Return the ticket (退单); a sub-dispatched one goes back to the unit above",
	ticket.ActApproveReturn:     "Approve a return (同意退单): back to registered for re-dispatch",
	ticket.ActRejectReturn:      "Reject a return (驳回退单): the department keeps it",
	ticket.ActAccept:            "Accept (签收)",
	ticket.ActSubDispatch:       "Sub-dispatch to a subordinate unit (下派)",
	ticket.ActRequestCoHandling: "Add a co-handling department (协办)",
	ticket.ActRequestExtension:  "Ask for more time (延期申请)",
	ticket.ActApproveExtension:  "Approve the pending extension",
	ticket.ActRefuseExtension:   "Refuse the pending extension",
	ticket.ActSuspend:           "Suspend (挂起) while waiting on the citizen: the handling clock stops, if the ticket's time-limit policy allows",
	ticket.ActResume:            "Resume (恢复): the handling deadline moves later by the working time spent suspended",
	ticket.ActReply:             "Reply with the result (反馈)",
	ticket.ActApproveReply:      "Approve the reply (审核通过): on to callback",
	ticket.ActRejectReply:       "Reject the reply (审核退回): back to processing",
	ticket.ActCallback:          "Record the callback (回访); unsatisfied reopens the ticket",
	ticket.ActClose:             "Close without (further) callback (办结)",
	ticket.ActUrge:              "Urge (催办)",
	ticket.ActSupervise:         "Supervise (督办)",
	ticket.ActMerge:             "Merge as a duplicate into a main ticket (合并)",
	ticket.ActCancel:            "Cancel as invalid or harassment (作废)",
	ticket.ActComment:           "Add a comment (备注)",
}

var actionFields = map[ticket.Action]string{
	ticket.ActCloseOnSpot: "note (required: the answer given)", ticket.ActDispatch: "department_id (required), note",
	ticket.ActReturn: "note (required: the reason)", ticket.ActApproveReturn: "note", ticket.ActRejectReturn: "note (required)",
	ticket.ActAccept: "note", ticket.ActSubDispatch: "department_id (required, below the handling unit), note",
	ticket.ActRequestCoHandling: "department_id (required), note", ticket.ActRequestExtension: "days (1-90), note (required)",
	ticket.ActApproveExtension: "note", ticket.ActRefuseExtension: "note (required)",
	ticket.ActSuspend: "note (required: what the citizen is to supply)", ticket.ActResume: "note", ticket.ActReply: "note (required), attachments",
	ticket.ActApproveReply: "note", ticket.ActRejectReply: "note (required)",
	ticket.ActCallback: "satisfaction (required), note (required when unsatisfied)", ticket.ActClose: "note",
	ticket.ActUrge: "note", ticket.ActSupervise: "note", ticket.ActMerge: "main_number (required), note",
	ticket.ActCancel: "note (required)", ticket.ActComment: "note (required), attachments",
}

// act returns the handler of one lifecycle action.
func (a *api) act(action ticket.Action) authHandler {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		var in actionRequest
		if err := decode(w, r, &in, true); err != nil {
			a.fail(w, r, err)
			return
		}
		ctx := r.Context()
		number := r.PathValue("number")
		if len(in.Attachments) > 0 {
			if err := a.svc.CheckAttachments(ctx, c.Principal, number, in.Attachments); err != nil {
				a.fail(w, r, err)
				return
			}
		}
		t, ev, err := a.svc.Act(ctx, c.Principal, number, ticket.Command{Action: action, Note: in.Note,
			DepartmentID: in.DepartmentID, Days: in.Days, Satisfaction: in.Satisfaction, MainNumber: in.MainNumber,
			Attachments: in.Attachments})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		n, err := a.names(ctx)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		t.Phone = c.ShowPhone(t.Phone)
		writeJSON(w, http.StatusOK, actionResult{Ticket: n.view(c.Principal, t), Event: ev})
	}
}
