package httpapi_test

import (
	"testing"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// A department's e-mail address (where its dispatch notices go) is kept and checked.
func TestDepartmentEmail(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t))
			var out struct {
				ID    string `json:"id"`
				Email string `json:"email"`
			}
			in := map[string]any{"code": "GAS", "name": "市燃气集团", "parent_id": apitest.Centre, "kind": "company", "email": "duty@gas.example.gov.cn"}
			if s := e.Do("POST", "/api/v1/departments", e.Tokens["admin"], in, &out); s != 201 || out.Email != "duty@gas.example.gov.cn" {
				t.Fatalf("create with e-mail: %d %+v", s, out)
			}
			for _, bad := range []string{"not an address", "燃气 <duty@gas.example.gov.cn>"} {
				in["email"] = bad
				if s := e.Do("PUT", "/api/v1/departments/"+out.ID, e.Tokens["admin"], in, nil); s != 400 {
					t.Errorf("e-mail %q: %d, want 400", bad, s)
				}
			}
			deps, err := e.Store.Departments(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range deps {
				if d.ID == out.ID && d.Email != "duty@gas.example.gov.cn" {
					t.Errorf("stored e-mail %q after refused changes", d.Email)
				}
			}
		})
	}
}
