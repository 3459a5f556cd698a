package suggest

import "testing"

func TestRulesMatch(t *testing.T) {
	rules := NewRules([]Rule{
		{ID: "r1", CategoryID: "cs", DepartmentID: "city-urban"},          // 城乡建设 anywhere
		{ID: "r2", CategoryID: "cs-srhw", DepartmentID: "city-chengguan"}, // 市容环卫 anywhere
		{ID: "r3", CategoryID: "cs-srhw", RegionID: "a3", DepartmentID: "a3-chengguan"},
		{ID: "r4", CategoryID: "cs-srhw", RegionID: "a3", DepartmentID: "a3-other", Priority: -1},
		{ID: "r5", RegionID: "a3-yuhua", DepartmentID: "yuhua-street"}, // anything in 雨花街道
		{ID: "r6", CategoryID: "jt", DepartmentID: ""},                 // no department: ignored
	})
	for _, tc := range []struct {
		name       string
		cat, reg   []string
		wantDept   string
		wantRuleID string
	}{
		{"deeper category beats shallower", []string{"cs", "cs-srhw", "cs-srhw-zdjy"}, []string{"a"}, "city-chengguan", "r2"},
		{"region narrows", []string{"cs", "cs-srhw"}, []string{"a", "a3"}, "a3-chengguan", "r3"},
		{"category depth beats region depth", []string{"cs", "cs-srhw"}, []string{"a", "a3", "a3-yuhua"}, "a3-chengguan", "r3"},
		{"region-only rule", []string{"jt"}, []string{"a", "a3", "a3-yuhua"}, "yuhua-street", "r5"},
		{"parent category", []string{"cs", "cs-jz"}, nil, "city-urban", "r1"},
		{"no match", []string{"jt"}, []string{"a", "a1"}, "", ""},
	} {
		r, ok := rules.Match(tc.cat, tc.reg)
		if r.DepartmentID != tc.wantDept || r.ID != tc.wantRuleID || ok != (tc.wantDept != "") {
			t.Errorf("%s: got %+v %v, want %s/%s", tc.name, r, ok, tc.wantRuleID, tc.wantDept)
		}
	}
	var none *Rules
	if _, ok := none.Match([]string{"cs"}, nil); ok {
		t.Error("nil table matched")
	}
}
