package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"text/tabwriter"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/demo"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Version is set at build time: go build -ldflags "-X github.com/hotline-dev/hotline/internal/cli.Version=1.2.3".
var Version = "dev"

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("version", "version", "Print the hotline version, the Go version and the source revision.")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
				if len(rev) > 12 {
					rev = rev[:12]
				}
			case "vcs.modified":
				if s.Value == "true" && rev != "" {
					rev += "+dirty"
				}
			}
		}
	}
	fmt.Fprintf(e.stdout, "hotline %s (%s", Version, runtime.Version())
	if rev != "" {
		fmt.Fprintf(e.stdout, ", %s", rev)
	}
	fmt.Fprintln(e.stdout, ")")
	return nil
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("migrate", "migrate [flags]", `
Apply the schema migrations the database has not seen, each in its own transaction, and
print the versions applied. A database made by a newer hotline is refused.`)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	st, err := store.Open(ctx, d.dsn())
	if err != nil {
		return err
	}
	defer st.Close()
	before, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	applied, err := st.Migrate(ctx)
	for v := before + 1; v <= before+applied; v++ {
		fmt.Fprintf(e.stdout, "applied migration %d\n", v)
	}
	if err != nil {
		return err
	}
	if applied == 0 {
		fmt.Fprintf(e.stdout, "%s schema is up to date at version %d\n", st.Driver(), before)
	} else {
		fmt.Fprintf(e.stdout, "%s schema now at version %d\n", st.Driver(), before+applied)
	}
	return nil
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("demo", "demo [flags]", `
Load the demo city into an empty database (migrating it first): A市 with five districts,
their streets and communities; bureaus, district governments, street offices and utilities
mapped to the real category tree; one user per role; and a few hundred tickets built from
real citizen messages, in every state of the lifecycle. The logins are printed at the end.`)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	log, err := d.logger(e.stderr)
	if err != nil {
		return err
	}
	st, err := d.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	// The same working-time clock as serve, so demo tickets get their deadlines and timers.
	clock, err := sla.Load(ctx, st)
	if err != nil {
		return fmt.Errorf("sla: %w", err)
	}
	res, err := demo.Load(ctx, st, account.New(st, log), log, demo.Options{Deadlines: clock.Deadlines,
		Hooks: []workorder.TxHook{clock.Hook}})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "loaded %d departments, %d regions, %d categories, %d users, %d tickets (%d events) in %.1fs\n",
		res.Departments, res.Regions, res.Categories, res.Users, res.Tickets, res.Events, res.Elapsed.Seconds())
	states := make([]string, 0, len(res.States))
	for _, s := range ticket.States {
		states = append(states, fmt.Sprintf("%s %d", s, res.States[s]))
	}
	fmt.Fprintf(e.stdout, "tickets by state: %v\n\n", states)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tPASSWORD\tROLE\tDEPARTMENT\tAGENT EXT")
	for _, u := range demo.Users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Password, u.Role, u.Dept, demo.AgentExts[u.Username])
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nEvery unit the demo tickets reach also has handler_<code> / %s.\n", demo.HandlerPassword)
	return nil
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
