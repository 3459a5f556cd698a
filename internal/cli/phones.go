package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hotline-dev/hotline/internal/citizen"
	"github.com/hotline-dev/hotline/internal/store"
)

const phonesHelp = `Usage: hotline phones <subcommand> [flags]

The number-place table (号码归属地) the agent desk shows beside a caller's number: prefixes
of digits — 7-digit mobile blocks (号段) such as 1380731, area codes such as 0731 — and the
place each belongs to. The centre loads it from its carriers' data; the carrier of a mobile
number is known without it.

Subcommands:
  import  load prefixes from CSV (prefix,region per line; a header line is allowed): phones import FILE
  lookup  what the server knows of a number: phones lookup NUMBER
`

func runPhones(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "phones", args, map[string]func(context.Context, *env, []string) error{
		"import": runPhonesImport, "lookup": runPhonesLookup,
	}, phonesHelp)
}

func runPhonesImport(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("phones import", "phones import FILE", `
Load number prefixes and their places from a CSV file of prefix,region lines (UTF-8; a first
line "prefix,region" is skipped). Existing prefixes get the new place. When any line is wrong
nothing is loaded and every wrong line is listed.`)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("phones import: give one CSV file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, bad := readPhonePrefixes(f)
	if len(bad) > 0 {
		return fmt.Errorf("%s: nothing loaded:\n  %s", fs.Arg(0), strings.Join(bad, "\n  "))
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s: no prefixes in the file", fs.Arg(0))
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SavePhonePrefixes(ctx, rows) }); err != nil {
		return err
	}
	n, err := st.CountPhonePrefixes(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d prefixes loaded from %s; the table holds %d\n", len(rows), fs.Arg(0), n)
	return nil
}

// readPhonePrefixes reads prefix,region lines, reporting every bad line by number.
func readPhonePrefixes(r io.Reader) (rows []citizen.PhonePrefix, bad []string) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	seen := map[string]int{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, bad
		}
		if err != nil {
			return nil, append(bad, fmt.Sprintf("line %d: %v", line, err))
		}
		if line == 1 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), "prefix") {
			continue
		}
		if len(rec) != 2 {
			bad = append(bad, fmt.Sprintf("line %d: want prefix,region", line))
			continue
		}
		p := citizen.PhonePrefix{Prefix: strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), Region: strings.TrimSpace(rec[1])}
		if msg := citizen.CheckPhonePrefix(p); msg != "" {
			bad = append(bad, fmt.Sprintf("line %d: %s", line, msg))
			continue
		}
		if first, dup := seen[p.Prefix]; dup {
			bad = append(bad, fmt.Sprintf("line %d: prefix %s repeats line %d", line, p.Prefix, first))
			continue
		}
		seen[p.Prefix] = line
		rows = append(rows, p)
	}
}

func runPhonesLookup(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("phones lookup", "phones lookup NUMBER", `
Print what is known of a number: mobile or landline, the carrier and the place.`)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("phones lookup: give one number")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	info, err := st.PhoneInfo(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	if info.Kind == citizen.KindUnknown {
		return usagef("phones lookup: %q is not a phone number", fs.Arg(0))
	}
	region := info.Region
	if region == "" {
		region = "(not in the table)"
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", info.Number, info.Kind, info.Carrier, region)
	return nil
}
