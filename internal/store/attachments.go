package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// File is the record of a stored file: the bytes live under the data directory,
// content-addressed by SHA-256. Ticket and article attachments both keep one.
type File struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Path        string    `json:"-"` // relative to the data directory
	UploadedBy  string    `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Attachment is a file kept with a ticket.
type Attachment struct {
	TicketID string `json:"ticket_id"`
	File
}

// ArticleAttachment is a file kept with a knowledge article (a form, a fee table, a map).
// It belongs to the article, not to one version: editing keeps it, an editor removes it.
type ArticleAttachment struct {
	ArticleID string `json:"article_id"`
	File
}

// fileTable is a table of file records that belong to an owner row.
type fileTable struct{ table, owner string }

var (
	ticketFiles  = fileTable{"attachments", "ticket_id"}
	articleFiles = fileTable{"kb_attachments", "article_id"}
)

func (ft fileTable) columns() string {
	return `id, ` + ft.owner + `, name, content_type, size, sha256, path, uploaded_by, created_at`
}

func (ft fileTable) save(ctx context.Context, tx *Tx, owner string, f *File) error {
	if f.ID == "" {
		f.ID = NewID()
	}
	f.CreatedAt = tx.s.now().UTC()
	_, err := tx.exec(ctx, `INSERT INTO `+ft.table+` (`+ft.columns()+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		f.ID, owner, f.Name, f.ContentType, f.Size, f.SHA256, f.Path, f.UploadedBy, ms(f.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save %s: %w", ft.table, tx.s.dialect.mapErr(err))
	}
	return nil
}

func scanFile(row scanner, owner *string) (File, error) {
	var f File
	var created int64
	err := row.Scan(&f.ID, owner, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.Path, &f.UploadedBy, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	f.CreatedAt = fromMS(created)
	return f, err
}

// list reads an owner's files, oldest first, through make (which builds the owner's type).
func listFiles[T any](ctx context.Context, s *Store, ft fileTable, owner string, make func(owner string, f File) T) ([]T, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+ft.columns()+` FROM `+ft.table+` WHERE `+ft.owner+` = $1
		ORDER BY created_at, id`, owner)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", ft.table, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var o string
		f, err := scanFile(rows, &o)
		if err != nil {
			return nil, err
		}
		out = append(out, make(o, f))
	}
	return out, rows.Err()
}

// SaveAttachment records a stored file for a ticket.
func (tx *Tx) SaveAttachment(ctx context.Context, a *Attachment) error {
	return ticketFiles.save(ctx, tx, a.TicketID, &a.File)
}

// AttachmentByID finds an attachment.
func (s *Store) AttachmentByID(ctx context.Context, id string) (*Attachment, error) {
	a := &Attachment{}
	var err error
	a.File, err = scanFile(s.db.QueryRowContext(ctx, `SELECT `+ticketFiles.columns()+` FROM attachments WHERE id = $1`, id), &a.TicketID)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// TicketAttachments lists a ticket's attachments, oldest first.
func (s *Store) TicketAttachments(ctx context.Context, ticketID string) ([]*Attachment, error) {
	return listFiles(ctx, s, ticketFiles, ticketID, func(o string, f File) *Attachment { return &Attachment{TicketID: o, File: f} })
}
