package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/org"
)

func (a *api) listDepartments(w http.ResponseWriter, r *http.Request, c *caller) {
	depts, err := a.st.Departments(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nest(depts, wantTree(r), func(d org.Department, kids []departmentNode) departmentNode {
		return departmentNode{Department: d, Children: kids}
	}))
}
