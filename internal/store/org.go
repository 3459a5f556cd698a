package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hotline-dev/hotline/internal/org"
)

// SaveDepartment inserts or updates a department (by id).
func (tx *Tx) SaveDepartment(ctx context.Context, d *org.Department) error {
	if d.ID == "" {
		d.ID = NewID()
	}
	_, err := tx.exec(ctx, `INSERT INTO departments (id, code, name, parent_id, kind, phone, created_at, email)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET code = $2, name = $3, parent_id = $4, kind = $5, phone = $6, email = $8`,
		d.ID, d.Code, d.Name, d.ParentID, string(d.Kind), d.Phone, ms(tx.s.now()), d.Email)
	if err != nil {
		return fmt.Errorf("store: save department: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

// Departments lists every department.
func (s *Store) Departments(ctx context.Context) ([]org.Department, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, name, parent_id, kind, phone, email FROM departments ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org.Department
	for rows.Next() {
		var d org.Department
		if err := rows.Scan(&d.ID, &d.Code, &d.Name, &d.ParentID, &d.Kind, &d.Phone, &d.Email); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DepartmentByCode finds a department by its code.
func (s *Store) DepartmentByCode(ctx context.Context, code string) (*org.Department, error) {
	var d org.Department
	err := s.db.QueryRowContext(ctx, `SELECT id, code, name, parent_id, kind, phone, email FROM departments WHERE code = $1`, code).
		Scan(&d.ID, &d.Code, &d.Name, &d.ParentID, &d.Kind, &d.Phone, &d.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &d, err
}

// SaveRegion inserts or updates a region (by id).
func (tx *Tx) SaveRegion(ctx context.Context, r *org.Region) error {
	if r.ID == "" {
		r.ID = NewID()
	}
	var boundary any
	if len(r.Boundary) > 0 {
		boundary = string(r.Boundary)
	}
	_, err := tx.exec(ctx, `INSERT INTO regions (id, code, name, parent_id, level, boundary, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET code = $2, name = $3, parent_id = $4, level = $5, boundary = $6`,
		r.ID, r.Code, r.Name, r.ParentID, string(r.Level), boundary, ms(tx.s.now()))
	if err != nil {
		return fmt.Errorf("store: save region: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

// Regions lists every region, with boundaries.
func (s *Store) Regions(ctx context.Context) ([]org.Region, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, name, parent_id, level, boundary FROM regions ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org.Region
	for rows.Next() {
		var r org.Region
		var b sql.NullString
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.ParentID, &r.Level, &b); err != nil {
			return nil, err
		}
		if b.Valid && b.String != "" {
			r.Boundary = json.RawMessage(b.String)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveCategory inserts or updates a category (by id).
func (tx *Tx) SaveCategory(ctx context.Context, c *org.Category) error {
	if c.ID == "" {
		c.ID = NewID()
	}
	_, err := tx.exec(ctx, `INSERT INTO categories (id, name, parent_id, level, fields, department_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET name = $2, parent_id = $3, level = $4, fields = $5, department_id = $6`,
		c.ID, c.Name, c.ParentID, c.Level, jsonOrNull(c.Fields, len(c.Fields) == 0), c.DepartmentID, ms(tx.s.now()))
	if err != nil {
		return fmt.Errorf("store: save category: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

// CategoryByName finds the child of parentID ("" for the top level) called name.
func (tx *Tx) CategoryByName(ctx context.Context, parentID, name string) (*org.Category, error) {
	return scanCategory(tx.queryRow(ctx, `SELECT id, name, parent_id, level, fields, department_id
		FROM categories WHERE parent_id = $1 AND name = $2`, parentID, name))
}

func scanCategory(row scanner) (*org.Category, error) {
	var c org.Category
	var f sql.NullString
	err := row.Scan(&c.ID, &c.Name, &c.ParentID, &c.Level, &f, &c.DepartmentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if f.Valid && f.String != "" {
		_ = json.Unmarshal([]byte(f.String), &c.Fields)
	}
	return &c, nil
}

// Categories lists the whole category tree.
func (s *Store) Categories(ctx context.Context) ([]org.Category, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, parent_id, level, fields, department_id FROM categories ORDER BY level, created_at, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org.Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// CategoryByID finds one category.
func (s *Store) CategoryByID(ctx context.Context, id string) (*org.Category, error) {
	return scanCategory(s.db.QueryRowContext(ctx, `SELECT id, name, parent_id, level, fields, department_id
		FROM categories WHERE id = $1`, id))
}

// RegionExists reports whether a region with this id exists (without reading its boundary).
func (s *Store) RegionExists(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM regions WHERE id = $1`, id).Scan(&n)
	return n > 0, err
}
