package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Attachment is a file kept with a ticket; the bytes live under the data directory.
type Attachment struct {
	ID          string    `json:"id"`
	TicketID    string    `json:"ticket_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Path        string    `json:"-"` // relative to the data directory
	UploadedBy  string    `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// SaveAttachment records a stored file.
func (tx *Tx) SaveAttachment(ctx context.Context, a *Attachment) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	a.CreatedAt = tx.s.now().UTC()
	_, err := tx.exec(ctx, `INSERT INTO attachments (id, ticket_id, name, content_type, size, sha256, path,
		uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.ID, a.TicketID, a.Name, a.ContentType, a.Size, a.SHA256, a.Path, a.UploadedBy, ms(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save attachment: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

const attachmentColumns = `id, ticket_id, name, content_type, size, sha256, path, uploaded_by, created_at`

func scanAttachment(row scanner) (*Attachment, error) {
	var a Attachment
	var created int64
	err := row.Scan(&a.ID, &a.TicketID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Path, &a.UploadedBy, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMS(created)
	return &a, nil
}

// AttachmentByID finds an attachment.
func (s *Store) AttachmentByID(ctx context.Context, id string) (*Attachment, error) {
	return scanAttachment(s.db.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1`, id))
}

// TicketAttachments lists a ticket's attachments, oldest first.
func (s *Store) TicketAttachments(ctx context.Context, ticketID string) ([]*Attachment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM attachments WHERE ticket_id = $1 ORDER BY created_at`, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
