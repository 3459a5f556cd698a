package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// The store suite: every test runs on SQLite and, when configured, PostgreSQL.
func TestStore(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("migrations", func(t *testing.T) { testMigrations(t, b) })
			t.Run("numbers unique under concurrency", func(t *testing.T) { testNumbers(t, b.Open(t)) })
			t.Run("ticket round trip and versions", func(t *testing.T) { testTicketRoundTrip(t, b.Open(t)) })
			t.Run("failed transaction changes nothing", func(t *testing.T) { testRollback(t, b.Open(t)) })
			t.Run("a write that fails late changes nothing", func(t *testing.T) { testLateFailure(t, b.Open(t)) })
			t.Run("bulk insert keeps the suspension and sign-for columns", func(t *testing.T) { testBulkFlags(t, b.Open(t)) })
			t.Run("indexer keeps words written after it read", func(t *testing.T) { testIndexedTokens(t, b.Open(t)) })
			t.Run("list filters and cursor", func(t *testing.T) { testList(t, b.Open(t)) })
			t.Run("citizens", func(t *testing.T) { testCitizens(t, b.Open(t)) })
			t.Run("users sessions keys audit", func(t *testing.T) { testUsers(t, b.Open(t)) })
			t.Run("org trees", func(t *testing.T) { testOrg(t, b.Open(t)) })
			t.Run("write after close", func(t *testing.T) {
				st := b.Open(t)
				st.Close()
				if err := st.InTx(ctx, func(*store.Tx) error { return nil }); err == nil {
					t.Fatal("a write on a closed store succeeded")
				}
			})
		})
	}
}

var ctx = context.Background()

