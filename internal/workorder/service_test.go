package workorder_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

var ctx = context.Background()

type city struct {
	svc                           *workorder.Service
	agent, dispatcher             access.Principal
	district, street, water       access.Principal // handlers
	districtID, streetID, waterID string
}

func newCity(t *testing.T, st *store.Store) *city {
	t.Helper()
	depts := []*org.Department{
		{ID: "centre", Code: "C", Name: "热线中心", Kind: org.KindCentre},
		{ID: "a1", Code: "A1", Name: "A1区人民政府", ParentID: "centre", Kind: org.KindDistrict},
		{ID: "a1s1", Code: "A1S1", Name: "A1区东风街道", ParentID: "a1", Kind: org.KindStreet},
		{ID: "water", Code: "W", Name: "市水务集团", ParentID: "centre", Kind: org.KindCompany},
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, d := range depts {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	svc := workorder.New(st, t.TempDir(), nil)
	p := func(role access.Role, dept string) access.Principal {
		pr, err := svc.PrincipalFor(ctx, "u-"+string(role)+dept, string(role)+dept, string(role), dept, false)
		if err != nil {
			t.Fatal(err)
		}
		return pr
	}
	return &city{svc: svc, agent: p(access.Agent, ""), dispatcher: p(access.Dispatcher, ""),
		district: p(access.Handler, "a1"), street: p(access.Handler, "a1s1"), water: p(access.Handler, "water"),
		districtID: "a1", streetID: "a1s1", waterID: "water"}
}

func TestService(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("scope, masking and sub-dispatch", func(t *testing.T) { testScope(t, newCity(t, b.Open(t))) })
			t.Run("merge keeps both histories", func(t *testing.T) { testMerge(t, newCity(t, b.Open(t))) })
			t.Run("bad input changes nothing", func(t *testing.T) { testBadInput(t, newCity(t, b.Open(t))) })
			t.Run("suspend and resume under the calendar-day policy", func(t *testing.T) { testCalendarPause(t, newCity(t, b.Open(t))) })
		})
	}
}

func register(t *testing.T, c *city, subject string) *ticket.Ticket {
	t.Helper()
	tk, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: subject, Description: subject + "，请处理", Phone: "13812341234"}, "")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func act(t *testing.T, c *city, p access.Principal, number string, cmd ticket.Command) *ticket.Ticket {
	t.Helper()
	tk, _, err := c.svc.Act(ctx, p, number, cmd)
	if err != nil {
		t.Fatalf("%s by %s: %v", cmd.Action, p.Username, err)
	}
	return tk
}

func testScope(t *testing.T, c *city) {
	tk := register(t, c, "东风路井盖缺失")
	if tk.Number == "" || tk.CitizenID == "" || tk.State != ticket.Registered {
		t.Fatalf("registered: %+v", tk)
	}
	before := time.Now()
	tk = act(t, c, c.dispatcher, tk.Number, ticket.Command{Action: ticket.ActDispatch, DepartmentID: c.districtID})
	if tk.SignDeadline == nil || tk.HandleDeadline == nil || !tk.HandleDeadline.After(before.AddDate(0, 0, 14)) {
		t.Fatalf("dispatch set no deadlines: %+v", tk)
	}
	// Another department neither sees nor touches it, and cannot learn it exists.
	if _, err := c.svc.Get(ctx, c.water, tk.Number); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("water sees the district's ticket: %v", err)
	}
	if _, _, err := c.svc.Act(ctx, c.water, tk.Number, ticket.Command{Action: ticket.ActAccept}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("water accepted the district's ticket: %v", err)
	}
	page, _ := c.svc.List(ctx, c.water, store.TicketFilter{})
	if len(page.Tickets) != 0 {
		t.Fatal("water lists the district's ticket")
	}
	// The street is below the district but the ticket is the district's: it cannot see it yet.
	if _, err := c.svc.Get(ctx, c.street, tk.Number); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("street sees the district's ticket: %v", err)
	}
	got, err := c.svc.Get(ctx, c.district, tk.Number)
	if err != nil || got.Phone != "138****1234" {
		t.Fatalf("district view: %v phone %q", err, got.Phone)
	}
	if g, _ := c.svc.Get(ctx, c.agent, tk.Number); g.Phone != "13812341234" {
		t.Fatal("the agent needs the whole phone number")
	}
	// A handler may not take centre actions, and is told what it may do.
	_, _, err = c.svc.Act(ctx, c.district, tk.Number, ticket.Command{Action: ticket.ActApproveReply})
	var fa *workorder.ForbiddenActionError
	if !errors.As(err, &fa) || len(fa.Allowed) == 0 || fa.Allowed[0] != ticket.ActReturn {
		t.Fatalf("forbidden action: %v %+v", err, fa)
	}
	act(t, c, c.district, tk.Number, ticket.Command{Action: ticket.ActAccept})
	if _, _, err := c.svc.Act(ctx, c.district, tk.Number, ticket.Command{Action: ticket.ActSubDispatch, DepartmentID: c.waterID}); err == nil {
		t.Fatal("sub-dispatch to a unit outside the district was accepted")
	}
	act(t, c, c.district, tk.Number, ticket.Command{Action: ticket.ActSubDispatch, DepartmentID: c.streetID})
	act(t, c, c.street, tk.Number, ticket.Command{Action: ticket.ActAccept})
	tk = act(t, c, c.street, tk.Number, ticket.Command{Action: ticket.ActReply, Note: "已补装井盖"})
	if tk.State != ticket.Replied {
		t.Fatal(tk.State)
	}
	// The district follows what it sub-dispatched.
	if _, err := c.svc.Get(ctx, c.district, tk.Number); err != nil {
		t.Fatalf("district lost sight of its sub-dispatched ticket: %v", err)
	}
	evs, err := c.svc.Events(ctx, c.dispatcher, tk.Number)
	if err != nil || len(evs) != 6 {
		t.Fatalf("events: %v %d", err, len(evs))
	}
}

