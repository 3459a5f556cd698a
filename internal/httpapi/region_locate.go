package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/ticket"
)

type locateResult struct {
	RegionID string   `json:"region_id,omitempty" doc:"absent when no region's boundary holds the point"`
	Path     []string `json:"path" doc:"region names from the city down"`
}

func (a *api) locateRegion(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	fe := ticket.FieldErrors{}
	lat, err := strconv.ParseFloat(q.Get("lat"), 64)
	if err != nil || lat < -90 || lat > 90 {
		fe["lat"] = "a latitude from -90 to 90"
	}
	lng, err := strconv.ParseFloat(q.Get("lng"), 64)
	if err != nil || lng < -180 || lng > 180 {
		fe["lng"] = "a longitude from -180 to 180"
	}
	if len(fe) > 0 {
		a.fail(w, r, fe)
		return
	}
	regions, err := a.st.Regions(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := locateResult{RegionID: org.Locate(regions, lng, lat), Path: []string{}}
	for _, x := range org.NewTree(regions).Path(out.RegionID) {
		out.Path = append(out.Path, x.Name)
	}
	writeJSON(w, http.StatusOK, out)
}
