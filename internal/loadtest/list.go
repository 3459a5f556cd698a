package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// ListOptions tune List.
type ListOptions struct {
	URL, Token string // through the API when URL is set; straight to the store otherwise
	Rounds     int
	// Budget bounds the time spent on one query: it stops after Rounds runs or, past five
	// runs, once Budget is spent, so a slow filter cannot stretch the benchmark. Zero: 10s.
	Budget time.Duration
}

// ListResult is the latency of one kind of list query.
type ListResult struct {
	Name     string
	P50, P95 time.Duration
	Rows     int // rows on the page (the last round's)
	Runs     int // timed runs
}

// query is one typical list as the workbench asks for it, in both forms.
type query struct {
	name   string
	params url.Values
	filter store.TicketFilter
	page2  bool // fetch page one untimed, then time page two
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// queries builds the typical lists from what the database holds: the busiest bureau, a
// subject, a district, a caller who calls often.
func queries(ctx context.Context, st *store.Store) ([]query, error) {
	depts, err := st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		return nil, err
	}
	deptID := ""
	for _, d := range depts {
		if d.Code == "cgj" || (deptID == "" && d.Kind == org.KindBureau) {
			deptID = d.ID
		}
	}
	catID := ""
	for _, c := range cats {
		if c.Name == "城乡建设" || (catID == "" && c.Level == 1) {
			catID = c.ID
		}
	}
	regionID := ""
	for _, r := range regions {
		if r.Level == org.LevelDistrict {
			regionID = r.ID
			break
		}
	}
	catTree, regTree := org.NewTree(cats), org.NewTree(regions)
	yes := true
	weekAgo := time.Now().AddDate(0, 0, -7)
	phone := seedPhonePrefix + "00000001"
	qs := []query{
		{name: "newest", params: url.Values{}},
		{name: "state=processing", params: url.Values{"state": {"processing"}}, filter: store.TicketFilter{States: []ticket.State{ticket.Processing}}},
		{name: "state=dispatched,returned", params: url.Values{"state": {"dispatched,returned"}},
			filter: store.TicketFilter{States: []ticket.State{ticket.Dispatched, ticket.Returned}}},
		{name: "department", params: url.Values{"department": {deptID}}, filter: store.TicketFilter{DepartmentID: deptID}},
		{name: "dept+state", params: url.Values{"department": {deptID}, "state": {"processing"}},
			filter: store.TicketFilter{DepartmentID: deptID, States: []ticket.State{ticket.Processing}}},
		{name: "category subtree", params: url.Values{"category": {catID}}, filter: store.TicketFilter{CategoryIDs: keys(catTree.Subtree(catID))}},
		{name: "region subtree", params: url.Values{"region": {regionID}}, filter: store.TicketFilter{RegionIDs: keys(regTree.Subtree(regionID))}},
		{name: "channel=wechat", params: url.Values{"channel": {"wechat"}}, filter: store.TicketFilter{Channel: ticket.ChannelWeChat}},
		{name: "urgent", params: url.Values{"urgency": {"urgent"}}, filter: store.TicketFilter{Urgency: ticket.Urgent}},
		{name: "overdue", params: url.Values{"overdue": {"true"}}, filter: store.TicketFilter{Overdue: &yes}},
		{name: "last 7 days", params: url.Values{"from": {weekAgo.Format(time.RFC3339)}}, filter: store.TicketFilter{From: weekAgo}},
		{name: "phone", params: url.Values{"q": {phone}}, filter: store.TicketFilter{Text: phone}},
		{name: "number prefix", params: url.Values{"q": {weekAgo.In(ticket.Location).Format("20060102")}},
			filter: store.TicketFilter{Text: weekAgo.In(ticket.Location).Format("20060102")}},
		{name: "text 噪音", params: url.Values{"q": {"噪音"}}, filter: store.TicketFilter{Text: "噪音"}},
		{name: "page 2", params: url.Values{}, page2: true},
	}
	return qs, nil
}

// List times each typical query opt.Rounds times and reports p50 and p95.
func List(ctx context.Context, st *store.Store, opt ListOptions) ([]ListResult, error) {
	qs, err := queries(ctx, st)
	if err != nil {
		return nil, err
	}
	if opt.Budget <= 0 {
		opt.Budget = 10 * time.Second
	}
	client := &http.Client{Timeout: 30 * time.Second}
	run := func(q query, cursor string) (int, string, error) {
		if opt.URL == "" {
			f := q.filter
			f.Cursor = cursor
			page, err := st.ListTickets(ctx, f)
			return len(page.Tickets), page.NextCursor, err
		}
		p := url.Values{}
		for k, v := range q.params {
			p[k] = v
		}
		if cursor != "" {
			p.Set("cursor", cursor)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(opt.URL, "/")+"/api/v1/tickets?"+p.Encode(), nil)
		if err != nil {
			return 0, "", err
		}
		req.Header.Set("Authorization", "Bearer "+opt.Token)
		b, err := do(client, req, http.StatusOK)
		if err != nil {
			return 0, "", err
		}
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor string            `json:"next_cursor"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return 0, "", err
		}
		return len(page.Items), page.NextCursor, nil
	}
	var out []ListResult
	for _, q := range qs {
		cursor := ""
		if q.page2 {
			if _, cursor, err = run(q, ""); err != nil {
				return nil, fmt.Errorf("%s: %w", q.name, err)
			}
		}
		// One untimed run warms the caches, as a server that has been up a while has them.
		if _, _, err := run(q, cursor); err != nil {
			return nil, fmt.Errorf("%s: %w", q.name, err)
		}
		lat := make([]time.Duration, 0, opt.Rounds)
		rows := 0
		began := time.Now()
		for i := 0; i < opt.Rounds && (i < 5 || time.Since(began) < opt.Budget); i++ {
			t0 := time.Now()
			n, _, err := run(q, cursor)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", q.name, err)
			}
			lat = append(lat, time.Since(t0))
			rows = n
		}
		out = append(out, ListResult{Name: q.name, P50: pct(lat, 50), P95: pct(lat, 95), Rows: rows, Runs: len(lat)})
	}
	return out, nil
}
