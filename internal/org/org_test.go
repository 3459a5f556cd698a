package org

import (
	"encoding/json"
	"testing"
)

func TestTree(t *testing.T) {
	tr := NewTree([]Department{{ID: "c"}, {ID: "d", ParentID: "c"}, {ID: "s", ParentID: "d"}, {ID: "w", ParentID: "c"}})
	if !tr.Within("s", "c") || tr.Within("w", "d") || len(tr.Subtree("d")) != 2 || len(tr.Path("s")) != 3 {
		t.Fatal("tree relations")
	}
	if !tr.WouldCycle("d", "s") || tr.WouldCycle("s", "w") || !tr.WouldCycle("d", "d") {
		t.Fatal("cycle detection")
	}
	loop := NewTree([]Department{{ID: "a", ParentID: "b"}, {ID: "b", ParentID: "a"}})
	if len(loop.Subtree("a")) != 2 || len(loop.Path("a")) == 0 {
		t.Fatal("a cycle in bad data must end")
	}
}

func TestBoundaries(t *testing.T) {
	square := `{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}`
	ps, err := ParseBoundary(json.RawMessage(square))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		x, y float64
		in   bool
	}{{1, 1, true}, {5, 5, false}, {11, 1, false}, {9.9, 9.9, true}} {
		if Contains(ps, c.x, c.y) != c.in {
			t.Errorf("(%v,%v) in=%v", c.x, c.y, !c.in)
		}
	}
	feature := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + square + `}]}`
	if _, err := ParseBoundary(json.RawMessage(feature)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`{"type":"Point","coordinates":[1,2]}`, `{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`, `nope`} {
		if _, err := ParseBoundary(json.RawMessage(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	regions := []Region{
		{ID: "city", Boundary: json.RawMessage(`{"type":"Polygon","coordinates":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}`)},
		{ID: "district", ParentID: "city", Boundary: json.RawMessage(square)},
	}
	if Locate(regions, 1, 1) != "district" || Locate(regions, 50, 50) != "city" || Locate(regions, 500, 5) != "" {
		t.Fatal("Locate picks the deepest containing region")
	}
}

func TestCheckFields(t *testing.T) {
	defs := []FieldDef{{Key: "stalls", Label: "摊位数", Type: "number", Required: true},
		{Key: "kind", Label: "类型", Type: "text", Options: []string{"流动", "固定"}}}
	if bad := CheckFields(defs, map[string]FieldValue{"stalls": {Type: "number", Value: 2.0}, "kind": {Type: "text", Value: "流动"}}); len(bad) != 0 {
		t.Fatalf("valid values refused: %v", bad)
	}
	bad := CheckFields(defs, map[string]FieldValue{"kind": {Type: "text", Value: "其他"}})
	if bad["stalls"] == "" || bad["kind"] == "" {
		t.Fatalf("missing required and bad option not caught: %v", bad)
	}
	if bad := CheckFields(defs, map[string]FieldValue{"stalls": {Type: "text", Value: "two"}}); bad["stalls"] == "" {
		t.Fatal("wrong type not caught")
	}
}
