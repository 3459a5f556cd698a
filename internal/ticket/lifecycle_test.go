package ticket

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)

func newTicket() *Ticket {
	return &Ticket{ID: "t1", Number: "2026112100001", State: Registered, RequestType: Complaint, Urgency: Normal, Version: 1}
}

// step applies cmd and fails the test on error.
func step(t *testing.T, tk *Ticket, cmd Command) Event {
	t.Helper()
	ev, err := Apply(tk, cmd, t0)
	if err != nil {
		t.Fatalf("%s in %s: %v", cmd.Action, tk.State, err)
	}
	return ev
}

func TestPaths(t *testing.T) {
	type s = Command
	paths := []struct {
		name  string
		steps []Command
		want  State
	}{
		{"answered on the spot", []s{{Action: ActCloseOnSpot, Note: "已解答"}}, Closed},
		{"full happy path", []s{{Action: ActDispatch, DepartmentID: "d1"}, {Action: ActAccept}, {Action: ActReply, Note: "已处理"},
			{Action: ActApproveReply}, {Action: ActCallback, Satisfaction: Satisfied}}, Closed},
		{"return approved then re-dispatched", []s{{Action: ActDispatch, DepartmentID: "d1"}, {Action: ActReturn, Note: "非本单位职责"},
			{Action: ActApproveReturn}, {Action: ActDispatch, DepartmentID: "d2"}}, Dispatched},
		{"return rejected", []s{{Action: ActDispatch, DepartmentID: "d1"}, {Action: ActReturn, Note: "x"}, {Action: ActRejectReturn, Note: "属于职责"}}, Dispatched},
		{"sub-dispatch and return to parent", []s{{Action: ActDispatch, DepartmentID: "d1"}, {Action: ActAccept},
			{Action: ActSubDispatch, DepartmentID: "d1a"}, {Action: ActReturn, Note: "辖区不符"}}, Processing},
		{"review rejected", []s{{Action: ActDispatch, DepartmentID: "d1"}, {Action: ActAccept}, {Action: ActReply, Note: "r"},
			{Action: ActRejectReply, Note: "答复不完整"}}, Processing},
		{"unsatisfied reopens", []s{{Action: ActDispatch, DepartmentID: "d1"}, {Action: ActAccept}, {Action: ActReply, Note: "r"},
			{Action: ActApproveReply}, {Action: ActCallback, Satisfaction: Unsatisfied, Note: "没解决"}}, Processing},
		{"closed without callback", []s{{Action: ActDispatch, DepartmentID: "d1"}, {Action: ActAccept}, {Action: ActReply, Note: "r"},
			{Action: ActApproveReply}, {Action: ActClose}}, Closed},
		{"cancelled", []s{{Action: ActCancel, Note: "骚扰电话"}}, Cancelled},
		{"merged", []s{{Action: ActMerge, MainNumber: "2026112100009"}}, Merged},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			tk := newTicket()
			for i, c := range p.steps {
				ev := step(t, tk, c)
				if ev.ToState != tk.State || ev.Action != c.Action {
					t.Fatalf("event %d does not record the step: %+v", i, ev)
				}
			}
			if tk.State != p.want {
				t.Fatalf("ended in %s, want %s", tk.State, p.want)
			}
			if tk.Version != 1+len(p.steps) {
				t.Fatalf("version %d after %d steps", tk.Version, len(p.steps))
			}
		})
	}
}

func TestSubDispatchReturnGoesToParent(t *testing.T) {
	tk := newTicket()
	step(t, tk, Command{Action: ActDispatch, DepartmentID: "district"})
	step(t, tk, Command{Action: ActAccept, Actor: "u1"})
	step(t, tk, Command{Action: ActSubDispatch, DepartmentID: "street"})
	if tk.DepartmentID != "street" || tk.ParentDepartmentID != "district" || tk.State != Dispatched {
		t.Fatalf("after sub-dispatch: %+v", tk)
	}
	step(t, tk, Command{Action: ActReturn, Note: "不属本街道"})
	if tk.DepartmentID != "district" || tk.ParentDepartmentID != "" || tk.State != Processing {
		t.Fatalf("return from sub-unit must go back to the district: %+v", tk)
	}
}

