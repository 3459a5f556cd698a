package httpapi

import (
	"context"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/workcal"
)

// registerTimeLimitRoutes adds the time-limit rules (时限规则) endpoints: the built-in
// rules, the city's own rules and working hours (工作时间), and a preview of what a request
// resolves to. registerRoutes calls it.
func (a *api) registerTimeLimitRoutes() {
	a.add(route{Method: "GET", Path: "/api/v1/sla/rules", Summary: "Time-limit rules: the defaults (read-only), the city's rules, working hours, and every type × urgency resolved",
		Tag: "calendar", Perm: access.ManageTimeLimits, Response: timeLimits{}, auth: a.getTimeLimits})
	a.add(route{Method: "PUT", Path: "/api/v1/sla/rules", Summary: "Replace the city's time-limit rules (and, when given, the working hours); all or nothing",
		Description: "Each rule: type, category (id or name), urgency (each empty for any), limits as 15wd (working days), 4wh / 90wm (working hours / minutes), 24h / 30m (clock time), " +
			"pause allow|deny, warn_at in [0,1). 400 names each bad field as rules.N.field (N from 1); nothing is saved then. " +
			"In force at once for new deadlines on this node, within a minute on the others; deadlines already set are not moved.",
		Tag: "calendar", Perm: access.ManageTimeLimits, Request: timeLimitsInput{}, Response: timeLimits{}, auth: a.putTimeLimits})
	a.add(route{Method: "GET", Path: "/api/v1/sla/resolve", Summary: "The limits a request of this type, category and urgency gets under the rules in force",
		Tag: "calendar", Perm: access.ManageTimeLimits, Query: []param{{Name: "type", Description: "request type, e.g. complaint"},
			{Name: "category", Description: "category id; empty for none"}, {Name: "urgency", Description: "urgent, expedited or normal (default normal)"}},
		Response: resolvedLimits{}, auth: a.resolveTimeLimits})
}

// ruleView is one rule as the administrator writes it, with where it comes from.
type ruleView struct {
	sla.RuleDoc
	Default      bool     `json:"default" doc:"built in: read-only, applied before the city's rules"`
	CategoryPath []string `json:"category_path,omitempty" doc:"the category's names from the root, when it names one"`
}

// resolvedLimits is what a request resolves to; limits as in a rule ("" for none).
type resolvedLimits struct {
	Type         string   `json:"type"`
	Urgency      string   `json:"urgency"`
	Category     string   `json:"category,omitempty"`
	CategoryPath []string `json:"category_path,omitempty"`
	SignFor      string   `json:"sign_for" doc:"签收时限"`
	Handling     string   `json:"handling" doc:"办理时限"`
	Reply        string   `json:"reply" doc:"答复时限"`
	Supervise    string   `json:"supervise,omitempty" doc:"督办: this long after the handling deadline; empty for never"`
	Pausable     bool     `json:"pausable" doc:"挂起: the clock stops while the ticket waits on the citizen"`
	WarnAt       float64  `json:"warn_at" doc:"预警 after this share of a limit"`
}

func resolvedView(typ, urgency, category string, path []string, l workcal.Limits) resolvedLimits {
	return resolvedLimits{Type: typ, Urgency: urgency, Category: category, CategoryPath: path, SignFor: l.SignFor.Spec(),
		Handling: l.Handling.Spec(), Reply: l.Reply.Spec(), Supervise: l.Supervise.Spec(), Pausable: l.Pausable, WarnAt: l.WarnAt}
}

// timeClock is the clock in force: the running one, or one read from the database when this
// handler runs without it (tests, tools).
func (a *api) timeClock(ctx context.Context) (*sla.SLA, error) {
	if a.clock != nil {
		return a.clock, nil
	}
	return sla.Load(ctx, a.st)
}
