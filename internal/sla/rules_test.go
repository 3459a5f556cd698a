package sla_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/workcal"
)

// TestCheckRules: every bad field of every entered rule is named (rules counted from 1), and
// the defaults written back as documents read as the same rules.
func TestCheckRules(t *testing.T) {
	_, errs := sla.CheckRules([]sla.RuleDoc{
		{Type: "complaint", Handling: "5wd"},
		{Type: "投诉", Handling: "5 days", Reply: "0wd", WarnAt: 1},
		{Urgency: "urgent"},
	})
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%d.%s", e.Rule, e.Field))
	}
	if want := "2.handling 2.reply 2.type 2.warn_at 3.handling"; strings.Join(got, " ") != want {
		t.Errorf("fields %v, want %s", got, want)
	}
	var docs []sla.RuleDoc
	for _, r := range workcal.DefaultRules() {
		docs = append(docs, sla.DocOf(r))
	}
	back, errs := sla.CheckRules(docs)
	if len(errs) > 0 || !reflect.DeepEqual(back, workcal.DefaultRules()) {
		t.Errorf("the defaults do not round-trip: %v", errs)
	}
}