func TestExtension(t *testing.T) {
	tk := newTicket()
	step(t, tk, Command{Action: ActDispatch, DepartmentID: "d1"})
	step(t, tk, Command{Action: ActAccept})
	deadline := t0.AddDate(0, 0, 15)
	tk.HandleDeadline = &deadline
	step(t, tk, Command{Action: ActRequestExtension, Days: 5, Note: "需协调施工单位"})
	if _, err := Apply(tk, Command{Action: ActRequestExtension, Days: 3, Note: "again"}, t0); err == nil {
		t.Fatal("a second extension request while one is pending was accepted")
	}
	step(t, tk, Command{Action: ActApproveExtension})
	if tk.PendingExtension != nil || !tk.HandleDeadline.Equal(deadline.AddDate(0, 0, 5)) {
		t.Fatalf("approved extension: deadline %v pending %v", tk.HandleDeadline, tk.PendingExtension)
	}
	step(t, tk, Command{Action: ActRequestExtension, Days: 2, Note: "again"})
	step(t, tk, Command{Action: ActRefuseExtension, Note: "理由不充分"})
	if !tk.HandleDeadline.Equal(deadline.AddDate(0, 0, 5)) {
		t.Fatal("refused extension moved the deadline")
	}
}

func TestIllegalTransitionsListAllowed(t *testing.T) {
	tk := newTicket()
	_, err := Apply(tk, Command{Action: ActAccept}, t0)
	var ill *IllegalError
	if !errors.As(err, &ill) {
		t.Fatalf("accept on a registered ticket: got %v, want IllegalError", err)
	}
	want := []Action{ActCloseOnSpot, ActDispatch, ActSupervise, ActMerge, ActCancel, ActComment}
	if !reflect.DeepEqual(ill.Allowed, want) {
		t.Fatalf("allowed %v, want %v", ill.Allowed, want)
	}
	if tk.State != Registered || tk.Version != 1 {
		t.Fatal("a refused action changed the ticket")
	}
}

// Every action is refused in every state not listed for it, and never changes the ticket.
func TestEveryActionInEveryState(t *testing.T) {
	for _, a := range append(Actions, ActAbsorb) {
		for _, st := range States {
			tk := newTicket()
			tk.State = st
			before := *tk
			_, err := Apply(tk, fullCommand(a), t0)
			legal := false
			for _, s := range from[a] {
				legal = legal || s == st
			}
			if a == ActApproveExtension || a == ActRefuseExtension || a == ActResume {
				legal = false // no extension pending, not suspended
			}
			if legal && err != nil {
				t.Errorf("%s in %s refused: %v", a, st, err)
			}
			if !legal {
				var ill *IllegalError
				if !errors.As(err, &ill) {
					t.Errorf("%s in %s: got %v, want IllegalError", a, st, err)
				}
				if !reflect.DeepEqual(*tk, before) {
					t.Errorf("%s in %s changed the ticket", a, st)
				}
			}
		}
	}
}

func fullCommand(a Action) Command {
	return Command{Action: a, Note: "n", DepartmentID: "d9", Days: 3, Satisfaction: Satisfied, MainNumber: "2026112100002"}
}

func TestInputRequired(t *testing.T) {
	cases := []struct {
		state State
		cmd   Command
		field string
	}{
		{Registered, Command{Action: ActDispatch}, "department_id"},
		{Dispatched, Command{Action: ActReturn, Note: "  "}, "note"},
		{Registered, Command{Action: ActCloseOnSpot}, "note"},
		{Processing, Command{Action: ActReply}, "note"},
		{Processing, Command{Action: ActRequestExtension, Days: 0, Note: "x"}, "days"},
		{Processing, Command{Action: ActRequestExtension, Days: 91, Note: "x"}, "days"},
		{Processing, Command{Action: ActRequestExtension, Days: 3}, "note"},
		{Callback, Command{Action: ActCallback, Satisfaction: "great"}, "satisfaction"},
		{Callback, Command{Action: ActCallback, Satisfaction: Unsatisfied}, "note"},
		{Registered, Command{Action: ActMerge}, "main_number"},
		{Registered, Command{Action: ActMerge, MainNumber: "2026112100001"}, "main_number"},
		{Registered, Command{Action: ActCancel}, "note"},
		{Processing, Command{Action: ActSuspend, Note: " "}, "note"},
		{Processing, Command{Action: ActSubDispatch, DepartmentID: "d1"}, "department_id"},
		{Processing, Command{Action: ActRequestCoHandling, DepartmentID: "d1"}, "department_id"},
	}
	for _, c := range cases {
		tk := newTicket()
		tk.State, tk.DepartmentID = c.state, "d1"
		_, err := Apply(tk, c.cmd, t0)
		var in *InputError
		if !errors.As(err, &in) || in.Field != c.field {
			t.Errorf("%s in %s: got %v, want an input error on %s", c.cmd.Action, c.state, err, c.field)
		}
		if tk.Version != 1 {
			t.Errorf("%s: refused command changed the ticket", c.cmd.Action)
		}
	}
}

