package portal

import (
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// Limits of what a citizen sends.
const (
	MaxSubject     = 100
	MaxDescription = 2000
	MaxAddress     = 200
	MaxName        = 50
	MaxComment     = 500
	MaxPhotos      = 6       // per ticket
	MaxPhotoSize   = 5 << 20 // bytes
)

// PhotoTypes are the image types a citizen may upload, as sniffed from the bytes.
var PhotoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// Status is where a ticket stands, in the citizen's words: a code for programs and the
// English switch, and the Chinese text.
type Status struct {
	Code string `json:"status"`
	Text string `json:"status_text"`
}

// StatusOf says where t stands without the centre's inner steps: returns, reviews and
// sub-dispatch are all "being handled" to the citizen.
func StatusOf(t *ticket.Ticket) Status {
	switch t.State {
	case ticket.Registered:
		return Status{"received", "已受理"}
	case ticket.Callback:
		return Status{"to_rate", "已办理，待评价"}
	case ticket.Closed:
		return Status{"closed", "已办结"}
	case ticket.Cancelled:
		return Status{"cancelled", "已关闭"}
	case ticket.Merged:
		return Status{"merged", "已合并办理"}
	}
	return Status{"processing", "处理中"}
}

// ReplyVisible reports whether the department's reply has been approved for the citizen:
// it waits for the centre's review, and a reopened ticket's earlier reply is withdrawn.
func ReplyVisible(t *ticket.Ticket) bool {
	return t.State == ticket.Callback || t.State == ticket.Closed
}

// MayRate reports whether the citizen's rating applies now: it is the callback (回访).
func MayRate(t *ticket.Ticket) bool { return t.State == ticket.Callback }

// MayAddPhotos reports whether photos are still taken: until a department accepts it.
func MayAddPhotos(t *ticket.Ticket) bool {
	return t.State == ticket.Registered || t.State == ticket.Dispatched
}

// Ratings are the verdicts a citizen may give (联系不上 is the centre's, not theirs).
var Ratings = []struct {
	ID   ticket.Satisfaction
	Name string
}{{ticket.Satisfied, "满意"}, {ticket.BasicSatisfied, "基本满意"}, {ticket.Unsatisfied, "不满意"}}

// ValidRating reports whether s is a verdict a citizen may give.
func ValidRating(s ticket.Satisfaction) bool {
	for _, r := range Ratings {
		if r.ID == s {
			return true
		}
	}
	return false
}

// Step is one line of the public timeline: no notes, no staff, no phone numbers.
type Step struct {
	At         time.Time `json:"at"`
	Code       string    `json:"code"`
	Text       string    `json:"text"`
	Department string    `json:"department,omitempty"`
}

// Timeline turns a ticket's archive into what the citizen may read. Internal steps (returns,
// reviews sent back, comments, urging, co-handling) are left out; dept names a department.
func Timeline(events []ticket.Event, dept func(id string) string) []Step {
	out := []Step{}
	for _, e := range events {
		s := Step{At: e.At}
		switch e.Action {
		case ticket.ActRegister:
			s.Code, s.Text = "received", "诉求已受理"
		case ticket.ActDispatch, ticket.ActSubDispatch:
			s.Code, s.Text, s.Department = "dispatched", "已转交承办单位", dept(e.DepartmentID)
		case ticket.ActApproveReturn:
			s.Code, s.Text = "reassigning", "正在重新安排承办单位"
		case ticket.ActAccept:
			s.Code, s.Text, s.Department = "accepted", "承办单位已签收，正在办理", dept(e.DepartmentID)
		case ticket.ActApproveExtension:
			s.Code, s.Text = "extended", "办理期限已延长"
		case ticket.ActApproveReply:
			s.Code, s.Text = "replied", "办理结果已答复"
		case ticket.ActCallback:
			sat, _ := e.Data["satisfaction"].(string)
			switch ticket.Satisfaction(sat) {
			case ticket.Unsatisfied:
				s.Code, s.Text = "reopened", "评价不满意，已重新办理"
			case ticket.Unreachable:
				s.Code, s.Text = "closed", "已办结（回访未联系上）"
			default:
				s.Code, s.Text = "rated", "已评价："+ratingName(ticket.Satisfaction(sat))+"，已办结"
			}
		case ticket.ActClose, ticket.ActCloseOnSpot:
			s.Code, s.Text = "closed", "已办结"
		case ticket.ActCancel:
			s.Code, s.Text = "cancelled", "诉求已关闭"
		case ticket.ActMerge:
			s.Code, s.Text = "merged", "已与同一事项合并办理"
		case ticket.ActComment:
			if e.Role != string(access.Citizen) || len(e.Attachments) == 0 {
				continue // staff notes stay inside
			}
			s.Code, s.Text = "photo", "您补充了照片"
		default:
			continue
		}
		out = append(out, s)
	}
	return out
}

func ratingName(s ticket.Satisfaction) string {
	for _, r := range Ratings {
		if r.ID == s {
			return r.Name
		}
	}
	return string(s)
}
