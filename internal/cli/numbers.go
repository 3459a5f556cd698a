package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/ticket"
)

const numbersHelp = `Usage: hotline numbers <subcommand> [flags]

Hotline numbers (号码配置): the numbers citizens dial (12345 and the integrated lines) and
the queue, greeting and routing by period of each, as YAML. Changes are written to the
database (--db, as for serve); a running server applies them within 30 s.

Subcommands:
  export  write the numbers as YAML: numbers export [--out FILE] (default: standard output)
  import  read numbers from YAML: numbers import FILE (all or nothing; numbers not in the file stay)
`

func runNumbers(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "numbers", args, map[string]func(context.Context, *env, []string) error{
		"export": runNumbersExport, "import": runNumbersImport,
	}, numbersHelp)
}

func runNumbersExport(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("numbers export", "numbers export [--out FILE]", `
Write the hotline numbers as YAML, in the form numbers import reads.`)
	var d dbFlags
	d.register(fs)
	out := fs.String("out", "", "file to write (default: standard output)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if *out == "" {
		return storeports.ExportNumbers(ctx, st, e.stdout)
	}
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := storeports.ExportNumbers(ctx, st, f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, *out)
}

func runNumbersImport(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("numbers import", "numbers import FILE", `
Read hotline numbers from a YAML file (as numbers export writes it) and save them: each
number's queue must exist and its route, when given, may only point at queues and menus
that exist. When any entry is wrong nothing is saved and every wrong entry is listed.`)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("numbers import: give one YAML file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := storeports.ImportNumbers(ctx, st, io.Reader(f), nil, "cli")
	var fe ticket.FieldErrors
	if errors.As(err, &fe) {
		return fmt.Errorf("%s: nothing imported:\n%s", fs.Arg(0), strings.Join(fe.Lines("  "), "\n"))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d numbers imported from %s\n", n, fs.Arg(0))
	return nil
}
