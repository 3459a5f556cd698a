// Package org holds the city's trees: departments (承办单位), regions (行政区划) and
// categories (诉求分类). It does no I/O.
package org

import (
	"encoding/json"
	"strings"
)

// DepartmentKind is a department's place in the organisation.
type DepartmentKind string

const (
	KindCentre    DepartmentKind = "centre"    // 热线中心
	KindBureau    DepartmentKind = "bureau"    // 市直部门
	KindDistrict  DepartmentKind = "district"  // 区县
	KindStreet    DepartmentKind = "street"    // 街道 / 乡镇
	KindCommunity DepartmentKind = "community" // 社区 / 村
	KindCompany   DepartmentKind = "company"   // 公共服务企业 (water, power, gas…)
)

// Department is a unit that can hold tickets.
type Department struct {
	ID       string         `json:"id"`
	Code     string         `json:"code"`
	Name     string         `json:"name"`
	ParentID string         `json:"parent_id,omitempty"`
	Kind     DepartmentKind `json:"kind"`
	Phone    string         `json:"phone,omitempty"`
	Email    string         `json:"email,omitempty"` // where its notifications (new dispatch, warnings) are mailed
}

// RegionLevel is a region's place in the administrative tree.
type RegionLevel string

const (
	LevelCity      RegionLevel = "city"
	LevelDistrict  RegionLevel = "district"
	LevelStreet    RegionLevel = "street"
	LevelCommunity RegionLevel = "community"
)

// Region is an area of the city, with an optional GeoJSON boundary (Polygon or MultiPolygon).
type Region struct {
	ID       string          `json:"id"`
	Code     string          `json:"code"`
	Name     string          `json:"name"`
	ParentID string          `json:"parent_id,omitempty"`
	Level    RegionLevel     `json:"level"`
	Boundary json.RawMessage `json:"boundary,omitempty"`
}

// Category is a node of the three-level subject tree (e.g. 城乡建设 › 市容环卫 › 占道经营).
type Category struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	ParentID string     `json:"parent_id,omitempty"`
	Level    int        `json:"level"`            // 1, 2 or 3
	Fields   []FieldDef `json:"fields,omitempty"` // custom fields asked for this category
	// DepartmentID is the department tickets of this category usually go to (派单规则 default).
	DepartmentID string `json:"department_id,omitempty"`
}

// FieldDef describes one custom field of a category.
type FieldDef struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Type     string   `json:"type"` // text, number, bool, date
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty"`
}

// Node is what the tree functions need of a department, region or category.
type Node interface {
	NodeID() string
	NodeParent() string
}

func (d Department) NodeID() string     { return d.ID }
func (d Department) NodeParent() string { return d.ParentID }
func (r Region) NodeID() string         { return r.ID }
func (r Region) NodeParent() string     { return r.ParentID }
func (c Category) NodeID() string       { return c.ID }
func (c Category) NodeParent() string   { return c.ParentID }

// Tree indexes nodes by id and by parent.
type Tree[T Node] struct {
	byID     map[string]T
	children map[string][]string
}

// NewTree builds a tree from a flat list.
func NewTree[T Node](nodes []T) *Tree[T] {
	t := &Tree[T]{byID: make(map[string]T, len(nodes)), children: map[string][]string{}}
	for _, n := range nodes {
		t.byID[n.NodeID()] = n
		t.children[n.NodeParent()] = append(t.children[n.NodeParent()], n.NodeID())
	}
	return t
}

// Get returns the node with id.
func (t *Tree[T]) Get(id string) (T, bool) { n, ok := t.byID[id]; return n, ok }

// Children returns the ids directly under id ("" for the roots).
func (t *Tree[T]) Children(id string) []string { return t.children[id] }

// Subtree returns id and every id below it.
func (t *Tree[T]) Subtree(id string) map[string]bool {
	out := map[string]bool{}
	stack := []string{id}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if out[n] {
			continue // a cycle in bad data must not loop forever
		}
		out[n] = true
		stack = append(stack, t.children[n]...)
	}
	return out
}

// Within reports whether id is ancestor or id itself, or below it.
func (t *Tree[T]) Within(id, ancestor string) bool {
	for seen := 0; id != "" && seen < 64; seen++ {
		if id == ancestor {
			return true
		}
		n, ok := t.byID[id]
		if !ok {
			return false
		}
		id = n.NodeParent()
	}
	return false
}

// Path returns the nodes from the root down to id.
func (t *Tree[T]) Path(id string) []T {
	var rev []T
	for seen := 0; id != "" && seen < 64; seen++ {
		n, ok := t.byID[id]
		if !ok {
			break
		}
		rev = append(rev, n)
		id = n.NodeParent()
	}
	out := make([]T, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}

// WouldCycle reports whether giving id the parent newParent would put id below itself.
func (t *Tree[T]) WouldCycle(id, newParent string) bool {
	return newParent != "" && (newParent == id || t.Within(newParent, id))
}

// CategoryPath returns the names from the top level down, e.g. [城乡建设 市容环卫 占道经营].
func CategoryPath(t *Tree[Category], id string) []string {
	var names []string
	for _, c := range t.Path(id) {
		names = append(names, c.Name)
	}
	return names
}

// JoinPath renders a category path the way agents read it.
func JoinPath(names []string) string { return strings.Join(names, " › ") }

// FieldValue is a custom field as a ticket carries it.
type FieldValue struct {
	Type  string
	Value any
}

// CheckFields checks a ticket's custom values against its category's definitions: required
// fields present, types as defined, values among the options when options are listed.
// It returns what is wrong by field key.
func CheckFields(defs []FieldDef, values map[string]FieldValue) map[string]string {
	bad := map[string]string{}
	for _, d := range defs {
		v, ok := values[d.Key]
		if !ok {
			if d.Required {
				bad[d.Key] = d.Label + " is required"
			}
			continue
		}
		if d.Type != "" && v.Type != d.Type {
			bad[d.Key] = "want a " + d.Type
			continue
		}
		if len(d.Options) > 0 {
			s, _ := v.Value.(string)
			found := false
			for _, o := range d.Options {
				found = found || o == s
			}
			if !found {
				bad[d.Key] = "one of " + strings.Join(d.Options, ", ")
			}
		}
	}
	return bad
}