func testMerge(t *testing.T, c *city) {
	main := register(t, c, "夜间施工噪音")
	dup := register(t, c, "夜间施工噪音（重复）")
	act(t, c, c.dispatcher, dup.Number, ticket.Command{Action: ticket.ActMerge, MainNumber: main.Number, Note: "同一工地"})
	evs, _ := c.svc.Events(ctx, c.dispatcher, main.Number)
	last := evs[len(evs)-1]
	if last.Action != ticket.ActAbsorb || last.Data["duplicate"] != dup.Number {
		t.Fatalf("main ticket does not record the merge: %+v", last)
	}
	d, _ := c.svc.Get(ctx, c.dispatcher, dup.Number)
	if d.State != ticket.Merged || d.MergedInto != main.Number {
		t.Fatalf("duplicate: %+v", d)
	}
	third := register(t, c, "第三件")
	if _, _, err := c.svc.Act(ctx, c.dispatcher, third.Number, ticket.Command{Action: ticket.ActMerge, MainNumber: dup.Number}); err == nil {
		t.Fatal("merged into a ticket that is itself merged")
	}
}

func testBadInput(t *testing.T, c *city) {
	tk := register(t, c, "路灯不亮")
	cases := []ticket.Command{
		{Action: ticket.ActDispatch},
		{Action: ticket.ActDispatch, DepartmentID: "nowhere"},
		{Action: ticket.ActAccept},
		{Action: "fly"},
	}
	for _, cmd := range cases {
		if _, _, err := c.svc.Act(ctx, c.dispatcher, tk.Number, cmd); err == nil {
			t.Errorf("%+v accepted", cmd)
		}
	}
	evs, _ := c.svc.Events(ctx, c.dispatcher, tk.Number)
	got, _ := c.svc.Get(ctx, c.dispatcher, tk.Number)
	if len(evs) != 1 || got.Version != 1 || got.State != ticket.Registered {
		t.Fatalf("refused commands changed the ticket: %d events, version %d", len(evs), got.Version)
	}
	if _, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: "x", CategoryID: "nope"}, ""); err == nil {
		t.Error("a ticket with an unknown category was registered")
	}
	if _, err := c.svc.Register(ctx, c.district, &ticket.Ticket{Subject: "x"}, ""); !errors.Is(err, workorder.ErrForbidden) {
		t.Errorf("a handler registered a ticket: %v", err)
	}
}

// A region saved through the service is used for locating at once, despite the cache.
func TestLocateSeesRegionEdits(t *testing.T) {
	st := storetest.SQLite(t)
	svc := workorder.New(st, t.TempDir(), nil)
	admin := access.Principal{UserID: "u-admin", Username: "admin", Role: access.Admin}
	if id, err := svc.Locate(ctx, 28.5, 112.5); err != nil || id != "" {
		t.Fatalf("no regions yet: %q %v", id, err)
	}
	r := &org.Region{Code: "A1", Name: "A1区", Level: org.LevelDistrict,
		Boundary: []byte(`{"type":"Polygon","coordinates":[[[112,28],[113,28],[113,29],[112,29],[112,28]]]}`)}
	if err := svc.SaveRegion(ctx, admin, r, true); err != nil {
		t.Fatal(err)
	}
	if id, err := svc.Locate(ctx, 28.5, 112.5); err != nil || id != r.ID {
		t.Fatalf("new region not located: %q %v", id, err)
	}
}

// Without the working-time clock the pause counts in calendar time, and 紧急 does not pause.
func testCalendarPause(t *testing.T, c *city) {
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	c.svc.Now = func() time.Time { return now }
	tk := register(t, c, "楼道堆放杂物")
	act(t, c, c.dispatcher, tk.Number, ticket.Command{Action: ticket.ActDispatch, DepartmentID: c.waterID})
	tk = act(t, c, c.water, tk.Number, ticket.Command{Action: ticket.ActAccept})
	due := *tk.HandleDeadline
	if tk.PauseDenied {
		t.Fatal("a normal complaint may not pause")
	}
	act(t, c, c.water, tk.Number, ticket.Command{Action: ticket.ActSuspend, Note: "等待市民提供物业联系方式"})
	now = now.Add(50 * time.Hour)
	tk, ev, err := c.svc.Act(ctx, c.water, tk.Number, ticket.Command{Action: ticket.ActResume})
	if err != nil {
		t.Fatal(err)
	}
	if !tk.HandleDeadline.Equal(due.Add(50*time.Hour)) || ev.Data["paused_seconds"] != int64(50*3600) {
		t.Fatalf("deadline %v (was %v), event %v", tk.HandleDeadline, due, ev.Data)
	}
	urgent, err := c.svc.Register(ctx, c.agent, &ticket.Ticket{Subject: "燃气泄漏", Urgency: ticket.Urgent}, "")
	if err != nil {
		t.Fatal(err)
	}
	act(t, c, c.dispatcher, urgent.Number, ticket.Command{Action: ticket.ActDispatch, DepartmentID: c.waterID})
	urgent = act(t, c, c.water, urgent.Number, ticket.Command{Action: ticket.ActAccept})
	var ill *ticket.IllegalError
	if _, _, err := c.svc.Act(ctx, c.water, urgent.Number, ticket.Command{Action: ticket.ActSuspend, Note: "等待"}); !urgent.PauseDenied || !errors.As(err, &ill) {
		t.Fatalf("urgent suspend: pause_denied %v, err %v", urgent.PauseDenied, err)
	}
}
