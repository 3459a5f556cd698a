// Package cli is the hotline command: one binary, one subcommand per job (serve, migrate,
// demo, user, apikey, import, bench, version). Each subcommand has its own flag set; every
// flag can also be set by a HOTLINE_* environment variable, the flag winning.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hotline-dev/hotline/internal/store"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError is bad input on the command line: exit code 2 and a pointer to --help.
type usageError struct {
	msg string
	cmd string // the subcommand path for the --help hint, when deeper than the command
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// subError is a failure of a subcommand (user add, bench seed…), named so in the message.
type subError struct {
	cmd string
	err error
}

func (e *subError) Error() string { return e.err.Error() }
func (e *subError) Unwrap() error { return e.err }

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// env is what a subcommand runs with: its output streams and the environment.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "run the hotline server (web, API, Open311; SIP when configured)", runServe},
		{"migrate", "bring the database schema up to this version", runMigrate},
		{"demo", "load the demo city, users and tickets into an empty database", runDemo},
		{"user", "add and list staff accounts (user add | user list)", runUser},
		{"apikey", "create and list API keys (apikey create | apikey list)", runAPIKey},
		{"import", "import historical tickets from CSV (import tickets --csv FILE)", runImport},
		{"bench", "benchmarks: seed | http | list | rawinsert", runBench},
		{"calendar", "working-time calendar: add, between, import, days", runCalendar},
		{"agent", "call-centre agents: add, state, list", runAgent},
		{"numbers", "hotline numbers as YAML: export, import", runNumbers},
		{"phones", "number-place table (号码归属地): import, lookup", runPhones},
		{"search", "full-text search: reindex | query", runSearch},
		{"dictionary", "city dictionary for word segmentation: add | list | remove", runDictionary},
		{"suggest", "dispatch suggestions: suggest --subject S --text T | suggest train", runSuggest},
		{"version", "print the version", runVersion},
	}
}

// Run runs the hotline command line (arguments without the program name) and returns the
// process exit code: 0 on success, 1 on failure, 2 on bad usage.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 0 {
		mainUsage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" || name == "help" {
		mainUsage(stdout)
		return exitOK
	}
	if name == "--version" || name == "-version" {
		name = "version"
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args[1:])
		var ue *usageError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ue):
			cmd := name
			if ue.cmd != "" {
				cmd = ue.cmd
			}
			fmt.Fprintf(stderr, "hotline %s: %s\nRun 'hotline %s --help' for usage.\n", cmd, ue.msg, cmd)
			return exitUsage
		default:
			var se *subError
			if errors.As(err, &se) {
				name = se.cmd
			}
			fmt.Fprintf(stderr, "hotline %s: %v\n", name, err)
			return exitError
		}
	}
	fmt.Fprintf(stderr, "hotline: unknown command %q\n\n", name)
	mainUsage(stderr)
	return exitUsage
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `Hotline: the 12345 government service hotline platform (政务服务便民热线).

Usage: hotline <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'hotline <command> --help' for a command's flags. Every flag can also be set by an
environment variable: --db is HOTLINE_DB, --http is HOTLINE_HTTP, and so on.
`)
}

// flagSet makes a subcommand's flag set whose usage text starts with synopsis and doc.
func (e *env) flagSet(name, synopsis, doc string) *flag.FlagSet {
	fs := flag.NewFlagSet("hotline "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hotline %s\n\n%s\n\nFlags:\n", synopsis, strings.TrimSpace(doc))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args and then fills every flag not given from its HOTLINE_* variable
// (--log-level from HOTLINE_LOG_LEVEL). --help prints the usage on stdout and returns ErrHelp.
func (e *env) parse(fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	fs.SetOutput(io.Discard) // the error is reported once, by Run, with a pointer to --help
	if err := fs.Parse(args); err != nil {
		return &usageError{msg: err.Error()}
	}
	fs.SetOutput(e.stderr)
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		name := "HOTLINE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := e.getenv(name); v != "" {
			if serr := f.Value.Set(v); serr != nil {
				err = usagef("%s=%q: %v", name, v, serr)
			}
		}
	})
	return err
}

// dbFlags are the flags of every command that opens the database.
type dbFlags struct {
	db, data, logLevel string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.db, "db", "", "database: a SQLite file path, or a postgres:// URL for PostgreSQL (default <data>/hotline.db)")
	fs.StringVar(&d.data, "data", "./data", "data directory (SQLite file, attachments, recordings)")
	fs.StringVar(&d.logLevel, "log-level", "info", "log level: debug, info, warn or error")
}

func (d *dbFlags) dsn() string {
	if d.db != "" {
		return d.db
	}
	return filepath.Join(d.data, "hotline.db")
}

func (d *dbFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(d.logLevel)); err != nil {
		return nil, usagef("--log-level %q: want debug, info, warn or error", d.logLevel)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), nil
}

// open opens the database and checks its schema is this binary's: commands other than
// migrate and serve do not migrate on their own.
func (d *dbFlags) open(ctx context.Context, migrate bool) (*store.Store, error) {
	st, err := store.Open(ctx, d.dsn())
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
	} else if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// noArgs rejects positional arguments a command does not take.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// sub dispatches to a subcommand of a command (user add, apikey create, bench seed…).
func sub(ctx context.Context, e *env, group string, args []string, subs map[string]func(context.Context, *env, []string) error, help string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, help)
		return usagef("missing subcommand")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		fmt.Fprint(e.stdout, help)
		return flag.ErrHelp
	}
	run, ok := subs[args[0]]
	if !ok {
		names := make([]string, 0, len(subs))
		for n := range subs {
			names = append(names, n)
		}
		sort.Strings(names)
		return usagef("unknown subcommand %q (want %s)", args[0], strings.Join(names, ", "))
	}
	err := run(ctx, e, args[1:])
	var ue *usageError
	if errors.As(err, &ue) {
		if ue.cmd == "" {
			ue.cmd = group + " " + args[0]
		}
		return err
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return &subError{cmd: group + " " + args[0], err: err}
	}
	return err
}
