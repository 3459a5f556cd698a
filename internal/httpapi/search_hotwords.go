package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotline-dev/hotline/internal/hotword"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/ticket"
)

var hotwordParams = []param{
	{Name: "from", Description: "period start: RFC 3339 or YYYY-MM-DD; default 7 days ago"},
	{Name: "to", Description: "period end (excluded; a date includes that day); default now"},
	{Name: "category", Description: "category id; its whole subtree"},
	{Name: "region", Description: "region id; its whole subtree"},
	{Name: "rising", Type: "boolean", Description: "terms that grew most against the period of the same length before"},
	{Name: "limit", Type: "integer", Description: "number of terms, default 20, at most 200"},
}

type hotwordAnswer struct {
	From  time.Time      `json:"from"`
	To    time.Time      `json:"to"`
	Terms []hotword.Term `json:"terms"`
}

func (a *api) hotWords(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	n, err := a.names(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	qv := r.URL.Query()
	fe := ticket.FieldErrors{}
	q := kb.HotWordQuery{To: time.Now().UTC()}
	q.From = q.To.Add(-7 * 24 * time.Hour)
	if s := qv.Get("from"); s != "" {
		if q.From, err = parseTime(s, false); err != nil {
			fe["from"] = err.Error()
		}
	}
	if s := qv.Get("to"); s != "" {
		if q.To, err = parseTime(s, true); err != nil {
			fe["to"] = err.Error()
		}
	}
	if !q.To.After(q.From) {
		fe["to"] = "must be after from"
	}
	if id := qv.Get("category"); id != "" {
		if _, ok := n.cats.Get(id); !ok {
			fe["category"] = "no such category"
		}
		q.CategoryIDs = keys(n.cats.Subtree(id))
	}
	if id := qv.Get("region"); id != "" {
		if _, ok := n.regions.Get(id); !ok {
			fe["region"] = "no such region"
		}
		q.RegionIDs = keys(n.regions.Subtree(id))
	}
	if b, err := parseBool(qv.Get("rising")); err != nil {
		fe["rising"] = err.Error()
	} else if b != nil {
		q.Rising = *b
	}
	if l := qv.Get("limit"); l != "" {
		if q.Limit, err = strconv.Atoi(l); err != nil || q.Limit < 1 || q.Limit > 200 {
			fe["limit"] = "a number from 1 to 200"
		}
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	terms, err := kb.HotWords(ctx, a.svc, c.Principal, q)
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	if terms == nil {
		terms = []hotword.Term{}
	}
	writeJSON(w, http.StatusOK, hotwordAnswer{From: q.From, To: q.To, Terms: terms})
}
