// Package access makes every permission decision in one place: which role may take which
// ticket action, which tickets a department user may see, and when phone numbers are masked.
// It does no I/O.
package access

import (
	"strings"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// Role is a user's role, as in DESIGN.md.
type Role string

const (
	Citizen    Role = "citizen"    // 市民 (portal accounts; not a staff role)
	Agent      Role = "agent"      // 话务员
	Monitor    Role = "monitor"    // 班长
	Dispatcher Role = "dispatcher" // 派单员 / 审核员
	Handler    Role = "handler"    // 承办人
	DeptAdmin  Role = "dept_admin" // 部门管理员
	Leader     Role = "leader"     // 领导
	Admin      Role = "admin"      // 系统管理员
)

// Roles lists the staff roles in the order an administrator sees them.
var Roles = []Role{Agent, Monitor, Dispatcher, Handler, DeptAdmin, Leader, Admin}

// Valid reports whether r is a known role (citizen included).
func (r Role) Valid() bool {
	if r == Citizen {
		return true
	}
	for _, k := range Roles {
		if k == r {
			return true
		}
	}
	return false
}

// DepartmentScoped reports whether the role sees only its own department's subtree.
func (r Role) DepartmentScoped() bool { return r == Handler || r == DeptAdmin }

// Perm is a permission that is not a ticket action.
type Perm string

const (
	CreateTicket   Perm = "ticket.create"    // 登记工单
	ViewTickets    Perm = "ticket.view"      // see tickets (department roles: their subtree only)
	ViewCitizens   Perm = "citizen.view"     // 市民档案
	EditCitizens   Perm = "citizen.edit"     // tags, blacklist
	SeePhones      Perm = "citizen.phone"    // unmasked phone numbers
	ManageOrg      Perm = "org.manage"       // departments, regions, categories
	ManageUsers    Perm = "user.manage"      // users and roles across the city
	ManageDeptUser Perm = "user.manage_dept" // users inside one's own department
	ManageAPIKeys  Perm = "apikey.manage"
	ViewAudit      Perm = "audit.view"
	ImportTickets  Perm = "ticket.import"
	ViewStats      Perm = "stats.view"
	ViewOutbox     Perm = "outbox.view"     // 消息发件箱: the queue and its templates (recipients shown in full)
	ManageOutbox   Perm = "outbox.manage"   // retry dead messages, edit message templates
	ManageCalendar Perm = "calendar.manage" // 节假日: enter, import and remove declared days
	// ManageTimeLimits lets one see and replace the city's time-limit rules (时限规则) and
	// working hours (工作时间), and preview what a request resolves to.
	ManageTimeLimits Perm = "sla.manage"
	// SubmitRequest lets a citizen on the portal register a request for themselves (市民诉求),
	// through the portal channel only.
	SubmitRequest Perm = "portal.submit"
	// ManageDictionary edits the city dictionary (城市词典) that search segments with, and
	// starts a re-index after it.
	ManageDictionary Perm = "dictionary.manage"
)

var perms = map[Role][]Perm{
	Agent:      {CreateTicket, ViewTickets, ViewCitizens, EditCitizens, SeePhones},
	Monitor:    {CreateTicket, ViewTickets, ViewCitizens, EditCitizens, SeePhones, ViewStats, ViewOutbox},
	Dispatcher: {CreateTicket, ViewTickets, ViewCitizens, EditCitizens, SeePhones, ViewStats},
	Handler:    {ViewTickets},
	DeptAdmin:  {ViewTickets, ManageDeptUser, ViewStats},
	Leader:     {ViewTickets, ViewCitizens, SeePhones, ViewStats, ViewAudit, ViewOutbox},
	Admin: {CreateTicket, ViewTickets, ViewCitizens, EditCitizens, SeePhones, ManageOrg, ManageUsers,
		ManageDeptUser, ManageAPIKeys, ViewAudit, ImportTickets, ViewStats, ViewOutbox, ManageOutbox, ManageCalendar,
		ManageTimeLimits, ManageDictionary},
	Citizen: {SubmitRequest},
}

// centreActions are taken by the centre: dispatch, review, callback, supervision. The centre
// may resume (恢复) a ticket a department left suspended, not suspend one itself.
var centreActions = []ticket.Action{ticket.ActCloseOnSpot, ticket.ActDispatch, ticket.ActApproveReturn,
	ticket.ActRejectReturn, ticket.ActApproveExtension, ticket.ActRefuseExtension, ticket.ActResume, ticket.ActApproveReply,
	ticket.ActRejectReply, ticket.ActCallback, ticket.ActClose, ticket.ActUrge, ticket.ActSupervise,
	ticket.ActMerge, ticket.ActCancel, ticket.ActComment}

// departmentActions are taken by the unit holding the ticket; it suspends (挂起) while it
// waits on the citizen and resumes when the citizen has answered.
var departmentActions = []ticket.Action{ticket.ActAccept, ticket.ActReturn, ticket.ActSubDispatch,
	ticket.ActRequestCoHandling, ticket.ActRequestExtension, ticket.ActSuspend, ticket.ActResume, ticket.ActReply,
	ticket.ActComment}

var actions = map[Role][]ticket.Action{
	// Agents register and answer on the spot, and may dispatch at once (登记并派单).
	Agent:      {ticket.ActCloseOnSpot, ticket.ActDispatch, ticket.ActUrge, ticket.ActComment},
	Monitor:    {ticket.ActCloseOnSpot, ticket.ActDispatch, ticket.ActUrge, ticket.ActComment},
	Dispatcher: centreActions,
	Handler:    departmentActions,
	DeptAdmin:  departmentActions,
	Leader:     {ticket.ActUrge, ticket.ActSupervise, ticket.ActComment},
	Admin:      append(append([]ticket.Action{}, centreActions...), departmentActions...),
	// A citizen rates the result (the callback, 回访) and adds photos (a comment carrying them),
	// on their own ticket only; see citizenMayAct.
	Citizen: {ticket.ActCallback, ticket.ActComment},
}

// Principal is who is asking: a user or an API key acting with a role.
type Principal struct {
	UserID       string
	Username     string
	Role         Role
	DepartmentID string
	// Departments is the user's department and every unit below it; set for scoped roles.
	Departments map[string]bool
	// PhoneGrant lets a department user see full phone numbers (granted per user).
	PhoneGrant bool
	// Phone is the number a citizen proved they know (portal look-up): they see the tickets
	// registered with it, and no others.
	Phone string
	// AgentExt is the user's own call-centre extension (坐席分机), "" for none.
	AgentExt string
}

// MayRegister reports whether p may register a ticket arriving through channel ch: staff
// with CreateTicket on any channel, a citizen only through the portal.
func (p Principal) MayRegister(ch ticket.Channel) bool {
	if p.Has(CreateTicket) {
		return true
	}
	return p.Has(SubmitRequest) && ch == ticket.ChannelPortal
}

// Has reports whether p holds a permission.
func (p Principal) Has(perm Perm) bool {
	for _, k := range perms[p.Role] {
		if k == perm {
			return true
		}
	}
	return false
}

// MayTake reports whether p's role may take the action at all (scope is checked separately).
func (p Principal) MayTake(a ticket.Action) bool {
	for _, k := range actions[p.Role] {
		if k == a {
			return true
		}
	}
	return false
}

// Sees reports whether p may see t: everyone with ViewTickets sees all tickets, except
// department roles, who see tickets their subtree holds, sub-dispatched, or co-handles.
func (p Principal) Sees(t *ticket.Ticket) bool {
	if p.Role == Citizen {
		return p.Phone != "" && t.Phone == p.Phone
	}
	if !p.Has(ViewTickets) {
		return false
	}
	if !p.Role.DepartmentScoped() {
		return true
	}
	if p.Departments[t.DepartmentID] || p.Departments[t.ParentDepartmentID] {
		return true
	}
	for _, d := range t.CoDepartmentIDs {
		if p.Departments[d] {
			return true
		}
	}
	return false
}

// MayAct reports whether p may take action a on t: the role allows it, p sees the ticket,
// and for department actions, p's subtree holds the ticket (co-handlers may only comment).
func (p Principal) MayAct(a ticket.Action, t *ticket.Ticket) bool {
	if !p.MayTake(a) || !p.Sees(t) {
		return false
	}
	if p.Role == Citizen {
		return citizenMayAct(a, t)
	}
	if !p.Role.DepartmentScoped() || a == ticket.ActComment {
		return true
	}
	return p.Departments[t.DepartmentID]
}

// citizenMayAct: photos only while the ticket is young (not yet accepted by a department),
// so nothing lands on a ticket a handler is already working; the rating whenever the
// lifecycle asks for the callback.
func citizenMayAct(a ticket.Action, t *ticket.Ticket) bool {
	if a == ticket.ActComment {
		return t.State == ticket.Registered || t.State == ticket.Dispatched
	}
	return true
}

// ActionsOn lists the actions p may take on t as it stands: allowed by the lifecycle and by p.
func (p Principal) ActionsOn(t *ticket.Ticket) []ticket.Action {
	var out []ticket.Action
	for _, a := range ticket.Allowed(t) {
		if p.MayAct(a, t) {
			out = append(out, a)
		}
	}
	return out
}

// MaySetAgentState reports whether p may set the state (示闲/示忙/签出) of the seat ext: an
// agent only their own extension, a monitor (班长) or an administrator any seat.
func (p Principal) MaySetAgentState(ext string) bool {
	switch p.Role {
	case Monitor, Admin:
		return ext != ""
	case Agent:
		return ext != "" && ext == p.AgentExt
	}
	return false
}

// ShowPhone returns the phone as p may see it: whole, or masked as 138****1234.
func (p Principal) ShowPhone(phone string) string {
	if p.Has(SeePhones) || p.PhoneGrant {
		return phone
	}
	return MaskPhone(phone)
}

// MaskPhone keeps the first three and last four digits (脱敏): 13812341234 → 138****1234.
func MaskPhone(phone string) string {
	n := len(phone)
	switch {
	case n == 0:
		return ""
	case n <= 4:
		return strings.Repeat("*", n)
	case n <= 7:
		return phone[:1] + strings.Repeat("*", n-3) + phone[n-2:]
	}
	return phone[:3] + strings.Repeat("*", n-7) + phone[n-4:]
}
