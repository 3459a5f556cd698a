package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/workorder"
)

func TestCalendarAPI(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testCalendarAPI(t, b.Open(t)) })
	}
}

// calendarServer is the serve wiring of the clock: deadlines from a running sla.SLA that
// the calendar endpoints reload. Dispatches happen at Tuesday 2026-11-24 10:00 Beijing time.
func calendarServer(t *testing.T, st *store.Store) (*httptest.Server, map[string]string) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, d := range []*org.Department{{ID: "centre", Code: "C", Name: "热线中心", Kind: org.KindCentre},
			{ID: "water", Code: "W", Name: "市水务集团", ParentID: "centre", Kind: org.KindCompany}} {
			if err := tx.SaveDepartment(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clock, err := sla.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	svc := workorder.New(st, t.TempDir(), log)
	svc.Deadlines = clock.Deadlines
	svc.Hooks = append(svc.Hooks, clock.Hook)
	svc.Now = func() time.Time { return time.Date(2026, 11, 24, 10, 0, 0, 0, shanghai) }
	acc := account.New(st, log)
	srv := httptest.NewServer(newAPI(Deps{Service: svc, Accounts: acc, Store: st, Log: log, Clock: clock}).handler)
	t.Cleanup(srv.Close)
	tokens := map[string]string{}
	for _, role := range []string{"admin", "agent", "dispatcher"} {
		if err := acc.CreateUser(ctx, "test", &store.User{Username: role, Role: role}, "secret-pass-1"); err != nil {
			t.Fatal(err)
		}
		var out struct{ Token string }
		if outboxDo(t, srv.URL, "POST", "/api/v1/auth/login", "", map[string]string{"username": role, "password": "secret-pass-1"}, &out) != 200 {
			t.Fatalf("login %s", role)
		}
		tokens[role] = out.Token
	}
	return srv, tokens
}

var shanghai = time.FixedZone("CST", 8*3600)

func testCalendarAPI(t *testing.T, st *store.Store) {
	ctx := context.Background()
	srv, tok := calendarServer(t, st)
	tryDispatch := func() (sign, handle time.Time, ok bool) {
		var v struct {
			SignDeadline   *time.Time `json:"sign_deadline"`
			HandleDeadline *time.Time `json:"handle_deadline"`
		}
		body := map[string]any{"request_type": "consult", "description": "咨询公积金提取", "phone": "13800138000", "dispatch_to": "water"}
		if s := outboxDo(t, srv.URL, "POST", "/api/v1/tickets", tok["dispatcher"], body, &v); s != 201 || v.SignDeadline == nil || v.HandleDeadline == nil {
			t.Errorf("dispatch: %d %+v", s, v)
			return sign, handle, false
		}
		return v.SignDeadline.In(shanghai), v.HandleDeadline.In(shanghai), true
	}
	dispatch := func() (sign, handle time.Time) {
		t.Helper()
		sign, handle, ok := tryDispatch()
		if !ok {
			t.FailNow()
		}
		return sign, handle
	}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, shanghai) }

	// 咨询: sign for in 1 working day, handle in 2, from Tuesday 10:00.
	if sign, handle := dispatch(); !sign.Equal(at(25, 10)) || !handle.Equal(at(26, 10)) {
		t.Fatalf("before the holiday: sign %s handle %s, want Wed 25th and Thu 26th 10:00", sign, handle)
	}

	// The official year is listed for anyone logged in.
	var year calendarYear
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar?year=2026", tok["agent"], nil, &year); s != 200 || !year.Declared {
		t.Fatalf("list 2026: %d %+v", s, year)
	}
	found := map[string]calendarDayView{}
	for _, d := range year.Days {
		found[d.Date] = d
	}
	if d := found["2026-10-01"]; d.Kind != "holiday" || d.Source != "official" {
		t.Errorf("National Day: %+v", d)
	}
	if d := found["2026-09-20"]; d.Kind != "workday" {
		t.Errorf("Sunday 2026-09-20 is a 调休 working day: %+v", d)
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar?year=twenty", tok["agent"], nil, nil); s != 400 {
		t.Errorf("bad year: %d, want 400", s)
	}

	// Refused entries change nothing.
	holiday := calendarDayInput{Kind: "holiday", Name: "市庆日"}
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/calendar/days/2026-11-25", tok["agent"], holiday, nil); s != 403 {
		t.Errorf("agent enters a day: %d, want 403", s)
	}
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/calendar/days/2026-11-25", tok["dispatcher"], holiday, nil); s != 403 {
		t.Errorf("dispatcher enters a day: %d, want 403", s)
	}
	var eb errorBody
	for _, bad := range []struct {
		date  string
		in    calendarDayInput
		field string
	}{{"2026-13-01", holiday, "date"}, {"25-11-2026", holiday, "date"}, {"1900-01-01", holiday, "date"},
		{"2026-11-25", calendarDayInput{Kind: "day-off", Name: "x"}, "kind"}, {"2026-11-25", calendarDayInput{Kind: "holiday"}, "name"}} {
		eb = errorBody{}
		if s := outboxDo(t, srv.URL, "PUT", "/api/v1/calendar/days/"+bad.date, tok["admin"], bad.in, &eb); s != 400 || eb.Fields[bad.field] == "" {
			t.Errorf("PUT %s %+v: %d %+v, want 400 naming %s", bad.date, bad.in, s, eb, bad.field)
		}
	}
	if rows, _ := st.CalendarDays(ctx); len(rows) != 0 {
		t.Fatalf("refused requests entered %v", rows)
	}

	// A holiday entered now counts for the next dispatch, without a restart.
	var v calendarDayView
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/calendar/days/2026-11-25", tok["admin"], holiday, &v); s != 200 || v.Source != "entered" || v.Weekday != "Wednesday" {
		t.Fatalf("enter a holiday: %d %+v", s, v)
	}
	if sign, handle := dispatch(); !sign.Equal(at(26, 10)) || !handle.Equal(at(27, 10)) {
		t.Errorf("after the holiday: sign %s handle %s, want Thu 26th and Fri 27th 10:00 (Wed 25th skipped)", sign, handle)
	}
	var sum calendarSum
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar/add?from=2026-11-24T10:00:00%2B08:00&days=2", tok["agent"], nil, &sum); s != 200 || !sum.Result.Equal(at(27, 10)) {
		t.Errorf("add 2 days over the holiday: %d %+v", s, sum)
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar/add?from=2026-09-30T10:00:00+08:00&days=3", tok["agent"], nil, &sum); s != 200 ||
		sum.Result.Format(time.RFC3339) != "2026-10-10T10:00:00+08:00" {
		t.Errorf("add 3 days over National Day: %d %s", s, sum.Result.Format(time.RFC3339))
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar/add?from=2026-11-24T10:00:00%2B08:00&hours=7", tok["agent"], nil, &sum); s != 200 || !sum.Result.Equal(at(26, 10)) {
		t.Errorf("add 7 working hours over the holiday: %d %+v", s, sum)
	}
	var span calendarSpan
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar/between?from=2026-11-24T10:00:00%2B08:00&to=2026-11-26T10:00:00%2B08:00", tok["agent"], nil, &span); s != 200 ||
		span.WorkingSeconds != 7*3600 || span.WorkingDays != 1 {
		t.Errorf("between over the holiday: %d %+v", s, span)
	}
	for _, q := range []string{"add?from=yesterday&days=1", "add?from=2026-11-24T10:00:00%2B08:00", "add?from=2026-11-24T10:00:00%2B08:00&days=1&hours=2",
		"add?from=2026-11-24T10:00:00%2B08:00&days=99999", "between?from=2026-11-24T10:00:00%2B08:00&to=soon"} {
		if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar/"+q, tok["agent"], nil, nil); s != 400 {
			t.Errorf("%s: %d, want 400", q, s)
		}
	}

	// Removing the entry brings the weekday rule back; there is nothing to remove twice.
	if s := outboxDo(t, srv.URL, "DELETE", "/api/v1/calendar/days/2026-11-25", tok["agent"], nil, nil); s != 403 {
		t.Errorf("agent deletes: %d, want 403", s)
	}
	if s := outboxDo(t, srv.URL, "DELETE", "/api/v1/calendar/days/2026-11-25", tok["admin"], nil, nil); s != 204 {
		t.Errorf("delete: %d, want 204", s)
	}
	if _, handle := dispatch(); !handle.Equal(at(26, 10)) {
		t.Errorf("after removing the holiday: handle %s, want Thu 26th", handle)
	}
	if s := outboxDo(t, srv.URL, "DELETE", "/api/v1/calendar/days/2026-11-25", tok["admin"], nil, nil); s != 404 {
		t.Errorf("delete again: %d, want 404", s)
	}
	if s := outboxDo(t, srv.URL, "DELETE", "/api/v1/calendar/days/2026-10-01", tok["admin"], nil, nil); s != 404 {
		t.Errorf("delete an official day: %d, want 404", s)
	}

	// Import: one bad line refuses the whole notice.
	bad := "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n2027-02-07,rest,春节调休\n"
	var rep calendarImport
	if s := csvPost(t, srv.URL, tok["admin"], bad, false, &rep); s != 400 || len(rep.Rows) != 2 || rep.Rows[0].Line != 3 || rep.Rows[1].Line != 4 ||
		rep.Fields["line 3"] == "" || rep.Imported != 0 {
		t.Errorf("bad notice: %d %+v", s, rep)
	}
	if rows, _ := st.CalendarDays(ctx); len(rows) != 0 {
		t.Fatalf("a refused notice entered %v", rows)
	}
	if s := csvPost(t, srv.URL, tok["agent"], "date,kind,name\n2027-01-01,holiday,元旦\n", false, nil); s != 403 {
		t.Errorf("agent imports: %d, want 403", s)
	}
	// A good one, as a file upload: next year's notice, in force at once.
	good := "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n2027-02-07,workday,春节调休上班\n"
	rep = calendarImport{}
	if s := csvPost(t, srv.URL, tok["admin"], good, true, &rep); s != 200 || rep.Imported != 3 || len(rep.Rows) != 3 || rep.Rows[2].Result != "added" {
		t.Fatalf("good notice: %d %+v", s, rep)
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar/add?from=2027-02-05T10:00:00%2B08:00&days=1", tok["agent"], nil, &sum); s != 200 ||
		sum.Result.Format(time.RFC3339) != "2027-02-07T10:00:00+08:00" {
		t.Errorf("Friday + 1 working day over the imported 调休 Sunday: %d %s", s, sum.Result.Format(time.RFC3339))
	}
	// The same notice again is unchanged; the built-in 2026 notice, imported, adds every line.
	rep = calendarImport{}
	if s := csvPost(t, srv.URL, tok["admin"], good, false, &rep); s != 200 || rep.Rows[0].Result != "unchanged" {
		t.Errorf("import again: %d %+v", s, rep)
	}
	official, err := os.ReadFile("../workcal/notices/holidays-cn-2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	rep = calendarImport{}
	if s := csvPost(t, srv.URL, tok["admin"], string(official), false, &rep); s != 200 || rep.Imported != strings.Count(strings.TrimSpace(string(official)), "\n") {
		t.Errorf("import the 2026 notice: %d imported %d", s, rep.Imported)
	}
	year = calendarYear{}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar?year=2027", tok["agent"], nil, &year); s != 200 || len(year.Days) != 3 || year.Days[0].Source != "entered" {
		t.Errorf("list 2027: %d %+v", s, year)
	}

	// Entries and removals racing dispatches: every request answers, and the last change
	// is the one in force.
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 4 {
				if (g+i)%2 == 0 {
					outboxDo(t, srv.URL, "PUT", "/api/v1/calendar/days/2026-11-25", tok["admin"], holiday, nil)
				} else {
					outboxDo(t, srv.URL, "DELETE", "/api/v1/calendar/days/2026-11-25", tok["admin"], nil, nil)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 3 {
				tryDispatch()
			}
		}()
	}
	wg.Wait()
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/calendar/days/2026-11-25", tok["admin"], holiday, nil); s != 200 {
		t.Fatalf("enter the holiday again: %d", s)
	}
	if _, handle := dispatch(); !handle.Equal(at(27, 10)) {
		t.Errorf("after the race and a last entry: handle %s, want Fri 27th", handle)
	}
}

// csvPost imports a notice as a text/csv body or as the multipart part "file".
func csvPost(t *testing.T, base, token, csv string, asFile bool, out any) int {
	t.Helper()
	var body bytes.Buffer
	ct := "text/csv"
	if asFile {
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "notice.csv")
		fw.Write([]byte(csv))
		mw.Close()
		ct = mw.FormDataContentType()
	} else {
		body.WriteString(csv)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/calendar/import", &body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := jsonDecode(resp.Body, out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func jsonDecode(r io.Reader, out any) error { return json.NewDecoder(r).Decode(out) }
