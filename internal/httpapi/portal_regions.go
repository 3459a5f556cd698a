package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/hotline-dev/hotline/internal/org"
)

// portalRegion is a region outline for the portal's map: the city, its districts and streets
// (communities are too fine to help a citizen place a point).
type portalRegion struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Level    org.RegionLevel `json:"level"`
	Boundary json.RawMessage `json:"boundary,omitempty"`
}

func (a *api) portalRegions(w http.ResponseWriter, r *http.Request) {
	regs, err := a.st.Regions(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []portalRegion{}
	for _, x := range regs {
		if x.Level == org.LevelCommunity || len(x.Boundary) == 0 {
			continue
		}
		out = append(out, portalRegion{ID: x.ID, Name: x.Name, Level: x.Level, Boundary: x.Boundary})
	}
	writeJSON(w, http.StatusOK, out)
}
