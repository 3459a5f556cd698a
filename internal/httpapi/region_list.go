package httpapi

import (
	"net/http"
	"strconv"

	"github.com/hotline-dev/hotline/internal/org"
)

func (a *api) listRegions(w http.ResponseWriter, r *http.Request, c *caller) {
	regions, err := a.st.Regions(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Boundaries can be large; they are sent only when asked for.
	if b, _ := strconv.ParseBool(r.URL.Query().Get("boundary")); !b {
		for i := range regions {
			regions[i].Boundary = nil
		}
	}
	writeJSON(w, http.StatusOK, nest(regions, wantTree(r), func(x org.Region, kids []regionNode) regionNode {
		return regionNode{Region: x, Children: kids}
	}))
}
