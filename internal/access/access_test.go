package access

import (
	"testing"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// TestRoleActionTable pins every role × action decision. A change to the rules must change
// this table on purpose.
func TestRoleActionTable(t *testing.T) {
	// Columns follow ticket.Actions.
	table := map[Role]string{
		//           close_on_spot dispatch return approve_return reject_return accept sub_dispatch request_cohandling
		//           request_extension approve_extension refuse_extension | suspend resume |
		//           reply approve_reply reject_reply callback close urge supervise merge cancel | comment
		Agent:      "11000000000" + "00" + "000001000" + "1",
		Monitor:    "11000000000" + "00" + "000001000" + "1",
		Dispatcher: "11011000011" + "01" + "011111111" + "1",
		Handler:    "00100111100" + "11" + "100000000" + "1",
		DeptAdmin:  "00100111100" + "11" + "100000000" + "1",
		Leader:     "00000000000" + "00" + "000001100" + "1",
		Admin:      "11111111111" + "11" + "111111111" + "1",
		Citizen:    "00000000000" + "00" + "000100000" + "1",
	}
	if len(ticket.Actions) != 23 {
		t.Fatalf("ticket.Actions has %d actions; extend this table", len(ticket.Actions))
	}
	for role, row := range table {
		for i, a := range ticket.Actions {
			want := row[i] == '1'
			if got := (Principal{Role: role}).MayTake(a); got != want {
				t.Errorf("%s may take %s: got %v, want %v", role, a, got, want)
			}
		}
	}
}

func TestPermTable(t *testing.T) {
	all := []Perm{CreateTicket, ViewTickets, ViewCitizens, EditCitizens, SeePhones, ManageOrg, ManageUsers,
		ManageDeptUser, ManageAPIKeys, ViewAudit, ImportTickets, ViewStats, ViewOutbox, ManageOutbox, ManageCalendar, ManageTimeLimits, SubmitRequest, ManageDictionary}
	// Columns follow all; the outbox shows citizens' numbers, so only roles that see phones view it.
	table := map[Role]string{
		Agent:      "111110000000" + "000" + "0" + "0" + "0",
		Monitor:    "111110000001" + "100" + "0" + "0" + "0",
		Dispatcher: "111110000001" + "000" + "0" + "0" + "0",
		Handler:    "010000000000" + "000" + "0" + "0" + "0",
		DeptAdmin:  "010000010001" + "000" + "0" + "0" + "0",
		Leader:     "011010000101" + "100" + "0" + "0" + "0",
		Admin:      "111111111111" + "111" + "1" + "0" + "1",
		Citizen:    "000000000000" + "000" + "0" + "1" + "0",
	}
	for role, row := range table {
		for i, p := range all {
			if got := (Principal{Role: role}).Has(p); got != (row[i] == '1') {
				t.Errorf("%s has %s: got %v", role, p, got)
			}
		}
	}
}

// TestCitizen pins the portal citizen's rights: register through the portal only, see the
// tickets of the phone they proved, add photos while the ticket is young, rate at callback.
func TestCitizen(t *testing.T) {
	c := Principal{Role: Citizen, Phone: "13812341234"}
	if !c.MayRegister(ticket.ChannelPortal) || c.MayRegister(ticket.ChannelPhone) || c.MayRegister("") {
		t.Error("a citizen registers through the portal and nowhere else")
	}
	if !(Principal{Role: Agent}).MayRegister(ticket.ChannelPhone) || (Principal{Role: Leader}).MayRegister(ticket.ChannelPortal) {
		t.Error("staff registration follows CreateTicket")
	}
	own := &ticket.Ticket{State: ticket.Registered, Phone: "13812341234"}
	other := &ticket.Ticket{State: ticket.Registered, Phone: "13900001111"}
	if !c.Sees(own) || c.Sees(other) || (Principal{Role: Citizen}).Sees(&ticket.Ticket{}) {
		t.Error("a citizen sees exactly the tickets of their phone")
	}
	if c.MayAct(ticket.ActComment, other) || c.MayAct(ticket.ActCallback, other) {
		t.Error("a citizen acts on someone else's ticket")
	}
	for st, want := range map[ticket.State]bool{ticket.Registered: true, ticket.Dispatched: true,
		ticket.Processing: false, ticket.Callback: false, ticket.Closed: false} {
		own.State = st
		if got := c.MayAct(ticket.ActComment, own); got != want {
			t.Errorf("citizen adds photos in %s: got %v, want %v", st, got, want)
		}
	}
	own.State = ticket.Callback
	if !c.MayAct(ticket.ActCallback, own) || c.MayAct(ticket.ActDispatch, own) {
		t.Error("a citizen rates at callback and does nothing the centre does")
	}
	if got := c.ActionsOn(own); len(got) != 1 || got[0] != ticket.ActCallback {
		t.Errorf("citizen's actions at callback: %v", got)
	}
	if c.Has(ViewTickets) || c.Has(CreateTicket) || c.Has(SeePhones) {
		t.Error("a citizen holds a staff permission")
	}
}

func TestDepartmentScope(t *testing.T) {
	h := Principal{Role: Handler, DepartmentID: "district", Departments: map[string]bool{"district": true, "street": true}}
	own := &ticket.Ticket{State: ticket.Dispatched, DepartmentID: "street"}
	other := &ticket.Ticket{State: ticket.Dispatched, DepartmentID: "water"}
	cohandled := &ticket.Ticket{State: ticket.Processing, DepartmentID: "water", CoDepartmentIDs: []string{"district"}}
	subbed := &ticket.Ticket{State: ticket.Dispatched, DepartmentID: "elsewhere", ParentDepartmentID: "district"}
	if !h.Sees(own) || !h.MayAct(ticket.ActAccept, own) {
		t.Error("handler cannot work its subtree's ticket")
	}
	if h.Sees(other) || h.MayAct(ticket.ActAccept, other) || h.MayAct(ticket.ActComment, other) {
		t.Error("handler sees or touches another department's ticket")
	}
	if !h.Sees(cohandled) || h.MayAct(ticket.ActReply, cohandled) || !h.MayAct(ticket.ActComment, cohandled) {
		t.Error("a co-handler sees and comments but does not reply for the holder")
	}
	if !h.Sees(subbed) {
		t.Error("a unit must follow what it sub-dispatched")
	}
	d := Principal{Role: Dispatcher}
	if !d.Sees(other) || !d.MayAct(ticket.ActUrge, other) {
		t.Error("the centre sees every ticket")
	}
}

func TestMasking(t *testing.T) {
	cases := map[string]string{"13812341234": "138****1234", "02788881234": "027****1234", "12345": "1**45", "110": "***", "": ""}
	for in, want := range cases {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	h := Principal{Role: Handler}
	if h.ShowPhone("13812341234") != "138****1234" {
		t.Error("department role sees a full phone")
	}
	h.PhoneGrant = true
	if h.ShowPhone("13812341234") != "13812341234" {
		t.Error("granted department user sees a masked phone")
	}
	if (Principal{Role: Agent}).ShowPhone("13812341234") != "13812341234" {
		t.Error("agent needs the full phone to call back")
	}
}

// A department suspends and resumes only the tickets it holds; the centre resumes any.
func TestSuspendScope(t *testing.T) {
	h := Principal{Role: Handler, DepartmentID: "water", Departments: map[string]bool{"water": true}}
	own := &ticket.Ticket{State: ticket.Processing, DepartmentID: "water"}
	cohandled := &ticket.Ticket{State: ticket.Processing, DepartmentID: "gas", CoDepartmentIDs: []string{"water"}}
	if !h.MayAct(ticket.ActSuspend, own) || h.MayAct(ticket.ActSuspend, cohandled) {
		t.Error("a handler suspends its own ticket and not one it only co-handles")
	}
	suspended := &ticket.Ticket{State: ticket.Processing, DepartmentID: "gas", Suspended: true}
	d := Principal{Role: Dispatcher}
	if got := d.ActionsOn(suspended); len(got) != 4 || got[0] != ticket.ActResume {
		t.Errorf("the centre on a suspended ticket may %v, want resume, urge, supervise, comment", got)
	}
	if d.MayAct(ticket.ActSuspend, own) {
		t.Error("the centre does not suspend for the department")
	}
}

// TestAgentStateTable pins who may set a seat's state: an agent their own extension only, a
// monitor and an administrator any, everyone else none; an agent without an extension none.
func TestAgentStateTable(t *testing.T) {
	for _, c := range []struct {
		role      Role
		own, seat string
		want      bool
	}{
		{Agent, "1001", "1001", true},
		{Agent, "1001", "1002", false},
		{Agent, "", "1002", false},
		{Agent, "", "", false},
		{Monitor, "", "1002", true},
		{Monitor, "1001", "1002", true},
		{Admin, "", "1002", true},
		{Monitor, "", "", false},
		{Dispatcher, "1003", "1003", false},
		{Leader, "", "1002", false},
		{Handler, "", "1002", false},
		{DeptAdmin, "", "1002", false},
		{Citizen, "1001", "1001", false},
	} {
		p := Principal{Role: c.role, AgentExt: c.own}
		if got := p.MaySetAgentState(c.seat); got != c.want {
			t.Errorf("%s with extension %q sets %q: got %v, want %v", c.role, c.own, c.seat, got, c.want)
		}
	}
}