func TestValidateNew(t *testing.T) {
	lat, lng := 28.2, 112.9
	ok := &Ticket{Description: "小区门口夜间施工噪音扰民，影响休息", Phone: "13812341234", Lat: &lat, Lng: &lng,
		Fields: map[string]Field{"floor": {Type: FieldNumber, Value: 3.0}}}
	if err := ValidateNew(ok); err != nil {
		t.Fatalf("valid ticket refused: %v", err)
	}
	if ok.Subject == "" || ok.Channel != ChannelPhone || ok.Urgency != Normal || ok.RequestType != Complaint {
		t.Fatalf("defaults not filled: %+v", ok)
	}
	bad := &Ticket{Channel: "pigeon", Urgency: "now", RequestType: "rant", Phone: "12ab", Lat: &lat,
		Fields: map[string]Field{"when": {Type: FieldDate, Value: "yesterday"}}}
	err := ValidateNew(bad)
	fe, isFE := err.(FieldErrors)
	if !isFE {
		t.Fatalf("got %v, want FieldErrors", err)
	}
	for _, f := range []string{"subject", "channel", "urgency", "request_type", "phone", "lat", "fields.when"} {
		if fe[f] == "" {
			t.Errorf("no error on %s: %v", f, fe)
		}
	}
}

func TestNumber(t *testing.T) {
	day := time.Date(2026, 11, 21, 23, 59, 0, 0, Location)
	if got := Number(day, 1); got != "2026112100001" {
		t.Fatalf("got %s", got)
	}
	if got := Number(day, 123456); got != "20261121123456" {
		t.Fatalf("past 99999 the sequence keeps its digits: got %s", got)
	}
}

func TestSuspendResume(t *testing.T) {
	tk := newTicket()
	step(t, tk, Command{Action: ActDispatch, DepartmentID: "d1"})
	if _, err := Apply(tk, Command{Action: ActSuspend, Note: "x"}, t0); err == nil {
		t.Fatal("a ticket not yet signed for was suspended")
	}
	step(t, tk, Command{Action: ActAccept})
	ev := step(t, tk, Command{Action: ActSuspend, Note: "等待市民补充房产证明"})
	if !tk.Suspended || tk.SuspendedAt == nil || !tk.SuspendedAt.Equal(t0) || tk.SuspendReason != "等待市民补充房产证明" ||
		tk.State != Processing || ev.DepartmentID != "d1" {
		t.Fatalf("after suspend: %+v / %+v", tk, ev)
	}
	// While suspended only resume, urge, supervise and comment apply; reply is refused with why.
	want := []Action{ActResume, ActUrge, ActSupervise, ActComment}
	if got := Allowed(tk); !reflect.DeepEqual(got, want) {
		t.Fatalf("allowed while suspended %v, want %v", got, want)
	}
	_, err := Apply(tk, Command{Action: ActReply, Note: "已处理"}, t0)
	var ill *IllegalError
	if !errors.As(err, &ill) || !reflect.DeepEqual(ill.Allowed, want) || !strings.Contains(ill.Reason, "suspended") {
		t.Fatalf("reply while suspended: %v", err)
	}
	before := *tk
	for _, a := range Actions {
		if oneOf(a, want) {
			continue
		}
		if _, err := Apply(tk, fullCommand(a), t0); !errors.As(err, &ill) {
			t.Errorf("%s while suspended: got %v, want IllegalError", a, err)
		}
	}
	if !reflect.DeepEqual(*tk, before) {
		t.Fatal("a refused action changed the suspended ticket")
	}
	step(t, tk, Command{Action: ActUrge, Note: "请尽快"})
	step(t, tk, Command{Action: ActSupervise})
	step(t, tk, Command{Action: ActComment, Note: "已电话联系市民"})
	if !tk.Suspended || tk.UrgeCount != 1 || !tk.Supervised {
		t.Fatalf("urge/supervise while suspended: %+v", tk)
	}
	later := t0.Add(3 * time.Hour)
	ev, err = Apply(tk, Command{Action: ActResume, Note: "材料已收到"}, later)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Suspended || tk.SuspendedAt != nil || tk.SuspendReason != "" || ev.Data["suspended_at"] != t0.Format(time.RFC3339) ||
		ev.Data["reason"] != "等待市民补充房产证明" {
		t.Fatalf("after resume: %+v / %+v", tk, ev)
	}
	_, err = Apply(tk, Command{Action: ActResume}, later)
	if !errors.As(err, &ill) || ill.Reason != "the ticket is not suspended" || oneOf(ActResume, ill.Allowed) {
		t.Fatalf("resume when not suspended: %v", err)
	}
	step(t, tk, Command{Action: ActReply, Note: "已处理"})
}

