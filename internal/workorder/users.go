package workorder

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// MayManageUser reports whether p may create or change a user with this role and department:
// user administrators anyone; department administrators (部门管理员) only handlers and
// department administrators inside their own subtree.
func MayManageUser(p access.Principal, role, deptID string) error {
	if p.Has(access.ManageUsers) {
		return nil
	}
	if !p.Has(access.ManageDeptUser) {
		return ErrForbidden
	}
	r := access.Role(role)
	if (r != access.Handler && r != access.DeptAdmin) || !p.Departments[deptID] {
		return ErrForbidden
	}
	return nil
}

// Users lists the users p may manage.
func (s *Service) Users(ctx context.Context, p access.Principal) ([]*store.User, error) {
	if !p.Has(access.ManageUsers) && !p.Has(access.ManageDeptUser) {
		return nil, ErrForbidden
	}
	all, err := s.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	if p.Has(access.ManageUsers) {
		return all, nil
	}
	var out []*store.User
	for _, u := range all {
		if p.Departments[u.DepartmentID] {
			out = append(out, u)
		}
	}
	return out, nil
}

// UserPatch changes a user; nil fields stay as they are. Passwords are set through account.
type UserPatch struct {
	DisplayName  *string `json:"display_name,omitempty"`
	Role         *string `json:"role,omitempty"`
	DepartmentID *string `json:"department_id,omitempty"`
	PhoneGrant   *bool   `json:"phone_grant,omitempty" doc:"let a department user see full phone numbers"`
	Disabled     *bool   `json:"disabled,omitempty"`
	AgentExt     *string `json:"agent_ext,omitempty" doc:"the call-centre extension (坐席分机) the user answers on; \"\" unlinks"`
}

// UpdateUser changes a user's profile, role, department, phone grant or disabled flag.
// A role, department or disabled change ends the user's sessions, so it takes effect at once.
func (s *Service) UpdateUser(ctx context.Context, p access.Principal, id string, patch UserPatch) (*store.User, error) {
	u, err := s.Store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := MayManageUser(p, u.Role, u.DepartmentID); err != nil {
		return nil, store.ErrNotFound // outside p's reach: do not tell it exists
	}
	before := *u
	fe := ticket.FieldErrors{}
	if patch.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*patch.DisplayName)
		if utf8.RuneCountInString(u.DisplayName) > 100 {
			fe["display_name"] = "at most 100 characters"
		}
	}
	if patch.Role != nil {
		u.Role = *patch.Role
		if r := access.Role(u.Role); !r.Valid() || r == access.Citizen {
			fe["role"] = "one of agent, monitor, dispatcher, handler, dept_admin, leader, admin"
		}
	}
	if patch.DepartmentID != nil {
		u.DepartmentID = *patch.DepartmentID
	}
	if u.DepartmentID != "" {
		depts, err := s.Store.Departments(ctx)
		if err != nil {
			return nil, err
		}
		if _, ok := org.NewTree(depts).Get(u.DepartmentID); !ok {
			fe["department_id"] = "no such department"
		}
	}
	if access.Role(u.Role).DepartmentScoped() && u.DepartmentID == "" {
		fe["department_id"] = "handlers and department admins belong to a department"
	}
	if patch.PhoneGrant != nil {
		u.PhoneGrant = *patch.PhoneGrant
	}
	if patch.AgentExt != nil && strings.TrimSpace(*patch.AgentExt) != u.AgentExt {
		if !p.Has(access.ManageUsers) {
			return nil, ErrForbidden // seats are the centre's to assign, not a department's
		}
		u.AgentExt = strings.TrimSpace(*patch.AgentExt)
		if msg, err := s.CheckAgentExt(ctx, u.ID, u.AgentExt); err != nil {
			return nil, err
		} else if msg != "" {
			fe["agent_ext"] = msg
		}
	}
	if patch.Disabled != nil {
		u.Disabled = *patch.Disabled
		if u.Disabled && u.ID == p.UserID {
			fe["disabled"] = "you cannot disable yourself"
		}
	}
	if len(fe) > 0 {
		return nil, fe
	}
	if err := MayManageUser(p, u.Role, u.DepartmentID); err != nil {
		return nil, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveUser(ctx, u); err != nil {
			return err
		}
		if u.Role != before.Role || u.DepartmentID != before.DepartmentID || (u.Disabled && !before.Disabled) {
			if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: "user.update",
			ObjectType: "user", ObjectID: u.Username, Detail: "role " + u.Role + " department " + u.DepartmentID})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CheckAgentExt explains why ext cannot be the extension of the user with id userID (""
// when it can): it must be an agent of the call centre (hotline agent add) and no other
// user's seat. The store's unique index still guards against two racing saves.
func (s *Service) CheckAgentExt(ctx context.Context, userID, ext string) (string, error) {
	if ext == "" {
		return "", nil
	}
	_, err := s.Store.VoiceAgent(ctx, ext)
	if errors.Is(err, store.ErrNotFound) {
		return "no such agent extension (hotline agent add)", nil
	}
	if err != nil {
		return "", err
	}
	other, err := s.Store.UserByAgentExt(ctx, ext)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	case other.ID != userID:
		return "already the seat of user " + other.Username, nil
	}
	return "", nil
}

// APIKeys lists the API keys (never their secrets).
func (s *Service) APIKeys(ctx context.Context, p access.Principal) ([]*store.APIKey, error) {
	if !p.Has(access.ManageAPIKeys) {
		return nil, ErrForbidden
	}
	return s.Store.APIKeys(ctx)
}

// RevokeAPIKey stops a key from working, at once.
func (s *Service) RevokeAPIKey(ctx context.Context, p access.Principal, id string) error {
	if !p.Has(access.ManageAPIKeys) {
		return ErrForbidden
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeAPIKey(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: "apikey.revoke",
			ObjectType: "apikey", ObjectID: id})
	})
}
