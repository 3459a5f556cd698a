package org

import (
	"encoding/json"
	"errors"
	"fmt"
)

// polygon is a GeoJSON polygon: an outer ring then holes, each ring of [lng, lat] points.
type polygon [][][2]float64

// ParseBoundary reads a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection
// (the first feature) into polygons, and rejects anything else with a clear reason.
func ParseBoundary(raw json.RawMessage) ([]polygon, error) {
	var g struct {
		Type        string            `json:"type"`
		Coordinates json.RawMessage   `json:"coordinates"`
		Geometry    json.RawMessage   `json:"geometry"`
		Features    []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("boundary is not GeoJSON: %v", err)
	}
	switch g.Type {
	case "Feature":
		return ParseBoundary(g.Geometry)
	case "FeatureCollection":
		if len(g.Features) == 0 {
			return nil, errors.New("boundary: empty FeatureCollection")
		}
		var all []polygon
		for _, f := range g.Features {
			ps, err := ParseBoundary(f)
			if err != nil {
				return nil, err
			}
			all = append(all, ps...)
		}
		return all, nil
	case "Polygon":
		var p polygon
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("boundary: bad Polygon coordinates: %v", err)
		}
		return []polygon{p}, checkRings(p)
	case "MultiPolygon":
		var ps []polygon
		if err := json.Unmarshal(g.Coordinates, &ps); err != nil {
			return nil, fmt.Errorf("boundary: bad MultiPolygon coordinates: %v", err)
		}
		for _, p := range ps {
			if err := checkRings(p); err != nil {
				return nil, err
			}
		}
		return ps, nil
	}
	return nil, fmt.Errorf("boundary: want a Polygon or MultiPolygon, got %q", g.Type)
}

func checkRings(p polygon) error {
	if len(p) == 0 {
		return errors.New("boundary: polygon without rings")
	}
	for _, ring := range p {
		if len(ring) < 4 {
			return errors.New("boundary: a ring needs at least 4 points (closed)")
		}
	}
	return nil
}

// Contains reports whether the point (lng, lat) lies inside any polygon (holes excluded).
func Contains(ps []polygon, lng, lat float64) bool {
	for _, p := range ps {
		if inRing(p[0], lng, lat) {
			inHole := false
			for _, hole := range p[1:] {
				if inRing(hole, lng, lat) {
					inHole = true
					break
				}
			}
			if !inHole {
				return true
			}
		}
	}
	return false
}

// inRing is the even-odd ray casting test.
func inRing(ring [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi := ring[i][0], ring[i][1]
		xj, yj := ring[j][0], ring[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// Locate returns the deepest region whose boundary contains the point, or "" if none does.
// Regions without a boundary are skipped. To locate many points, build a Locator once.
func Locate(regions []Region, lng, lat float64) string { return NewLocator(regions).Locate(lng, lat) }

// Locator answers point-in-region questions over boundaries parsed once.
type Locator struct{ areas []area }

type area struct {
	id                     string
	depth                  int
	polys                  []polygon
	minX, minY, maxX, maxY float64 // bounding box: most regions are ruled out without ray casting
}

// NewLocator parses the regions' boundaries; unparseable ones are skipped (they were
// checked when saved).
func NewLocator(regions []Region) *Locator {
	tree := NewTree(regions)
	l := &Locator{}
	for _, r := range regions {
		if len(r.Boundary) == 0 {
			continue
		}
		ps, err := ParseBoundary(r.Boundary)
		if err != nil {
			continue
		}
		a := area{id: r.ID, depth: len(tree.Path(r.ID)), polys: ps, minX: 181, minY: 91, maxX: -181, maxY: -91}
		for _, p := range ps {
			for _, pt := range p[0] {
				a.minX, a.maxX = min(a.minX, pt[0]), max(a.maxX, pt[0])
				a.minY, a.maxY = min(a.minY, pt[1]), max(a.maxY, pt[1])
			}
		}
		l.areas = append(l.areas, a)
	}
	return l
}

// Locate returns the deepest region containing the point (lng, lat), or "".
func (l *Locator) Locate(lng, lat float64) string {
	best, bestDepth := "", -1
	for _, a := range l.areas {
		if lng < a.minX || lng > a.maxX || lat < a.minY || lat > a.maxY || a.depth <= bestDepth {
			continue
		}
		if Contains(a.polys, lng, lat) {
			best, bestDepth = a.id, a.depth
		}
	}
	return best
}
