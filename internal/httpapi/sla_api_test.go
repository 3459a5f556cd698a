package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

func TestTimeLimitAPI(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testTimeLimitAPI(t, b.Open(t)) })
	}
}

func testTimeLimitAPI(t *testing.T, st *store.Store) {
	ctx := context.Background()
	srv, tok := calendarServer(t, st)
	// 城乡建设 › 市容环卫 › 占道经营, and 城乡建设 › 安全生产 beside it.
	cats := []*org.Category{{ID: "cs", Name: "城乡建设", Level: 1}, {ID: "cs-srhw", Name: "市容环卫", ParentID: "cs", Level: 2},
		{ID: "cs-srhw-zdjy", Name: "占道经营", ParentID: "cs-srhw", Level: 3}, {ID: "cs-aqsc", Name: "安全生产", ParentID: "cs", Level: 2}}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range cats {
			if err := tx.SaveCategory(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// dispatch registers a complaint in a category and dispatches it at Tue 24th 10:00.
	dispatch := func(category string) time.Time {
		t.Helper()
		var v struct {
			HandleDeadline *time.Time `json:"handle_deadline"`
		}
		body := map[string]any{"request_type": "complaint", "category_id": category, "description": "夜市占道经营，噪声扰民",
			"phone": "13800138000", "dispatch_to": "water"}
		if s := outboxDo(t, srv.URL, "POST", "/api/v1/tickets", tok["dispatcher"], body, &v); s != 201 || v.HandleDeadline == nil {
			t.Fatalf("dispatch: %d %+v", s, v)
		}
		return v.HandleDeadline.In(shanghai)
	}
	if h := dispatch("cs-srhw-zdjy"); !h.Equal(time.Date(2026, 12, 15, 10, 0, 0, 0, shanghai)) {
		t.Fatalf("default complaint: handle %s, want 15 working days on, Tue 15 Dec 10:00", h)
	}

	// Only the administrator sees or changes the rules.
	for _, role := range []string{"agent", "dispatcher"} {
		for _, req := range []struct{ method, path string }{{"GET", "/api/v1/sla/rules"}, {"PUT", "/api/v1/sla/rules"}, {"GET", "/api/v1/sla/resolve?type=consult"}} {
			if s := outboxDo(t, srv.URL, req.method, req.path, tok[role], timeLimitsInput{Rules: []sla.RuleDoc{}}, nil); s != 403 {
				t.Errorf("%s %s %s: %d, want 403", role, req.method, req.path, s)
			}
		}
	}

	var tl timeLimits
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/sla/rules", tok["admin"], nil, &tl); s != 200 || len(tl.Rules) != 0 || len(tl.Defaults) == 0 ||
		!tl.Defaults[0].Default || len(tl.Matrix) != 21 || tl.DailyMinutes != 420 || len(tl.Periods) != 2 || tl.Periods[0] != "09:00-12:00" {
		t.Fatalf("GET rules: %d %+v", s, tl)
	}
	cell := func(tl timeLimits, typ, urg string) resolvedLimits {
		for _, m := range tl.Matrix {
			if m.Type == typ && m.Urgency == urg {
				return m
			}
		}
		t.Fatalf("no %s/%s in the matrix", typ, urg)
		return resolvedLimits{}
	}
	if m := cell(tl, "complaint", "normal"); m.Handling != "15wd" || m.SignFor != "1wd" || !m.Pausable || m.WarnAt != 0.75 {
		t.Errorf("complaint/normal: %+v", m)
	}
	if m := cell(tl, "help", "urgent"); m.Handling != "2h" || m.SignFor != "30m" || m.Pausable || m.Supervise != "1h" {
		t.Errorf("help/urgent: %+v", m)
	}
	var res resolvedLimits
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/sla/resolve?type=complaint&category=cs-srhw-zdjy", tok["admin"], nil, &res); s != 200 ||
		res.Handling != "15wd" || res.Urgency != "normal" || len(res.CategoryPath) != 3 || res.CategoryPath[1] != "市容环卫" {
		t.Errorf("resolve before: %d %+v", s, res)
	}
	for _, q := range []string{"type=inquiry", "type=complaint&urgency=soon", "type=complaint&category=nowhere"} {
		var eb errorBody
		if s := outboxDo(t, srv.URL, "GET", "/api/v1/sla/resolve?"+q, tok["admin"], nil, &eb); s != 400 || len(eb.Fields) == 0 {
			t.Errorf("resolve %s: %d %+v, want 400 naming a field", q, s, eb)
		}
	}

	// Bad rules are refused by position and field; nothing is saved.
	good := sla.RuleDoc{Type: "complaint", Category: "cs-srhw", Handling: "5wd", Reply: "5wd"}
	for _, bad := range []struct {
		in    any
		field string
	}{
		{timeLimitsInput{Rules: []sla.RuleDoc{good, {Type: "complaint", Handling: "5 days"}}}, "rules.2.handling"},
		{timeLimitsInput{Rules: []sla.RuleDoc{good, {Type: "投诉", Handling: "5wd"}}}, "rules.2.type"},
		{timeLimitsInput{Rules: []sla.RuleDoc{{Urgency: "soon", SignFor: "1wh"}, good}}, "rules.1.urgency"},
		{timeLimitsInput{Rules: []sla.RuleDoc{good, {Category: "nowhere", Handling: "1wd"}}}, "rules.2.category"},
		{timeLimitsInput{Rules: []sla.RuleDoc{good, {Type: "help", WarnAt: 1.5}}}, "rules.2.warn_at"},
		{timeLimitsInput{Rules: []sla.RuleDoc{good, {Type: "help", Pause: "maybe"}}}, "rules.2.pause"},
		{timeLimitsInput{Rules: []sla.RuleDoc{good, {Type: "help"}}}, "rules.2.handling"},
		{timeLimitsInput{Rules: []sla.RuleDoc{good}, Periods: []string{"09:00-12:00", "11:00-17:00"}}, "periods"},
		{timeLimitsInput{Rules: []sla.RuleDoc{good}, Periods: []string{"9-12"}}, "periods.1"},
		{map[string]any{"rules": []sla.RuleDoc{good}, "periods": []string{}}, "periods"},
		{timeLimitsInput{}, "rules"},
	} {
		var eb errorBody
		if s := outboxDo(t, srv.URL, "PUT", "/api/v1/sla/rules", tok["admin"], bad.in, &eb); s != 400 || eb.Fields[bad.field] == "" {
			t.Errorf("PUT %+v: %d %+v, want 400 naming %s", bad.in, s, eb, bad.field)
		}
	}
	var stored []sla.RuleDoc
	if ok, err := st.Setting(ctx, sla.RulesKey, &stored); err != nil || ok {
		t.Fatalf("refused rules were saved: %v %v", stored, err)
	}
	if h := dispatch("cs-srhw-zdjy"); !h.Equal(time.Date(2026, 12, 15, 10, 0, 0, 0, shanghai)) {
		t.Errorf("after refused rules: handle %s, want the default", h)
	}

	// 投诉 in 市容环卫 handled in 5 working days: in force for the next dispatch, below the
	// category and not beside it.
	tl = timeLimits{}
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/sla/rules", tok["admin"], timeLimitsInput{Rules: []sla.RuleDoc{good}}, &tl); s != 200 ||
		len(tl.Rules) != 1 || tl.Rules[0].Default || len(tl.Rules[0].CategoryPath) != 2 || tl.Rules[0].Handling != "5wd" {
		t.Fatalf("PUT rules: %d %+v", s, tl)
	}
	if h := dispatch("cs-srhw-zdjy"); !h.Equal(time.Date(2026, 12, 1, 10, 0, 0, 0, shanghai)) {
		t.Errorf("after the city rule: handle %s, want 5 working days on, Tue 1 Dec 10:00", h)
	}
	if h := dispatch("cs-aqsc"); !h.Equal(time.Date(2026, 12, 15, 10, 0, 0, 0, shanghai)) {
		t.Errorf("another category: handle %s, want the 15-day default", h)
	}
	res = resolvedLimits{}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/sla/resolve?type=complaint&category=cs-srhw-zdjy&urgency=normal", tok["admin"], nil, &res); s != 200 || res.Handling != "5wd" {
		t.Errorf("resolve after: %d %+v", s, res)
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/sla/resolve?type=complaint&category=cs-srhw-zdjy&urgency=urgent", tok["admin"], nil, &res); s != 200 || res.Handling != "2h" {
		t.Errorf("an urgent complaint stays urgent: %d %+v", s, res)
	}
	var audit struct {
		Items []store.AuditEntry `json:"items"`
	}
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/audit?action=sla.rules", tok["admin"], nil, &audit); s != 200 || len(audit.Items) != 1 || audit.Items[0].Actor != "admin" {
		t.Errorf("audit: %d %+v", s, audit)
	}

	// Working hours: a 24-hour centre, then back to an office day with a longer afternoon.
	allDay := true
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/sla/rules", tok["admin"], timeLimitsInput{Rules: []sla.RuleDoc{good}, AllDay: &allDay}, &tl); s != 200 || !tl.AllDay || tl.DailyMinutes != 1440 {
		t.Fatalf("all day: %d %+v", s, tl)
	}
	allDay = false
	in := timeLimitsInput{Rules: []sla.RuleDoc{}, Periods: []string{"08:30-12:00", "13:00 - 18:00"}, AllDay: &allDay}
	if s := outboxDo(t, srv.URL, "PUT", "/api/v1/sla/rules", tok["admin"], in, &tl); s != 200 || tl.AllDay || tl.DailyMinutes != 510 ||
		len(tl.Periods) != 2 || tl.Periods[1] != "13:00-18:00" || len(tl.Rules) != 0 {
		t.Fatalf("periods: %d %+v", s, tl)
	}
	var year calendarYear
	if s := outboxDo(t, srv.URL, "GET", "/api/v1/calendar?year=2026", tok["agent"], nil, &year); s != 200 || len(year.Periods) != 2 || year.Periods[0] != "08:30-12:00" {
		t.Errorf("the calendar shows the new periods: %d %+v", s, year.Periods)
	}
	// The city rule is gone; 15 working days of the new day end at the same hour of the day.
	if h := dispatch("cs-srhw-zdjy"); !h.Equal(time.Date(2026, 12, 15, 10, 0, 0, 0, shanghai)) {
		t.Errorf("after removing the rule: handle %s, want the default", h)
	}
}
