package workorder

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

var (
	codeRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)
	fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

func checkName(fe ticket.FieldErrors, name string) {
	if strings.TrimSpace(name) == "" {
		fe["name"] = "a name is required"
	} else if utf8.RuneCountInString(name) > 100 {
		fe["name"] = "at most 100 characters"
	}
}

// SaveDepartment creates (isNew) or updates a department. A parent must exist and may not
// lie below the department itself.
func (s *Service) SaveDepartment(ctx context.Context, p access.Principal, d *org.Department, isNew bool) error {
	if !p.Has(access.ManageOrg) {
		return ErrForbidden
	}
	if s.departments != nil {
		defer s.departments.forget()
	}
	all, err := s.Store.Departments(ctx)
	if err != nil {
		return err
	}
	tree := org.NewTree(all)
	if !isNew {
		if _, ok := tree.Get(d.ID); !ok {
			return store.ErrNotFound
		}
	}
	d.Name, d.Code = strings.TrimSpace(d.Name), strings.TrimSpace(d.Code)
	fe := ticket.FieldErrors{}
	checkName(fe, d.Name)
	if !codeRE.MatchString(d.Code) {
		fe["code"] = "1 to 32 letters, digits, dot, dash or underscore"
	}
	switch d.Kind {
	case org.KindCentre, org.KindBureau, org.KindDistrict, org.KindStreet, org.KindCommunity, org.KindCompany:
	default:
		fe["kind"] = "one of centre, bureau, district, street, community, company"
	}
	if d.Phone != "" && !ticket.ValidPhone(d.Phone) {
		fe["phone"] = "digits only, 5 to 20 of them"
	}
	checkParent(fe, tree, d.ID, d.ParentID, isNew)
	if len(fe) > 0 {
		return fe
	}
	return s.saveOrg(ctx, p, "department", d.Name, isNew, func(tx *store.Tx) error { return tx.SaveDepartment(ctx, d) },
		func() error { return ticket.FieldErrors{"code": "already taken"} }, &d.ID)
}

func checkParent[T org.Node](fe ticket.FieldErrors, tree *org.Tree[T], id, parent string, isNew bool) {
	if parent == "" {
		return
	}
	if _, ok := tree.Get(parent); !ok {
		fe["parent_id"] = "no such parent"
	} else if !isNew && tree.WouldCycle(id, parent) {
		fe["parent_id"] = "a node cannot move below itself"
	}
}

// saveOrg writes one organisation node with its audit line; a unique-key clash becomes the
// field error conflict() describes.
func (s *Service) saveOrg(ctx context.Context, p access.Principal, kind, name string, isNew bool,
	save func(*store.Tx) error, conflict func() error, id *string) error {
	action := kind + ".update"
	if isNew {
		action = kind + ".create"
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := save(tx); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: action,
			ObjectType: kind, ObjectID: *id, Detail: name})
	})
	if errors.Is(err, store.ErrConflict) {
		return conflict()
	}
	return err
}

// SaveRegion creates or updates a region; a boundary must be a GeoJSON Polygon or MultiPolygon.
func (s *Service) SaveRegion(ctx context.Context, p access.Principal, r *org.Region, isNew bool) error {
	if !p.Has(access.ManageOrg) {
		return ErrForbidden
	}
	all, err := s.Store.Regions(ctx)
	if err != nil {
		return err
	}
	tree := org.NewTree(all)
	if !isNew {
		if _, ok := tree.Get(r.ID); !ok {
			return store.ErrNotFound
		}
	}
	r.Name, r.Code = strings.TrimSpace(r.Name), strings.TrimSpace(r.Code)
	fe := ticket.FieldErrors{}
	checkName(fe, r.Name)
	if !codeRE.MatchString(r.Code) {
		fe["code"] = "1 to 32 letters, digits, dot, dash or underscore"
	}
	switch r.Level {
	case org.LevelCity, org.LevelDistrict, org.LevelStreet, org.LevelCommunity:
	default:
		fe["level"] = "one of city, district, street, community"
	}
	if b := strings.TrimSpace(string(r.Boundary)); b == "" || b == "null" {
		r.Boundary = nil
	} else if _, err := org.ParseBoundary(r.Boundary); err != nil {
		fe["boundary"] = err.Error()
	} else {
		var compact json.RawMessage
		if err := json.Unmarshal(r.Boundary, &compact); err == nil {
			r.Boundary = compact
		}
	}
	checkParent(fe, tree, r.ID, r.ParentID, isNew)
	if len(fe) > 0 {
		return fe
	}
	if s.regions != nil {
		defer s.regions.forget()
	}
	return s.saveOrg(ctx, p, "region", r.Name, isNew, func(tx *store.Tx) error { return tx.SaveRegion(ctx, r) },
		func() error { return ticket.FieldErrors{"code": "already taken"} }, &r.ID)
}

// SaveCategory creates or updates a category. Its level follows from its parent (at most 3);
// a category with subcategories may not change level, so the tree stays three deep.
func (s *Service) SaveCategory(ctx context.Context, p access.Principal, c *org.Category, isNew bool) error {
	if !p.Has(access.ManageOrg) {
		return ErrForbidden
	}
	all, err := s.Store.Categories(ctx)
	if err != nil {
		return err
	}
	tree := org.NewTree(all)
	old, exists := tree.Get(c.ID)
	if !isNew && !exists {
		return store.ErrNotFound
	}
	c.Name = strings.TrimSpace(c.Name)
	fe := ticket.FieldErrors{}
	checkName(fe, c.Name)
	checkParent(fe, tree, c.ID, c.ParentID, isNew)
	c.Level = 1
	if parent, ok := tree.Get(c.ParentID); ok {
		c.Level = parent.Level + 1
	}
	if c.Level > 3 {
		fe["parent_id"] = "categories are at most three levels deep"
	}
	if !isNew && c.Level != old.Level && len(tree.Children(c.ID)) > 0 {
		fe["parent_id"] = "a category with subcategories cannot change level; move its subcategories first"
	}
	seen := map[string]bool{}
	for i, f := range c.Fields {
		key := "fields." + itoa(i)
		switch {
		case !fieldKeyRE.MatchString(f.Key):
			fe[key+".key"] = "lower-case letters, digits and underscores, starting with a letter"
		case seen[f.Key]:
			fe[key+".key"] = "used twice"
		}
		seen[f.Key] = true
		switch ticket.FieldType(f.Type) {
		case ticket.FieldText, ticket.FieldNumber, ticket.FieldBool, ticket.FieldDate:
		default:
			fe[key+".type"] = "one of text, number, bool, date"
		}
		if strings.TrimSpace(f.Label) == "" {
			fe[key+".label"] = "a label is required"
		}
	}
	if c.DepartmentID != "" {
		depts, err := s.Store.Departments(ctx)
		if err != nil {
			return err
		}
		if _, ok := org.NewTree(depts).Get(c.DepartmentID); !ok {
			fe["department_id"] = "no such department"
		}
	}
	if len(fe) > 0 {
		return fe
	}
	if s.categories != nil {
		defer s.categories.forget()
	}
	return s.saveOrg(ctx, p, "category", c.Name, isNew, func(tx *store.Tx) error { return tx.SaveCategory(ctx, c) },
		func() error {
			return ticket.FieldErrors{"name": "a category with this name exists under the same parent"}
		}, &c.ID)
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
