package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// portalCategory is a category as the public sees it: no routing, no field definitions.
type portalCategory struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Children []portalCategory `json:"children,omitempty"`
}

// publicCategory reports whether a citizen may choose c: one with required custom fields
// needs what only staff fill in, so it (and what lies under it) stays off the portal.
func publicCategory(c org.Category) bool {
	for _, f := range c.Fields {
		if f.Required {
			return false
		}
	}
	return true
}

func (a *api) portalCategories(w http.ResponseWriter, r *http.Request) {
	n, err := a.names(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var walk func(parent string) []portalCategory
	walk = func(parent string) []portalCategory {
		out := []portalCategory{}
		for _, id := range n.cats.Children(parent) {
			c, _ := n.cats.Get(id)
			if publicCategory(c) {
				kids := walk(id)
				if len(kids) == 0 {
					kids = nil
				}
				out = append(out, portalCategory{ID: c.ID, Name: c.Name, Children: kids})
			}
		}
		return out
	}
	writeJSON(w, http.StatusOK, walk(""))
}

func (a *api) portalRequestTypes(w http.ResponseWriter, r *http.Request) {
	out := make([]named, 0, len(ticket.RequestTypes))
	for _, t := range ticket.RequestTypes {
		out = append(out, named{string(t.ID), t.Name})
	}
	writeJSON(w, http.StatusOK, out)
}

// portalCategoryOK reports whether id names a category the portal offers.
func portalCategoryOK(cats *org.Tree[org.Category], id string) bool {
	path := cats.Path(id)
	if len(path) == 0 {
		return false
	}
	for _, c := range path {
		if !publicCategory(c) {
			return false
		}
	}
	return true
}
