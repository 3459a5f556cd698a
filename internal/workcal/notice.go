package workcal

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// The official calendars, one CSV per year in the State Council's notice:
//   - 2024: 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号)
//   - 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)
//   - 2026: the notice of 2025-11-04 as published by Xinhua, copied from
//     shared/data/holidays-cn-2026.csv.
//
// Every day of a break is listed as a holiday, weekends included, so that a
// date carries its festival's name.
//
//go:embed notices/*.csv
var notices embed.FS

// OfficialDays are the declared days of every embedded notice.
func OfficialDays() []Day {
	var all []Day
	err := fs.WalkDir(notices, "notices", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := notices.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		days, err := ParseNotice(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		all = append(all, days...)
		return nil
	})
	if err != nil {
		panic("workcal: embedded notice: " + err.Error()) // caught by the tests
	}
	return all
}

// LineError is one bad line of a notice.
type LineError struct {
	Line   int
	Reason string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// NoticeError lists every bad line of a notice, so an administrator fixes the
// file in one pass.
type NoticeError struct{ Lines []LineError }

func (e *NoticeError) Error() string {
	parts := make([]string, len(e.Lines))
	for i, l := range e.Lines {
		parts[i] = l.Error()
	}
	return "holiday notice: " + strings.Join(parts, "; ")
}

// ParseNotice reads a notice as CSV with the header date,kind,name: one line
// per date, kind holiday or workday. Nothing is returned unless every line is
// good; the error is a *NoticeError naming each bad line.
func ParseNotice(r io.Reader) ([]Day, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var (
		days []Day
		bad  []LineError
		seen = map[Date]int{}
	)
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, LineError{pe.Line, pe.Err.Error()})
				continue
			}
			return nil, err
		}
		if header {
			header = false
			h := strings.TrimPrefix(strings.Join(rec, ","), "\ufeff")
			if strings.ReplaceAll(h, " ", "") != "date,kind,name" {
				bad = append(bad, LineError{line, fmt.Sprintf("header is %q, want date,kind,name", h)})
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 3 {
			bad = append(bad, LineError{line, fmt.Sprintf("%d fields, want 3 (date,kind,name)", len(rec))})
			continue
		}
		d, err := ParseDate(strings.TrimSpace(rec[0]))
		if err != nil {
			bad = append(bad, LineError{line, err.Error()})
			continue
		}
		kind := DayKind(strings.TrimSpace(rec[1]))
		if kind != Holiday && kind != Workday {
			bad = append(bad, LineError{line, fmt.Sprintf("kind %q, want holiday or workday", rec[1])})
			continue
		}
		name := strings.TrimSpace(rec[2])
		if name == "" {
			bad = append(bad, LineError{line, "empty name"})
			continue
		}
		if first, dup := seen[d]; dup {
			bad = append(bad, LineError{line, fmt.Sprintf("%s already declared on line %d", d, first)})
			continue
		}
		seen[d] = line
		days = append(days, Day{Date: d, Kind: kind, Name: name})
	}
	if header {
		bad = append(bad, LineError{1, "empty file, want the header date,kind,name"})
	}
	if len(bad) > 0 {
		return nil, &NoticeError{bad}
	}
	return days, nil
}
