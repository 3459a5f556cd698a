// Package demo loads a believable city into an empty database (hotline demo, serve --demo):
// A市 with five districts, their streets and communities, the city's bureaus, district
// governments, street offices and utilities mapped to the real category tree, one user per
// role, and a few hundred tickets built from real citizen messages, each taken through the
// lifecycle by the work-order service so its history is the one the product would record.
// Everything is drawn from a fixed seed: two loads give the same city and the same tickets.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// ErrNotEmpty is returned when the database already holds tickets or users.
var ErrNotEmpty = errors.New("the database is not empty: demo data loads only into an empty database")

// User is a demo login.
type User struct {
	Username, Password, Role, Dept, Name string
}

// Users are the demo logins, one per role, documented in the README. The handler and the
// department admin work in 市城管局, which holds many of the demo tickets.
var Users = []User{
	{"admin", "admin12345", string(access.Admin), "", "系统管理员"},
	{"agent", "agent12345", string(access.Agent), "rxzx", "话务员 李娜"},
	{"monitor", "monitor12345", string(access.Monitor), "rxzx", "班长 王芳"},
	{"dispatcher", "dispatcher12345", string(access.Dispatcher), "rxzx", "派单员 张伟"},
	{"handler", "handler12345", string(access.Handler), "cgj", "市城管局 承办人 刘洋"},
	{"dept_admin", "deptadmin12345", string(access.DeptAdmin), "cgj", "市城管局 部门管理员 陈静"},
	{"leader", "leader12345", string(access.Leader), "", "分管领导 赵强"},
}

// AgentExts links the call-centre demo logins to the demo agent extensions (坐席分机) that
// `hotline serve --demo` creates (storeports.SeedDemo): the agent desk of "agent" drives 1001.
var AgentExts = map[string]string{"agent": "1001", "monitor": "1002"}

// HandlerPassword is the password of the extra handler accounts (handler_<dept code>) the
// demo makes for every unit its tickets reach.
const HandlerPassword = "handler12345"

// Result is what Load wrote.
type Result struct {
	Departments, Regions, Categories, Users, Tickets, Events int
	Articles                                                 int // published knowledge articles (知识库)
	States                                                   map[ticket.State]int
	Elapsed                                                  time.Duration
}

// Empty reports whether st holds no tickets, users or departments, the condition for loading.
func Empty(ctx context.Context, st *store.Store) (bool, error) {
	n, err := st.CountTickets(ctx)
	if err != nil {
		return false, err
	}
	users, err := st.Users(ctx)
	if err != nil {
		return false, err
	}
	depts, err := st.Departments(ctx)
	if err != nil {
		return false, err
	}
	return n == 0 && len(users) == 0 && len(depts) == 0, nil
}

// Options tie the demo's tickets to the server's configuration.
type Options struct {
	// Deadlines and Hooks are those of the server's work-order service (the working-time
	// clock and its timers), so demo tickets carry the deadlines and timers real ones do.
	// Zero: workorder.New's defaults.
	Deadlines workorder.DeadlinePolicy
	Hooks     []workorder.TxHook
	// Now is the instant the demo's history ends at; zero is the time of loading. Tests fix
	// it: ticket numbers carry the city's date, so two loads a few seconds apart around a
	// day's boundary would number the same tickets differently.
	Now time.Time
}

// Load writes the demo city, users and tickets into an empty store.
func Load(ctx context.Context, st *store.Store, accounts *account.Accounts, log *slog.Logger, opts ...Options) (*Result, error) {
	if log == nil {
		log = slog.Default()
	}
	start := time.Now()
	empty, err := Empty(ctx, st)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, ErrNotEmpty
	}
	o, err := LoadOrganisation(ctx, st)
	if err != nil {
		return nil, err
	}
	// Its own service: the demo moves the service's clock through the past.
	svc := workorder.New(st, "", log)
	for _, o := range opts {
		if o.Deadlines != nil {
			svc.Deadlines = o.Deadlines
		}
		svc.Hooks = append(svc.Hooks, o.Hooks...)
	}
	l := &loader{st: st, accounts: accounts, svc: svc, org: o, principals: map[string]access.Principal{}}
	for _, u := range Users {
		if err := l.addUser(ctx, u); err != nil {
			return nil, err
		}
	}
	now := time.Now()
	if len(opts) > 0 && !opts[0].Now.IsZero() {
		now = opts[0].Now
	}
	if err := l.tickets(ctx, now); err != nil {
		return nil, err
	}
	arts, err := l.articles(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{Departments: len(o.Depts), Regions: len(o.Regions), Categories: len(o.Categories),
		Users: len(l.principals), Tickets: l.count, Events: l.events, States: l.states, Articles: arts, Elapsed: time.Since(start)}
	log.Info("demo data loaded", "departments", res.Departments, "regions", res.Regions, "categories", res.Categories,
		"users", res.Users, "tickets", res.Tickets, "events", res.Events, "articles", res.Articles, "elapsed", res.Elapsed.Round(time.Millisecond))
	return res, nil
}

func (l *loader) addUser(ctx context.Context, u User) error {
	su := &store.User{Username: u.Username, DisplayName: u.Name, Role: u.Role, AgentExt: AgentExts[u.Username]}
	if u.Dept != "" {
		d, ok := l.org.Depts[u.Dept]
		if !ok {
			return fmt.Errorf("demo user %s: no department %s", u.Username, u.Dept)
		}
		su.DepartmentID = d.ID
	}
	if u.Password == HandlerPassword && l.handlerHash != "" {
		// The extra handlers share one password: hashing it again for each (argon2id, on
		// purpose slow) would be most of the demo's load time, so they share its hash too.
		su.PasswordHash = l.handlerHash
		err := l.st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SaveUser(ctx, su); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEntry{Actor: "demo", Action: "user.create", ObjectType: "user",
				ObjectID: su.Username, Detail: "role " + su.Role})
		})
		if err != nil {
			return fmt.Errorf("demo user %s: %w", u.Username, err)
		}
	} else if err := l.accounts.CreateUser(ctx, "demo", su, u.Password); err != nil {
		return fmt.Errorf("demo user %s: %w", u.Username, err)
	}
	if u.Password == HandlerPassword {
		l.handlerHash = su.PasswordHash
	}
	p, err := l.svc.PrincipalFor(ctx, su.ID, su.Username, su.Role, su.DepartmentID, false)
	if err != nil {
		return err
	}
	l.principals[u.Username] = p
	return nil
}

// principal returns the demo user's principal by username.
func (l *loader) principal(name string) access.Principal {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.principals[name]
}

// handlerFor returns a handler of the department with this id, creating handler_<code>
// the first time a ticket reaches a unit without one.
func (l *loader) handlerFor(ctx context.Context, deptID string) (access.Principal, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range l.org.Depts {
		if d.ID != deptID {
			continue
		}
		name := "handler_" + d.Code
		if d.Code == "cgj" {
			name = "handler"
		}
		if p, ok := l.principals[name]; ok {
			return p, nil
		}
		err := l.addUser(ctx, User{Username: name, Password: HandlerPassword, Role: string(access.Handler), Dept: d.Code,
			Name: d.Name + " 承办人"})
		return l.principals[name], err
	}
	return access.Principal{}, fmt.Errorf("demo: no department %s", deptID)
}
