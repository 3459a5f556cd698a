package suggest

import "sort"

// Rule is an explicit dispatch rule (派单规则): tickets of a category (or any of its
// subcategories) in a region (or any region inside it) go to a department. An empty
// CategoryID or RegionID matches everything.
type Rule struct {
	ID           string `json:"id"`
	CategoryID   string `json:"category_id,omitempty"`
	RegionID     string `json:"region_id,omitempty"`
	DepartmentID string `json:"department_id"`
	Priority     int    `json:"priority,omitempty"` // breaks ties between equally specific rules; higher wins
}

// Rules is an immutable rule table, loaded from the database by the caller.
type Rules struct {
	rules []Rule
}

// NewRules returns a rule table. Rules without a department are ignored.
func NewRules(rules []Rule) *Rules {
	t := &Rules{}
	for _, r := range rules {
		if r.DepartmentID != "" {
			t.rules = append(t.rules, r)
		}
	}
	// A fixed order makes the choice among equal rules independent of load order.
	sort.SliceStable(t.rules, func(i, j int) bool { return t.rules[i].ID < t.rules[j].ID })
	return t
}

// Match returns the most specific rule for a ticket whose category has the ID path
// categoryPath (root → leaf) and whose region has the ID path regionPath (city → community).
// The rule on the deeper category wins, then the one on the deeper region, then the higher
// Priority, then the smaller ID.
func (t *Rules) Match(categoryPath, regionPath []string) (Rule, bool) {
	if t == nil {
		return Rule{}, false
	}
	best, found := Rule{}, false
	bestCat, bestReg := -1, -1
	for _, r := range t.rules {
		c := depth(r.CategoryID, categoryPath)
		g := depth(r.RegionID, regionPath)
		if c < 0 || g < 0 {
			continue
		}
		better := !found || c > bestCat || (c == bestCat && g > bestReg) ||
			(c == bestCat && g == bestReg && r.Priority > best.Priority)
		if better {
			best, found, bestCat, bestReg = r, true, c, g
		}
	}
	return best, found
}

// depth is 0 for a wildcard, 1+index of id in path for a match, -1 for no match.
func depth(id string, path []string) int {
	if id == "" {
		return 0
	}
	for i, p := range path {
		if p == id {
			return i + 1
		}
	}
	return -1
}
