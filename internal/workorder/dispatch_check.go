package workorder

import (
	"context"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// CheckDispatch tells, before a ticket is registered, whether p could dispatch it to deptID
// at once (登记并派单), so a refused dispatch never leaves a half-done registration behind.
func (s *Service) CheckDispatch(ctx context.Context, p access.Principal, deptID string) error {
	if !p.MayTake(ticket.ActDispatch) {
		return &ForbiddenActionError{Action: ticket.ActDispatch}
	}
	depts, err := s.Store.Departments(ctx)
	if err != nil {
		return err
	}
	if _, ok := org.NewTree(depts).Get(deptID); !ok {
		return ticket.FieldErrors{"dispatch_to": "no such department"}
	}
	return nil
}

// Locate returns the deepest region whose boundary holds the point, or "" if none does.
func (s *Service) Locate(ctx context.Context, lat, lng float64) (string, error) {
	refs, err := s.regionRefs(ctx)
	if err != nil {
		return "", err
	}
	return refs.loc.Locate(lng, lat), nil
}