func TestSuspendDeniedByPolicy(t *testing.T) {
	tk := newTicket()
	tk.State, tk.DepartmentID, tk.PauseDenied = Processing, "d1", true
	if oneOf(ActSuspend, Allowed(tk)) {
		t.Fatal("suspend offered on a ticket whose policy denies pausing")
	}
	_, err := Apply(tk, Command{Action: ActSuspend, Note: "等待材料"}, t0)
	var ill *IllegalError
	if !errors.As(err, &ill) || !strings.Contains(ill.Reason, "policy") || tk.Suspended || tk.Version != 1 {
		t.Fatalf("suspend under a denying policy: %v, ticket %+v", err, tk)
	}
	if !strings.Contains(err.Error(), "policy") {
		t.Fatalf("the message does not say why: %v", err)
	}
}

func TestTimersAndSuspension(t *testing.T) {
	tk := newTicket()
	step(t, tk, Command{Action: ActDispatch, DepartmentID: "d1"})
	ev, ok := ApplyTimer(tk, TimerSignOverdue, t0, t0)
	if !ok || ev.Action != ActSignOverdue || !tk.SignOverdue || tk.Overdue || ev.Data["deadline"] != "sign" || ev.Actor != SystemActor {
		t.Fatalf("sign-for overdue: %v %+v, ticket sign_overdue=%v overdue=%v", ok, ev, tk.SignOverdue, tk.Overdue)
	}
	step(t, tk, Command{Action: ActAccept})
	if !tk.SignOverdue {
		t.Fatal("accepting late forgot that the sign-for deadline passed")
	}
	if _, ok := ApplyTimer(tk, TimerSignOverdue, t0, t0); ok {
		t.Fatal("a sign-for timer fired on an accepted ticket")
	}
	step(t, tk, Command{Action: ActSuspend, Note: "等待材料"})
	for _, k := range HandlingTimers {
		tk.Overdue = k == TimerSupervise
		if _, ok := ApplyTimer(tk, k, t0, t0); ok {
			t.Errorf("%s fired on a suspended ticket", k)
		}
	}
	tk.Overdue = false
	step(t, tk, Command{Action: ActResume})
	if ev, ok := ApplyTimer(tk, TimerOverdue, t0, t0); !ok || ev.Action != ActMarkOverdue || !tk.Overdue {
		t.Fatalf("overdue after resume: %v %+v", ok, ev)
	}
	// A new dispatch starts a new sign-for clock.
	tk2 := newTicket()
	step(t, tk2, Command{Action: ActDispatch, DepartmentID: "d1"})
	ApplyTimer(tk2, TimerSignOverdue, t0, t0)
	step(t, tk2, Command{Action: ActReturn, Note: "非本单位职责"})
	step(t, tk2, Command{Action: ActApproveReturn})
	if tk2.SignOverdue {
		t.Fatal("approved return kept the old department's sign-for flag")
	}
}
