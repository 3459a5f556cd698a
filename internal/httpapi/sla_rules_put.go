package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workcal"
)

type timeLimitsInput struct {
	Rules   []sla.RuleDoc `json:"rules" doc:"the city's rules, in order; [] for none"`
	Periods []string      `json:"periods,omitempty" doc:"working periods such as 09:00-12:00, in order; left out: unchanged"`
	AllDay  *bool         `json:"all_day,omitempty" doc:"24-hour mode; left out: unchanged"`
}

// maxCityRules keeps the list one person can read.
const maxCityRules = 200

func (a *api) putTimeLimits(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.ManageTimeLimits) {
		a.fail(w, r, errForbidden)
		return
	}
	var in timeLimitsInput
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	fe := ticket.FieldErrors{}
	var first string
	note := func(field, reason string) {
		if first == "" {
			first = field + ": " + reason
		}
		fe[field] = reason
	}
	if in.Rules == nil {
		note("rules", "required: the city's rules, [] for none")
	}
	if len(in.Rules) > maxCityRules {
		note("rules", fmt.Sprintf("at most %d rules", maxCityRules))
	}
	cats, err := a.st.Categories(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	known := map[string]bool{}
	for _, cat := range cats {
		known[cat.ID], known[cat.Name] = true, true
	}
	for i := range in.Rules {
		d := &in.Rules[i]
		d.Type, d.Category, d.Urgency = strings.TrimSpace(d.Type), strings.TrimSpace(d.Category), strings.TrimSpace(d.Urgency)
		d.SignFor, d.Handling, d.Reply, d.Supervise = strings.TrimSpace(d.SignFor), strings.TrimSpace(d.Handling), strings.TrimSpace(d.Reply), strings.TrimSpace(d.Supervise)
		if d.Category != "" && !known[d.Category] {
			note(fmt.Sprintf("rules.%d.category", i+1), "no such category")
		}
	}
	_, errs := sla.CheckRules(in.Rules)
	for _, e := range errs {
		note(fmt.Sprintf("rules.%d.%s", e.Rule, e.Field), e.Reason)
	}
	if in.Periods != nil {
		var ps []workcal.Period
		for i, s := range in.Periods {
			p, err := workcal.ParsePeriod(strings.TrimSpace(s))
			if err != nil {
				note(fmt.Sprintf("periods.%d", i+1), err.Error())
				continue
			}
			in.Periods[i], ps = p.String(), append(ps, p)
		}
		if len(fe) == 0 || len(ps) == len(in.Periods) {
			if _, err := workcal.New(workcal.WithPeriods(ps...)); err != nil {
				note("periods", strings.TrimPrefix(err.Error(), "workcal: "))
			}
		}
	}
	if len(fe) > 0 {
		a.fail(w, r, badRequest(fmt.Sprintf("%s (%d problems; nothing was saved)", first, len(fe)), fe))
		return
	}
	detail := fmt.Sprintf("%d rules", len(in.Rules))
	err = a.st.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.SaveSetting(r.Context(), sla.RulesKey, in.Rules, c.Username); err != nil {
			return err
		}
		if in.Periods != nil {
			detail += "; periods " + strings.Join(in.Periods, ",")
			if err := tx.SaveSetting(r.Context(), sla.PeriodsKey, in.Periods, c.Username); err != nil {
				return err
			}
		}
		if in.AllDay != nil {
			detail += fmt.Sprintf("; all day %v", *in.AllDay)
			if err := tx.SaveSetting(r.Context(), sla.AllDayKey, *in.AllDay, c.Username); err != nil {
				return err
			}
		}
		return tx.Audit(r.Context(), store.AuditEntry{Actor: c.Username, Role: string(c.Role), Action: "sla.rules",
			ObjectType: "settings", ObjectID: sla.RulesKey, Detail: detail})
	})
	if err == nil {
		err = a.reloadClock(r.Context())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.timeLimits(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
