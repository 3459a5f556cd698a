package httpapi

import (
	"context"
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/workcal"
)

type timeLimits struct {
	Defaults     []ruleView       `json:"defaults" doc:"built-in rules, read-only"`
	Rules        []ruleView       `json:"rules" doc:"the city's rules, applied after the defaults (between equally specific rules the later wins)"`
	Periods      []string         `json:"periods" doc:"working periods of a working day, e.g. 09:00-12:00"`
	AllDay       bool             `json:"all_day" doc:"24-hour mode: every instant is working time"`
	DailyMinutes int              `json:"daily_minutes" doc:"working time of one working day (one working day of a wd limit)"`
	RequestTypes []string         `json:"request_types"`
	Urgencies    []string         `json:"urgencies"`
	Matrix       []resolvedLimits `json:"matrix" doc:"every request type × urgency resolved for a request without a category"`
}

func (a *api) getTimeLimits(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ManageTimeLimits) {
		a.fail(w, r, errForbidden)
		return
	}
	out, err := a.timeLimits(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// timeLimits reads what GET answers: the stored rules and periods, resolved by the clock in force.
func (a *api) timeLimits(ctx context.Context) (timeLimits, error) {
	var docs []sla.RuleDoc
	if _, err := a.st.Setting(ctx, sla.RulesKey, &docs); err != nil {
		return timeLimits{}, err
	}
	cats, err := a.st.Categories(ctx)
	if err != nil {
		return timeLimits{}, err
	}
	clock, err := a.timeClock(ctx)
	if err != nil {
		return timeLimits{}, err
	}
	tree := org.NewTree(cats)
	path := func(cat string) []string {
		if cat == "" {
			return nil
		}
		return org.CategoryPath(tree, cat) // nil for a rule naming the category by name
	}
	out := timeLimits{Defaults: []ruleView{}, Rules: []ruleView{}, RequestTypes: workcal.RequestTypes(), Urgencies: workcal.Urgencies()}
	for _, d := range workcal.DefaultRules() {
		doc := sla.DocOf(d)
		out.Defaults = append(out.Defaults, ruleView{RuleDoc: doc, Default: true, CategoryPath: path(doc.Category)})
	}
	for _, d := range docs {
		out.Rules = append(out.Rules, ruleView{RuleDoc: d, CategoryPath: path(d.Category)})
	}
	cal := clock.Calendar()
	for _, p := range cal.Periods() {
		out.Periods = append(out.Periods, p.String())
	}
	out.AllDay, out.DailyMinutes = cal.Continuous(), int(cal.DailyWorkingTime().Minutes())
	for _, typ := range out.RequestTypes {
		for _, urg := range out.Urgencies {
			l, _, err := clock.Resolve(typ, urg, "")
			if err != nil {
				return timeLimits{}, err
			}
			out.Matrix = append(out.Matrix, resolvedView(typ, urg, "", nil, l))
		}
	}
	return out, nil
}
