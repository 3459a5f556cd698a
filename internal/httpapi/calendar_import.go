package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workcal"
)

// calendarImportRow is the report of one line of a notice.
type calendarImportRow struct {
	Line   int    `json:"line,omitempty"`
	Date   string `json:"date,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Name   string `json:"name,omitempty"`
	Result string `json:"result" doc:"added, replaced, unchanged, or error"`
	Error  string `json:"error,omitempty"`
}

// calendarImport answers an import: every line's result. With any error, nothing was entered.
type calendarImport struct {
	Error    string              `json:"error,omitempty"`
	Fields   map[string]string   `json:"fields,omitempty"`
	Imported int                 `json:"imported"`
	Years    []int               `json:"years,omitempty" doc:"years the calendar now declares"`
	Rows     []calendarImportRow `json:"rows"`
}

const maxNotice = 1 << 20

func (a *api) importCalendar(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ManageCalendar) {
		a.fail(w, r, errForbidden)
		return
	}
	raw, err := noticeBody(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	days, err := workcal.ParseNotice(bytes.NewReader(raw))
	var ne *workcal.NoticeError
	if errors.As(err, &ne) {
		out := calendarImport{Error: ne.Error(), Fields: map[string]string{}, Rows: []calendarImportRow{}}
		for _, l := range ne.Lines {
			out.Rows = append(out.Rows, calendarImportRow{Line: l.Line, Result: "error", Error: l.Reason})
			out.Fields["line "+strconv.Itoa(l.Line)] = l.Reason
		}
		writeJSON(w, http.StatusBadRequest, out)
		return
	}
	if err != nil {
		a.fail(w, r, badRequest("the notice is not CSV: "+err.Error(), nil))
		return
	}
	existing, err := a.st.CalendarDays(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	had := map[string]store.CalendarDay{}
	for _, d := range existing {
		had[d.Date] = d
	}
	out := calendarImport{Rows: []calendarImportRow{}}
	rows := make([]store.CalendarDay, 0, len(days))
	bad := map[string]string{}
	for _, d := range days {
		row := store.CalendarDay{Date: d.Date.String(), Kind: string(d.Kind), Name: d.Name}
		rep := calendarImportRow{Date: row.Date, Kind: row.Kind, Name: row.Name, Result: "added"}
		if _, err := parseDate(row.Date); err != nil {
			rep.Result, rep.Error = "error", err.Error()
			bad[row.Date] = err.Error()
		} else if old, ok := had[row.Date]; ok {
			rep.Result = "replaced"
			if old.Kind == row.Kind && old.Name == row.Name {
				rep.Result = "unchanged"
			}
		}
		out.Rows = append(out.Rows, rep)
		rows = append(rows, row)
	}
	if len(bad) > 0 {
		out.Error, out.Fields = fmt.Sprintf("holiday notice: %d bad dates; nothing was entered", len(bad)), bad
		writeJSON(w, http.StatusBadRequest, out)
		return
	}
	err = a.st.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.SaveCalendarDays(r.Context(), rows, c.Username); err != nil {
			return err
		}
		return tx.Audit(r.Context(), store.AuditEntry{Actor: c.Username, Role: string(c.Role), Action: "calendar.import",
			ObjectType: "calendar", Detail: fmt.Sprintf("%d days", len(rows))})
	})
	if err == nil {
		err = a.reloadClock(r.Context())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	cal, err := a.calendar(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out.Imported, out.Years = len(rows), cal.Years()
	writeJSON(w, http.StatusOK, out)
}

// noticeBody reads the CSV: the multipart part "file", or the whole body.
func noticeBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxNotice)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src io.Reader = r.Body
	if strings.HasPrefix(mt, "multipart/") {
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, badRequest("malformed multipart body", nil)
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					return nil, err
				}
				return nil, fieldError("file", "a multipart part named file with the CSV is required")
			}
			if part.FormName() == "file" {
				src = part
				break
			}
		}
	}
	b, err := io.ReadAll(src)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, badRequest("reading the notice: "+err.Error(), nil)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fieldError("file", "empty notice: want CSV with the header date,kind,name")
	}
	return b, nil
}
