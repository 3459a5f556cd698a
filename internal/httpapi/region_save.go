package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/hotline-dev/hotline/internal/org"
)

type regionInput struct {
	Code     string          `json:"code"`
	Name     string          `json:"name"`
	ParentID string          `json:"parent_id,omitempty"`
	Level    org.RegionLevel `json:"level"`
	Boundary json.RawMessage `json:"boundary,omitempty" doc:"GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection"`
}

func (a *api) createRegion(w http.ResponseWriter, r *http.Request, c *caller) {
	a.saveRegion(w, r, c, "")
}

func (a *api) updateRegion(w http.ResponseWriter, r *http.Request, c *caller) {
	a.saveRegion(w, r, c, r.PathValue("id"))
}

func (a *api) saveRegion(w http.ResponseWriter, r *http.Request, c *caller, id string) {
	var in regionInput
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	reg := &org.Region{ID: id, Code: in.Code, Name: in.Name, ParentID: in.ParentID, Level: in.Level, Boundary: in.Boundary}
	if err := a.svc.SaveRegion(r.Context(), c.Principal, reg, id == ""); err != nil {
		a.fail(w, r, err)
		return
	}
	a.forgetNames()
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	writeJSON(w, status, regionNode{Region: *reg})
}
