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
		//           request_extension approve_extension refuse_extension reply approve_reply reject_reply callback
		//           close urge supervise merge cancel comment
		Agent:      "11000000000000001000" + "1",
		Monitor:    "11000000000000001000" + "1",
		Dispatcher: "11011000011011111111" + "1",
		Handler:    "00100111100100000000" + "1",
		DeptAdmin:  "00100111100100000000" + "1",
		Leader:     "00000000000000001100" + "1",
		Admin:      "11111111111111111111" + "1",
		Citizen:    "00000000000000000000" + "0",
	}
	if len(ticket.Actions) != 21 {
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
		ManageDeptUser, ManageAPIKeys, ViewAudit, ImportTickets, ViewStats}
	table := map[Role]string{
		Agent:      "111110000000",
		Monitor:    "111110000001",
		Dispatcher: "111110000001",
		Handler:    "010000000000",
		DeptAdmin:  "010000010001",
		Leader:     "011010000101",
		Admin:      "111111111111",
		Citizen:    "000000000000",
	}
	for role, row := range table {
		for i, p := range all {
			if got := (Principal{Role: role}).Has(p); got != (row[i] == '1') {
				t.Errorf("%s has %s: got %v", role, p, got)
			}
		}
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
