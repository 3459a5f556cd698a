package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workcal"
)

const calendarHelp = `Usage: hotline calendar <subcommand> [flags]

The working-time clock (工作日历): China's statutory holidays and adjusted working days
(调休) for 2024–2026 built in, merged with the days an administrator imported.

Subcommands:
  add       add working days or hours to an instant: calendar add --from T --days N
  between   working time between two instants: calendar between FROM TO
  import    enter a State Council notice (CSV date,kind,name) into the database
  days      list the declared days of a year

Times are RFC 3339 (2026-09-30T10:00:00+08:00) or "2026-09-30 10:00" in Asia/Shanghai, and
are printed in RFC 3339 in Asia/Shanghai. add, between and days use the database's calendar
when --db is given or the default database exists, else the built-in one.
`

func runCalendar(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "calendar", args, map[string]func(context.Context, *env, []string) error{
		"add": runCalendarAdd, "between": runCalendarBetween, "import": runCalendarImport, "days": runCalendarDays,
	}, calendarHelp)
}

// parseInstant reads RFC 3339, or a wall time in the calendar's zone.
func parseInstant(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("%q is not a time: want RFC 3339 (2026-09-30T10:00:00+08:00) or 2026-09-30 10:00", s)
}

// calendar is the database's calendar when one is named or present, else the official one.
func (d *dbFlags) calendar(ctx context.Context) (*workcal.Calendar, string, error) {
	if d.db == "" {
		if _, err := os.Stat(d.dsn()); errors.Is(err, os.ErrNotExist) {
			return workcal.Official(), "built-in", nil
		}
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return nil, "", err
	}
	defer st.Close()
	cal, err := sla.LoadCalendar(ctx, st)
	return cal, st.Driver(), err
}

func runCalendarAdd(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("calendar add", "calendar add --from T (--days N | --hours H)", `
Print the instant N working days (same time of day, holidays and weekends skipped, 调休
Saturdays and Sundays counted) or H working hours (only working periods count) after T.
Negative values count back.`)
	var d dbFlags
	d.register(fs)
	from := fs.String("from", "", "start instant (required)")
	days := fs.Int("days", 0, "working days to add")
	hours := fs.Float64("hours", 0, "working hours to add (fractions allowed: 1.5)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *from == "" {
		return usagef("--from is required")
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if given["days"] == given["hours"] {
		return usagef("give exactly one of --days and --hours")
	}
	cal, _, err := d.calendar(ctx)
	if err != nil {
		return err
	}
	t, err := parseInstant(*from, cal.Location())
	if err != nil {
		return err
	}
	var out time.Time
	if given["days"] {
		out = cal.AddWorkingDays(t, *days)
	} else {
		out = cal.AddWorkingHours(t, time.Duration(*hours*float64(time.Hour)))
	}
	fmt.Fprintln(e.stdout, out.In(cal.Location()).Format(time.RFC3339))
	return nil
}

func runCalendarBetween(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("calendar between", "calendar between FROM TO", `
Print the working time from FROM to TO (negative if TO is earlier), then the same in
working days of the calendar's day length.`)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("want two instants, FROM and TO")
	}
	cal, _, err := d.calendar(ctx)
	if err != nil {
		return err
	}
	a, err := parseInstant(fs.Arg(0), cal.Location())
	if err != nil {
		return err
	}
	b, err := parseInstant(fs.Arg(1), cal.Location())
	if err != nil {
		return err
	}
	w := cal.WorkingTimeBetween(a, b)
	fmt.Fprintf(e.stdout, "%s\t%.2f working days of %s\n", w, float64(w)/float64(cal.DailyWorkingTime()), cal.DailyWorkingTime())
	return nil
}

func runCalendarImport(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("calendar import", "calendar import FILE [flags]", `
Enter a State Council holiday notice into the database: a CSV file with the header
date,kind,name and one line per declared date (kind holiday or workday). A date already
declared takes the file's line. Nothing is entered unless every line is good; the error
names each bad line. A running server picks the days up when its clock is reloaded.`)
	var d dbFlags
	d.register(fs)
	by := fs.String("by", "cli", "who entered the notice (kept with each day)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one CSV file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	days, err := workcal.ParseNotice(f)
	if err != nil {
		return err
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	rows := make([]store.CalendarDay, len(days))
	years := map[int]bool{}
	for i, day := range days {
		rows[i] = store.CalendarDay{Date: day.Date.String(), Kind: string(day.Kind), Name: day.Name}
		years[day.Date.Year] = true
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveCalendarDays(ctx, rows, *by) }); err != nil {
		return err
	}
	cal, err := sla.LoadCalendar(ctx, st)
	if err != nil {
		return err
	}
	var ys []string
	for _, y := range cal.Years() {
		ys = append(ys, strconv.Itoa(y))
	}
	fmt.Fprintf(e.stdout, "imported %d days into %s; the calendar now declares %s\n", len(rows), st.Driver(), strings.Join(ys, ", "))
	return nil
}

func runCalendarDays(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("calendar days", "calendar days [--year Y]", `
List the declared days of a year: holidays (休) and adjusted working days (班).`)
	var d dbFlags
	d.register(fs)
	year := fs.Int("year", time.Now().Year(), "year")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	cal, _, err := d.calendar(ctx)
	if err != nil {
		return err
	}
	n := 0
	for day := (workcal.Date{Year: *year, Month: time.January, Day: 1}); day.Year == *year; day = day.AddDays(1) {
		if decl, ok := cal.Declared(day); ok {
			mark := "休"
			if decl.Kind == workcal.Workday {
				mark = "班"
			}
			fmt.Fprintf(e.stdout, "%s %s %s %s\n", day, day.Weekday().String()[:3], mark, decl.Name)
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("no declared days for %d: import the year's notice (hotline calendar import FILE)", *year)
	}
	return nil
}
