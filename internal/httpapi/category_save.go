package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/org"
)

type categoryInput struct {
	Name         string         `json:"name"`
	ParentID     string         `json:"parent_id,omitempty"`
	Fields       []org.FieldDef `json:"fields,omitempty" doc:"custom fields asked for this category"`
	DepartmentID string         `json:"department_id,omitempty" doc:"where its tickets usually go"`
}

func (a *api) createCategory(w http.ResponseWriter, r *http.Request, c *caller) {
	a.saveCategory(w, r, c, "")
}

func (a *api) updateCategory(w http.ResponseWriter, r *http.Request, c *caller) {
	a.saveCategory(w, r, c, r.PathValue("id"))
}

func (a *api) saveCategory(w http.ResponseWriter, r *http.Request, c *caller, id string) {
	var in categoryInput
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	cat := &org.Category{ID: id, Name: in.Name, ParentID: in.ParentID, Fields: in.Fields, DepartmentID: in.DepartmentID}
	ctx := r.Context()
	if err := a.svc.SaveCategory(ctx, c.Principal, cat, id == ""); err != nil {
		a.fail(w, r, err)
		return
	}
	a.forgetNames()
	cats, err := a.st.Categories(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	writeJSON(w, status, categoryNode{Category: *cat, Path: org.CategoryPath(org.NewTree(cats), cat.ID)})
}