func testMigrations(t *testing.T, b storetest.Backend) {
	dsn := b.DSN(t)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err == nil {
		t.Fatal("an unmigrated database passed the schema check")
	}
	n, err := st.Migrate(ctx)
	if err != nil || n != st.LatestSchema() {
		t.Fatalf("migrate: applied %d, err %v", n, err)
	}
	if n, err := st.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("second migrate applied %d, err %v", n, err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	// A newer binary's migration: this binary must refuse to start on it.
	driver := "sqlite"
	if b.Name == "postgres" {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)`, st.LatestSchema()+1); err != nil {
		t.Fatal(err)
	}
	var tooNew store.ErrSchemaTooNew
	if err := st.CheckSchema(ctx); !errors.As(err, &tooNew) {
		t.Fatalf("schema check on a newer database: %v", err)
	}
	if _, err := st.Migrate(ctx); !errors.As(err, &tooNew) {
		t.Fatalf("migrate on a newer database: %v", err)
	}
}

func newTicket(subject string, at time.Time) *ticket.Ticket {
	return &ticket.Ticket{ID: store.NewID(), State: ticket.Registered, Channel: ticket.ChannelPhone,
		RequestType: ticket.Complaint, Urgency: ticket.Normal, Subject: subject, CreatedAt: at, UpdatedAt: at, Version: 1}
}

func insert(t *testing.T, st *store.Store, tk *ticket.Ticket) {
	t.Helper()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.NextTicketNumber(ctx, tk.CreatedAt)
		if err != nil {
			return err
		}
		tk.Number = n
		return tx.InsertTicket(ctx, tk, ticket.Event{Action: ticket.ActRegister, ToState: ticket.Registered, At: tk.CreatedAt})
	})
	if err != nil {
		t.Fatalf("insert: %v", err)
	}
}

func testNumbers(t *testing.T, st *store.Store) {
	// 16:30 UTC on the 21st is already the 22nd in Shanghai: numbers follow the city's day.
	late := time.Date(2026, 11, 21, 16, 30, 0, 0, time.UTC)
	const workers, each = 8, 10
	var mu sync.Mutex
	var numbers []string
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				tk := newTicket(fmt.Sprintf("w%d-%d", w, i), late)
				err := st.InTx(ctx, func(tx *store.Tx) error {
					n, err := tx.NextTicketNumber(ctx, tk.CreatedAt)
					if err != nil {
						return err
					}
					tk.Number = n
					return tx.InsertTicket(ctx, tk, ticket.Event{Action: ticket.ActRegister, ToState: ticket.Registered})
				})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				numbers = append(numbers, tk.Number)
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sort.Strings(numbers)
	for i, n := range numbers {
		if want := fmt.Sprintf("20261122%05d", i+1); n != want {
			t.Fatalf("number %d is %s, want %s (gapless, unique, Shanghai date)", i, n, want)
		}
	}
}

func testTicketRoundTrip(t *testing.T, st *store.Store) {
	at := time.Date(2026, 11, 21, 1, 2, 3, 4_000_000, time.UTC)
	lat, lng := 28.19, 112.97
	tk := newTicket("占道经营", at)
	tk.Lat, tk.Lng, tk.Phone, tk.Address = &lat, &lng, "13812341234", "A1区五一大道1号"
	tk.Fields = map[string]ticket.Field{"stall_count": {Type: ticket.FieldNumber, Value: 3.0}}
	insert(t, st, tk)
	got, err := st.TicketByNumber(ctx, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "占道经营" || *got.Lat != lat || got.Phone != tk.Phone || !got.CreatedAt.Equal(at) ||
		got.Fields["stall_count"].Value != 3.0 || got.Version != 1 || got.Suspended || got.SuspendedAt != nil ||
		got.SignOverdue || got.PauseDenied {
		t.Fatalf("round trip changed the ticket: %+v", got)
	}
	ev, err := ticket.Apply(got, ticket.Command{Action: ticket.ActDispatch, DepartmentID: "d1", Actor: "u1", Role: "dispatcher"}, at.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	deadline := at.AddDate(0, 0, 15)
	got.HandleDeadline = &deadline
	got.CoDepartmentIDs = []string{"d2"}
	since := at.Add(time.Hour)
	got.SignOverdue, got.PauseDenied = true, true
	got.Suspended, got.SuspendedAt, got.SuspendReason = true, &since, "等待市民补充照片"
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateTicket(ctx, got, &ev) }); err != nil {
		t.Fatal(err)
	}
	// A writer holding the old version must be refused.
	stale, _ := st.TicketByNumber(ctx, tk.Number)
	stale.Version = 2 // pretend it read version 1 and applied one event
	evStale := ticket.Event{Action: ticket.ActComment, ToState: stale.State, Note: "late"}
	err = st.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateTicket(ctx, stale, &evStale) })
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale update: got %v, want ErrConflict", err)
	}
	evs, err := st.TicketEvents(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Action != ticket.ActRegister || evs[1].Action != ticket.ActDispatch || evs[1].Seq != 2 ||
		evs[1].DepartmentID != "d1" || evs[1].Actor != "u1" {
		t.Fatalf("events: %+v", evs)
	}
	again, _ := st.TicketByID(ctx, tk.ID)
	if again.State != ticket.Dispatched || !again.HandleDeadline.Equal(deadline) || again.CoDepartmentIDs[0] != "d2" ||
		!again.SignOverdue || !again.PauseDenied || !again.Suspended || !again.SuspendedAt.Equal(since) ||
		again.SuspendReason != "等待市民补充照片" {
		t.Fatalf("update lost: %+v", again)
	}
	page, err := st.ListTickets(ctx, store.TicketFilter{Departments: []string{"d2"}})
	if err != nil || len(page.Tickets) != 1 {
		t.Fatalf("co-handling department cannot list the ticket: %v %d", err, len(page.Tickets))
	}
	if _, err := st.TicketByNumber(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing ticket: %v", err)
	}
}

func testRollback(t *testing.T, st *store.Store) {
	at := time.Now()
	boom := errors.New("boom")
	err := st.InTx(ctx, func(tx *store.Tx) error {
		tk := newTicket("会回滚", at)
		n, err := tx.NextTicketNumber(ctx, at)
		if err != nil {
			return err
		}
		tk.Number = n
		if err := tx.InsertTicket(ctx, tk, ticket.Event{Action: ticket.ActRegister, ToState: ticket.Registered}); err != nil {
			return err
		}
		if _, err := tx.TouchCitizen(ctx, "13900000000", "张三"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n, _ := st.CountTickets(ctx); n != 0 {
		t.Fatalf("%d tickets after rollback", n)
	}
	if _, err := st.CitizenByPhone(ctx, "13900000000"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("citizen survived the rollback")
	}
	tk := newTicket("之后", at)
	insert(t, st, tk)
	// SQLite's counter row rolls back with the registration; PostgreSQL's sequence does not
	// (that is what keeps registrations from queueing behind one row lock), leaving a gap.
	want := map[string]string{"sqlite": "00001", "postgres": "00002"}[st.Driver()]
	if tk.Number[8:] != want {
		t.Fatalf("after a rolled-back registration the next number is %s, want …%s", tk.Number, want)
	}
}

// testLateFailure: on PostgreSQL writes whose results nobody reads travel with the next
// statement or the commit, so their errors arrive late. They must still fail the
// transaction, keep its meaning (a taken number is a conflict), undo everything, and leave
// the connection fit for the next transaction.
func testLateFailure(t *testing.T, st *store.Store) {
	at := time.Now()
	register := func(tx *store.Tx, subject, number string) error {
		tk := newTicket(subject, at)
		tk.Number = number
		if err := tx.InsertTicket(ctx, tk, ticket.Event{Action: ticket.ActRegister, ToState: ticket.Registered}); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: "t", Action: "ticket.register", ObjectType: "ticket", ObjectID: number})
	}
	for i, c := range []struct {
		name string
		fn   func(tx *store.Tx) error
	}{
		{"at the commit", func(tx *store.Tx) error {
			if err := register(tx, "一", "2026112199901"); err != nil {
				return err
			}
			return register(tx, "二", "2026112199901")
		}},
		{"at the next read", func(tx *store.Tx) error {
			if err := register(tx, "一", "2026112199902"); err != nil {
				return err
			}
			if err := register(tx, "二", "2026112199902"); err != nil {
				return err
			}
			_, err := tx.TouchCitizen(ctx, "13900000001", "李四")
			return err
		}},
	} {
		err := st.InTx(ctx, c.fn)
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("%s: a taken number gave %v, want a conflict", c.name, err)
		}
		// The connection goes on: several transactions in turn reuse it.
		for j := 0; j < 3; j++ {
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				return register(tx, "之后", fmt.Sprintf("20261121988%d%d", i, j))
			}); err != nil {
				t.Fatalf("%s: next transaction: %v", c.name, err)
			}
		}
	}
	func() {
		defer func() { recover() }()
		st.InTx(ctx, func(tx *store.Tx) error {
			if err := register(tx, "会崩溃", "2026112199903"); err != nil {
				return err
			}
			if _, err := tx.TouchCitizen(ctx, "13900000002", "王五"); err != nil { // sends what waits
				return err
			}
			panic("boom")
		})
	}()
	if err := st.InTx(ctx, func(tx *store.Tx) error { return register(tx, "崩溃之后", "2026112199904") }); err != nil {
		t.Fatalf("after a panic: %v", err)
	}
	if n, _ := st.CountTickets(ctx); n != 7 {
		t.Fatalf("%d tickets, want the 7 registered after the failures", n)
	}
	for _, phone := range []string{"13900000001", "13900000002"} {
		if _, err := st.CitizenByPhone(ctx, phone); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("citizen %s survived a failed transaction", phone)
		}
	}
}

func testList(t *testing.T, st *store.Store) {
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 25; i++ {
		tk := newTicket(fmt.Sprintf("噪音扰民 %d", i), base.Add(time.Duration(i)*time.Hour))
		tk.DepartmentID = []string{"d1", "d2", "d3"}[i%3]
		tk.CategoryID = []string{"c1", "c2"}[i%2]
		tk.Phone = fmt.Sprintf("138000000%02d", i)
		if i%5 == 0 {
			tk.State = ticket.Processing
			past := base
			tk.HandleDeadline = &past
		}
		if i == 7 {
			tk.Subject = "路灯不亮 100%_done"
		}
		if i%8 == 3 {
			tk.SignOverdue = true
		}
		if i == 22 { // replied: the clock stopped, though the deadline has passed
			tk.State = ticket.Replied
			past := base
			tk.HandleDeadline = &past
		}
		if i == 11 || i == 20 { // flagged by the scheduler; 20 is also past its deadline
			tk.Overdue = true
		}
		if i%10 == 5 {
			since := base.Add(time.Duration(i) * time.Hour)
			tk.Suspended, tk.SuspendedAt, tk.SuspendReason = true, &since, "等待市民补充材料"
		}
		insert(t, st, tk)
	}
	collect := func(f store.TicketFilter) []string {
		t.Helper()
		var subjects []string
		for {
			page, err := st.ListTickets(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range page.Tickets {
				subjects = append(subjects, tk.Subject)
			}
			if page.NextCursor == "" {
				return subjects
			}
			f.Cursor = page.NextCursor
		}
	}
	all := collect(store.TicketFilter{Limit: 4})
	if len(all) != 25 || all[0] != "噪音扰民 24" || all[24] != "噪音扰民 0" {
		t.Fatalf("paging: %d items, first %q last %q", len(all), all[0], all[len(all)-1])
	}
	yes, no := true, false
	cases := []struct {
		name string
		f    store.TicketFilter
		want int
	}{
		{"department", store.TicketFilter{DepartmentID: "d2"}, 8},
		{"category", store.TicketFilter{CategoryIDs: []string{"c1"}}, 13},
		{"state", store.TicketFilter{States: []ticket.State{ticket.Processing}}, 5},
		// 0, 10 and 20 are past the deadline with the clock running, 11 and 20 flagged; 5
		// and 15 are past it too but suspended, 22 has replied.
		{"overdue: flagged, or past the deadline with the clock running", store.TicketFilter{Overdue: &yes}, 4},
		{"overdue, a page at a time", store.TicketFilter{Overdue: &yes, Limit: 2}, 4},
		{"overdue in one department", store.TicketFilter{Overdue: &yes, DepartmentID: "d3"}, 2},
		{"not overdue, with or without a deadline", store.TicketFilter{Overdue: &no}, 21},
		{"two states", store.TicketFilter{States: []ticket.State{ticket.Processing, ticket.Registered}, Limit: 3}, 24},
		{"two categories", store.TicketFilter{CategoryIDs: []string{"c1", "c2"}, Limit: 4}, 25},
		{"two categories of one state", store.TicketFilter{CategoryIDs: []string{"c1", "c2"}, States: []ticket.State{ticket.Processing}, Limit: 2}, 5},
		{"two states, digits", store.TicketFilter{States: []ticket.State{ticket.Processing, ticket.Registered}, Text: "20261101", Limit: 3}, 16},
		{"two states by deadline", store.TicketFilter{States: []ticket.State{ticket.Processing, ticket.Registered}, Sort: store.SortDeadline, Limit: 4}, 24},
		{"time range", store.TicketFilter{From: base.Add(10 * time.Hour), To: base.Add(20 * time.Hour)}, 10},
		{"phone", store.TicketFilter{Text: "13800000007"}, 1},
		{"number prefix", store.TicketFilter{Text: "20261101"}, 16}, // 16:00 UTC is the 2nd in Shanghai
		{"words", store.TicketFilter{Text: "扰民"}, 24},
		{"like wildcards are literal", store.TicketFilter{Text: "100%_"}, 1},
		{"percent alone matches literally", store.TicketFilter{Text: "%"}, 1},
		{"scope", store.TicketFilter{Departments: []string{"d1", "d3"}}, 17},
		{"sign-for overdue", store.TicketFilter{SignOverdue: &yes}, 3},
		{"signed for in time", store.TicketFilter{SignOverdue: &no}, 22},
		{"suspended", store.TicketFilter{Suspended: &yes}, 2},
		{"running", store.TicketFilter{Suspended: &no}, 23},
		{"empty scope sees nothing", store.TicketFilter{Departments: []string{}}, 0},
	}
	for _, c := range cases {
		got := collect(c.f)
		if len(got) != c.want {
			t.Errorf("%s: %d tickets, want %d", c.name, len(got), c.want)
		}
		if c.f.Sort == store.SortDeadline {
			continue
		}
		// Newest first, each once, whichever way the database reads the filter.
		pos := map[string]int{}
		for i, subj := range all {
			pos[subj] = i
		}
		for i := 1; i < len(got); i++ {
			if pos[got[i-1]] >= pos[got[i]] {
				t.Errorf("%s: %q before %q is not newest first", c.name, got[i-1], got[i])
			}
		}
	}
	if _, err := st.ListTickets(ctx, store.TicketFilter{Cursor: "!!"}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("bad cursor: %v", err)
	}
}

func testCitizens(t *testing.T, st *store.Store) {
	var id string
	for i := 0; i < 3; i++ {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.TouchCitizen(ctx, "13812341234", []string{"", "李四", "王五"}[i])
			id = c.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := st.CitizenByPhone(ctx, "13812341234")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != id || c.TicketCount != 3 || c.Name != "李四" || !c.HasTag("repeat_caller") {
		t.Fatalf("citizen: %+v", c)
	}
	c.Blacklisted, c.BlacklistReason = true, "骚扰"
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveCitizen(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	list, err := st.ListCitizens(ctx, "", true, 10)
	if err != nil || len(list) != 1 || list[0].BlacklistReason != "骚扰" {
		t.Fatalf("blacklist: %v %+v", err, list)
	}
}

func testUsers(t *testing.T, st *store.Store) {
	u := &store.User{Username: "zhang", DisplayName: "张三", PasswordHash: "h", Role: "agent"}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	dup := &store.User{Username: "zhang", PasswordHash: "h", Role: "agent"}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveUser(ctx, dup) }); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate username: %v", err)
	}
	lock := time.Now().Add(time.Hour)
	for i := 0; i < 3; i++ {
		if err := st.RecordLogin(ctx, u.ID, false, 3, lock); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := st.UserByUsername(ctx, "zhang")
	if got.FailedLogins != 3 || got.LockedUntil == nil || got.LockedUntil.UnixMilli() != lock.UnixMilli() {
		t.Fatalf("lockout not recorded: %+v", got)
	}
	if err := st.CreateSession(ctx, "tokhash", u.ID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if su, err := st.SessionUser(ctx, "tokhash", time.Now()); err != nil || su.ID != u.ID {
		t.Fatalf("session: %v", err)
	}
	// Lookups are cached; every change through the store must show at once.
	u.Disabled = true
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	if su, err := st.SessionUser(ctx, "tokhash", time.Now()); err != nil || !su.Disabled {
		t.Fatalf("a disabled user's cached session still shows the user enabled: %v", err)
	}
	if err := st.DeleteSession(ctx, "tokhash"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, "tokhash", time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a session still works after logout")
	}
	if err := st.CreateSession(ctx, "tokhash2", u.ID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, "tokhash2", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteUserSessions(ctx, u.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, "tokhash2", time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a session still works after all the user's sessions were ended")
	}
	if err := st.CreateSession(ctx, "oldhash", u.ID, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, "oldhash", time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("an expired session still works")
	}
	k := &store.APIKey{Name: "open311 portal", KeyHash: "khash", Prefix: "hlk_abcd", Role: "agent"}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveAPIKey(ctx, k) }); err != nil {
		t.Fatal(err)
	}
	if got, err := st.APIKeyByHash(ctx, "khash"); err != nil || got.Name != "open311 portal" {
		t.Fatalf("api key: %v", err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RevokeAPIKey(ctx, k.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.APIKeyByHash(ctx, "khash"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a revoked key still works")
	}
	if err := st.Audit(ctx, store.AuditEntry{Actor: "zhang", Action: "citizen.view", ObjectType: "citizen", ObjectID: "c1"}); err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(ctx, store.AuditFilter{Action: "citizen.view"})
	if err != nil || len(log) != 1 || log[0].Actor != "zhang" {
		t.Fatalf("audit: %v %+v", err, log)
	}
}

func testOrg(t *testing.T, st *store.Store) {
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, d := range []*org.Department{
			{ID: "centre", Code: "C", Name: "热线中心", Kind: org.KindCentre},
			{ID: "a1", Code: "A1", Name: "A1区", ParentID: "centre", Kind: org.KindDistrict},
			{ID: "a1s1", Code: "A1S1", Name: "A1区某街道", ParentID: "a1", Kind: org.KindStreet},
		} {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
		}
		boundary := []byte(`{"type":"Polygon","coordinates":[[[112,28],[113,28],[113,29],[112,29],[112,28]]]}`)
		if err := tx.SaveRegion(ctx, &org.Region{ID: "r1", Code: "A1", Name: "A1区", Level: org.LevelDistrict, Boundary: boundary}); err != nil {
			return err
		}
		top := &org.Category{Name: "城乡建设", Level: 1}
		if err := tx.SaveCategory(ctx, top); err != nil {
			return err
		}
		return tx.SaveCategory(ctx, &org.Category{Name: "市容环卫", Level: 2, ParentID: top.ID,
			Fields: []org.FieldDef{{Key: "stall_count", Label: "摊位数", Type: "number"}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	depts, _ := st.Departments(ctx)
	if tree := org.NewTree(depts); !tree.Within("a1s1", "centre") || len(tree.Subtree("a1")) != 2 {
		t.Fatal("department tree")
	}
	regions, _ := st.Regions(ctx)
	if org.Locate(regions, 112.5, 28.5) != "r1" || org.Locate(regions, 114, 28.5) != "" {
		t.Fatal("point in region")
	}
	cats, _ := st.Categories(ctx)
	if len(cats) != 2 || cats[1].Fields[0].Key != "stall_count" {
		t.Fatalf("categories: %+v", cats)
	}
	dup := &org.Category{Name: "城乡建设", Level: 1}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveCategory(ctx, dup) }); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate sibling category: %v", err)
	}
}

func testBulkFlags(t *testing.T, st *store.Store) {
	at := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	since := at.Add(time.Hour)
	a, b := newTicket("占道经营", at), newTicket("噪音扰民", at)
	a.Number, b.Number = "2026112190001", "2026112190002"
	a.State, a.Suspended, a.SuspendedAt, a.SuspendReason = ticket.Processing, true, &since, "等待市民补充材料"
	b.State, b.SignOverdue, b.PauseDenied = ticket.Dispatched, true, true
	evs := []ticket.Event{{ID: store.NewID(), TicketID: a.ID, Seq: 1, Action: ticket.ActRegister, ToState: ticket.Registered, At: at},
		{ID: store.NewID(), TicketID: b.ID, Seq: 1, Action: ticket.ActRegister, ToState: ticket.Registered, At: at}}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTickets(ctx, []*ticket.Ticket{a, b}, evs, nil) }); err != nil {
		t.Fatal(err)
	}
	ga, err := st.TicketByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := st.TicketByID(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !ga.Suspended || !ga.SuspendedAt.Equal(since) || ga.SuspendReason != "等待市民补充材料" || ga.SignOverdue || ga.PauseDenied {
		t.Errorf("suspended ticket read back as %+v", ga)
	}
	if gb.Suspended || gb.SuspendedAt != nil || !gb.SignOverdue || !gb.PauseDenied {
		t.Errorf("sign-overdue ticket read back as %+v", gb)
	}
}

// TestPipelinedTransactions: PostgreSQL's pipelined transactions keep what a transaction
// promises. A row lock taken by the first statement holds until the end, and a transaction
// whose function swallowed a failed statement does not report a commit. (SQLite has no
// row locks, and a failed statement there does not end its transaction.)
func TestPipelinedTransactions(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			if b.Name != "postgres" {
				t.Skip("PostgreSQL only: row locks and aborted transactions")
			}
			st := b.Open(t)
			tk := newTicket("锁", time.Now())
			insert(t, st, tk)
			err := st.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.TicketByIDForUpdate(ctx, tk.ID); err != nil {
					return err
				}
				other := make(chan error)
				go func() {
					other <- st.InTx(ctx, func(tx *store.Tx) error {
						_, err := tx.TicketByIDForUpdate(ctx, tk.ID)
						return err
					})
				}()
				if err := <-other; !errors.Is(err, store.ErrBusy) {
					return fmt.Errorf("a second transaction locking the ticket got %v, want ErrBusy", err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			at := time.Now()
			err = st.InTx(ctx, func(tx *store.Tx) error {
				for _, subject := range []string{"一", "二"} {
					d := newTicket(subject, at)
					d.Number = "2026112199911"
					_ = tx.InsertTicket(ctx, d, ticket.Event{Action: ticket.ActRegister, ToState: ticket.Registered})
				}
				_, err := tx.TouchCitizen(ctx, "13900000009", "赵六") // the taken number fails here
				if err == nil {
					return errors.New("the taken number did not fail the next statement")
				}
				return nil // and the function carries on regardless
			})
			if err == nil {
				t.Fatal("a transaction aborted by a failed statement reported a commit")
			}
			if _, err := st.TicketByNumber(ctx, "2026112199911"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a ticket of the aborted transaction is there: %v", err)
			}
		})
	}
}

// testIndexedTokens: the indexer reads pending tickets, segments them outside any
// transaction and writes their words; a ticket whose words an event rewrote in between
// keeps the newer words.
func testIndexedTokens(t *testing.T, st *store.Store) {
	at := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	a, b := newTicket("占道经营", at), newTicket("噪音扰民", at)
	a.Number, b.Number = "2026112190001", "2026112190002"
	evs := []ticket.Event{{ID: store.NewID(), TicketID: a.ID, Seq: 1, Action: ticket.ActRegister, ToState: ticket.Registered, At: at},
		{ID: store.NewID(), TicketID: b.ID, Seq: 1, Action: ticket.ActRegister, ToState: ticket.Registered, At: at}}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTickets(ctx, []*ticket.Ticket{a, b}, evs, nil) }); err != nil {
		t.Fatal(err)
	}
	if n, err := st.CountPendingIndex(ctx); err != nil || n != 2 {
		t.Fatalf("pending: %d %v, want 2", n, err)
	}
	rows, err := st.TicketsToIndex(ctx, "", "", 10)
	if err != nil || len(rows) != 2 {
		t.Fatalf("to index: %v %v", rows, err)
	}
	newer := store.TicketTokens{Subject: "噪音 扰民 newer", Dict: "v2"}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SetTicketTokens(ctx, b.ID, newer) }); err != nil {
		t.Fatal(err)
	}
	toks := make([]store.TicketTokens, len(rows))
	for i, r := range rows {
		toks[i] = store.TicketTokens{Subject: r.Subject + " stale", Dict: "v1"}
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SetIndexedTokens(ctx, rows, toks) }); err != nil {
		t.Fatal(err)
	}
	if n, err := st.CountPendingIndex(ctx); err != nil || n != 0 {
		t.Fatalf("pending after indexing: %d %v", n, err)
	}
	for id, want := range map[string]string{a.ID: "v1", b.ID: "v2"} {
		left, err := st.TicketsToIndex(ctx, want, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range left {
			if r.ID == id {
				t.Errorf("ticket %s has words of version %q, want %q", id, r.Dict, want)
			}
		}
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SetIndexedTokens(ctx, rows, toks[:1]) }); err == nil {
		t.Error("rows and token sets of different lengths were accepted")
	}
}
