package httpapi

import (
	"net/http"
	netmail "net/mail"

	"github.com/hotline-dev/hotline/internal/org"
)

type departmentInput struct {
	Code     string             `json:"code"`
	Name     string             `json:"name"`
	ParentID string             `json:"parent_id,omitempty"`
	Kind     org.DepartmentKind `json:"kind"`
	Phone    string             `json:"phone,omitempty"`
	Email    string             `json:"email,omitempty" doc:"notifications by e-mail (派单通知): a bare address"`
}

func (a *api) createDepartment(w http.ResponseWriter, r *http.Request, c *caller) {
	a.saveDepartment(w, r, c, "")
}

func (a *api) updateDepartment(w http.ResponseWriter, r *http.Request, c *caller) {
	a.saveDepartment(w, r, c, r.PathValue("id"))
}

func (a *api) saveDepartment(w http.ResponseWriter, r *http.Request, c *caller, id string) {
	var in departmentInput
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Email != "" {
		if addr, err := netmail.ParseAddress(in.Email); err != nil || addr.Address != in.Email {
			a.fail(w, r, fieldError("email", "a bare e-mail address such as office@water.example.gov.cn"))
			return
		}
	}
	d := &org.Department{ID: id, Code: in.Code, Name: in.Name, ParentID: in.ParentID, Kind: in.Kind, Phone: in.Phone, Email: in.Email}
	if err := a.svc.SaveDepartment(r.Context(), c.Principal, d, id == ""); err != nil {
		a.fail(w, r, err)
		return
	}
	a.forgetNames()
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	writeJSON(w, status, departmentNode{Department: *d})
}
