package workorder

import (
	"context"
	"io"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/attach"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// Attach stores a file and records it on the ticket as a comment event carrying the
// attachment, in one transaction with the attachment row and an audit line. Whoever may
// comment on the ticket may attach to it.
func (s *Service) Attach(ctx context.Context, p access.Principal, number, name string, r io.Reader) (*store.Attachment, error) {
	t, err := s.Store.TicketByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	if !p.Sees(t) {
		return nil, store.ErrNotFound
	}
	if !p.MayAct(ticket.ActComment, t) {
		return nil, &ForbiddenActionError{Action: ticket.ActComment, Allowed: p.ActionsOn(t)}
	}
	// The bytes are written first, outside the transaction: a failed transaction leaves an
	// unreferenced content-addressed file, never a row pointing at nothing.
	stored, err := s.Files.Save(r)
	if err != nil {
		return nil, err
	}
	a := &store.Attachment{TicketID: t.ID, File: store.File{Name: attach.CleanName(name), ContentType: stored.ContentType,
		Size: stored.Size, SHA256: stored.SHA256, Path: stored.Path, UploadedBy: p.Username}}
	now := s.Now().UTC()
	var ev ticket.Event
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.TicketForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if err := tx.SaveAttachment(ctx, a); err != nil {
			return err
		}
		ev, err = ticket.Apply(cur, ticket.Command{Action: ticket.ActComment, Actor: p.UserID, Role: string(p.Role),
			Note: "附件 " + a.Name, Attachments: []string{a.ID}}, now)
		if err != nil {
			return err
		}
		if err := tx.UpdateTicket(ctx, cur, &ev); err != nil {
			return err
		}
		t = cur
		return tx.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: "attachment.upload",
			ObjectType: "ticket", ObjectID: number, Detail: a.Name + " " + a.SHA256})
	})
	if err != nil {
		return nil, err
	}
	s.publish(t, ev)
	return a, nil
}

// Attachment returns an attachment of a ticket p may see, and opens its bytes.
func (s *Service) Attachment(ctx context.Context, p access.Principal, id string) (*store.Attachment, io.ReadSeekCloser, error) {
	a, err := s.Store.AttachmentByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.Store.TicketByID(ctx, a.TicketID)
	if err != nil {
		return nil, nil, err
	}
	if !p.Sees(t) {
		return nil, nil, store.ErrNotFound
	}
	f, err := s.Files.Open(a.Path)
	if err != nil {
		return nil, nil, err
	}
	return a, f, nil
}

// Attachments lists the attachments of a ticket p may see.
func (s *Service) Attachments(ctx context.Context, p access.Principal, number string) ([]*store.Attachment, error) {
	t, err := s.Get(ctx, p, number)
	if err != nil {
		return nil, err
	}
	return s.Store.TicketAttachments(ctx, t.ID)
}

// CheckAttachments makes sure the attachments an action cites belong to its ticket.
func (s *Service) CheckAttachments(ctx context.Context, p access.Principal, number string, ids []string) error {
	have, err := s.Attachments(ctx, p, number)
	if err != nil {
		return err
	}
	own := map[string]bool{}
	for _, a := range have {
		own[a.ID] = true
	}
	for _, id := range ids {
		if !own[id] {
			return &ticket.InputError{Field: "attachments", Reason: "attachment " + id + " does not belong to this ticket"}
		}
	}
	return nil
}
