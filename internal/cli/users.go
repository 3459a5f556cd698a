package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// cliActor is the name the audit log records for changes made on the command line.
const cliActor = "cli"

const userHelp = `Usage: hotline user <subcommand> [flags]

Subcommands:
  add    create a staff account
  list   list staff accounts

Run 'hotline user <subcommand> --help' for its flags.
`

func runUser(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "user", args, map[string]func(context.Context, *env, []string) error{
		"add": runUserAdd, "list": runUserList,
	}, userHelp)
}

// deptByCode resolves a --dept code (or, failing that, a department name) to its id.
func deptByCode(ctx context.Context, st *store.Store, code string) (*org.Department, error) {
	if code == "" {
		return nil, nil
	}
	depts, err := st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	for i := range depts {
		if depts[i].Code == code || depts[i].Name == code {
			return &depts[i], nil
		}
	}
	return nil, usagef("--dept %q: no department has this code or name", code)
}

// fieldErr turns the account package's field errors into a usage error naming the flags.
func fieldErr(err error) error {
	var fe ticket.FieldErrors
	if errors.As(err, &fe) {
		msg := ""
		for _, k := range sortedKeys(fe) {
			flagName := map[string]string{"department_id": "dept"}[k]
			if flagName == "" {
				flagName = k
			}
			if msg != "" {
				msg += "; "
			}
			msg += "--" + flagName + ": " + fe[k]
		}
		return usagef("%s", msg)
	}
	return err
}

func runUserAdd(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("user add", "user add --username U --password P --role R [--dept CODE] [--name N] [flags]", `
Create a staff account. Roles: agent, monitor, dispatcher, handler, dept_admin, leader,
admin. Handlers and department admins belong to a department (--dept, by code or name).
The password is hashed with argon2id; it is at least 8 characters.`)
	var d dbFlags
	d.register(fs)
	username := fs.String("username", "", "login name (letters, digits, . _ -)")
	password := fs.String("password", "", "password, at least 8 characters (or set HOTLINE_PASSWORD)")
	role := fs.String("role", "", "role: agent, monitor, dispatcher, handler, dept_admin, leader or admin")
	dept := fs.String("dept", "", "department code (or name)")
	name := fs.String("name", "", "display name")
	phoneGrant := fs.Bool("phone-grant", false, "let a department user see full phone numbers")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *username == "" || *password == "" || *role == "" {
		return usagef("--username, --password and --role are required")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	dep, err := deptByCode(ctx, st, *dept)
	if err != nil {
		return err
	}
	u := &store.User{Username: *username, DisplayName: *name, Role: *role, PhoneGrant: *phoneGrant}
	if dep != nil {
		u.DepartmentID = dep.ID
	}
	if err := account.New(st, nil).CreateUser(ctx, cliActor, u, *password); err != nil {
		return fieldErr(err)
	}
	fmt.Fprintf(e.stdout, "created user %s (%s)\n", u.Username, u.Role)
	return nil
}

func runUserList(ctx context.Context, e *env, args []string) error {
	st, err := openForList(ctx, e, args, "user list", "user list [flags]", "List staff accounts with role, department and status.")
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := account.New(st, nil).Users(ctx)
	if err != nil {
		return err
	}
	names, err := deptNames(ctx, st)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tDEPARTMENT\tSTATUS\tCREATED")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		} else if u.LockedUntil != nil && u.LockedUntil.After(time.Now()) {
			status = "locked"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, dash(u.DisplayName), u.Role, dash(names[u.DepartmentID]),
			status, u.CreatedAt.In(ticket.Location).Format("2006-01-02 15:04"))
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%d users\n", len(users))
	return nil
}

func deptNames(ctx context.Context, st *store.Store) (map[string]string, error) {
	depts, err := st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, d := range depts {
		m[d.ID] = d.Code + " " + d.Name
	}
	return m, nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

const apikeyHelp = `Usage: hotline apikey <subcommand> [flags]

Subcommands:
  create   create an API key and print it once
  list     list API keys (their prefixes; secrets are never stored)

Run 'hotline apikey <subcommand> --help' for its flags.
`

func runAPIKey(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "apikey", args, map[string]func(context.Context, *env, []string) error{
		"create": runAPIKeyCreate, "list": runAPIKeyList,
	}, apikeyHelp)
}

func runAPIKeyCreate(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("apikey create", "apikey create --name N [--role R] [--dept CODE] [flags]", `
Create an API key for a program and print it once: it works as a bearer token on /api/v1
(Authorization: Bearer KEY) and as the Open311 api_key. Only its hash is stored.`)
	var d dbFlags
	d.register(fs)
	name := fs.String("name", "", "who or what uses the key (e.g. \"WeChat gateway\")")
	role := fs.String("role", "agent", "role the key acts with")
	dept := fs.String("dept", "", "department code, for department roles")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *name == "" {
		return usagef("--name is required")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	dep, err := deptByCode(ctx, st, *dept)
	if err != nil {
		return err
	}
	deptID := ""
	if dep != nil {
		deptID = dep.ID
	}
	secret, k, err := account.New(st, nil).CreateAPIKey(ctx, cliActor, *name, *role, deptID)
	if err != nil {
		return fieldErr(err)
	}
	fmt.Fprintln(e.stdout, secret)
	fmt.Fprintf(e.stderr, "created API key %q (%s, role %s); it is shown only this once\n", k.Name, k.Prefix, k.Role)
	return nil
}

func runAPIKeyList(ctx context.Context, e *env, args []string) error {
	st, err := openForList(ctx, e, args, "apikey list", "apikey list [flags]", "List API keys by prefix, with role and last use.")
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := st.APIKeys(ctx)
	if err != nil {
		return err
	}
	names, err := deptNames(ctx, st)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PREFIX\tNAME\tROLE\tDEPARTMENT\tCREATED\tLAST USED\tSTATUS")
	for _, k := range keys {
		used, status := "-", "active"
		if k.LastUsedAt != nil {
			used = k.LastUsedAt.In(ticket.Location).Format("2006-01-02 15:04")
		}
		if k.Revoked {
			status = "revoked"
		}
		fmt.Fprintf(tw, "%s…\t%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Name, k.Role, dash(names[k.DepartmentID]),
			k.CreatedAt.In(ticket.Location).Format("2006-01-02 15:04"), used, status)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%d keys\n", len(keys))
	return nil
}
