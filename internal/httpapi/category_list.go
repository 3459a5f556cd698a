package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/org"
)

func (a *api) listCategories(w http.ResponseWriter, r *http.Request, c *caller) {
	cats, err := a.st.Categories(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	tree := org.NewTree(cats)
	writeJSON(w, http.StatusOK, nest(cats, wantTree(r), func(x org.Category, kids []categoryNode) categoryNode {
		return categoryNode{Category: x, Path: org.CategoryPath(tree, x.ID), Children: kids}
	}))
}
