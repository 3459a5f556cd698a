package workorder

import (
	"context"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
)

// PrincipalForKey is the principal a program acts as with an API key: the key's role and
// department, named after the key so the event history and audit log say which program acted.
func (s *Service) PrincipalForKey(ctx context.Context, k *store.APIKey) (access.Principal, error) {
	return s.PrincipalFor(ctx, "apikey:"+k.ID, "apikey:"+k.Name, k.Role, k.DepartmentID, false)
}
