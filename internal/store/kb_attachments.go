package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ArticleAttachment is a file kept with a knowledge article (a form, a fee table, a map).
// It belongs to the article, not to one version: editing keeps it, an editor removes it.
type ArticleAttachment struct {
	ID          string    `json:"id"`
	ArticleID   string    `json:"article_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Path        string    `json:"-"` // relative to the data directory
	UploadedBy  string    `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

const articleAttachmentColumns = `id, article_id, name, content_type, size, sha256, path, uploaded_by, created_at`

// SaveArticleAttachment records a stored file for an article.
func (tx *Tx) SaveArticleAttachment(ctx context.Context, a *ArticleAttachment) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	a.CreatedAt = tx.s.now().UTC()
	_, err := tx.exec(ctx, `INSERT INTO kb_attachments (`+articleAttachmentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.ID, a.ArticleID, a.Name, a.ContentType, a.Size, a.SHA256, a.Path, a.UploadedBy, ms(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save article attachment: %w", tx.s.dialect.mapErr(err))
	}
	return nil
}

// RemoveArticleAttachment deletes the record (the bytes stay: they are content-addressed
// and may be shared); ErrNotFound when the article has no such attachment.
func (tx *Tx) RemoveArticleAttachment(ctx context.Context, articleID, id string) error {
	res, err := tx.exec(ctx, `DELETE FROM kb_attachments WHERE id = $1 AND article_id = $2`, id, articleID)
	if err != nil {
		return fmt.Errorf("store: remove article attachment: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func scanArticleAttachment(row scanner) (*ArticleAttachment, error) {
	var a ArticleAttachment
	var created int64
	err := row.Scan(&a.ID, &a.ArticleID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Path, &a.UploadedBy, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMS(created)
	return &a, nil
}

// ArticleAttachment finds one attachment of an article.
func (s *Store) ArticleAttachment(ctx context.Context, articleID, id string) (*ArticleAttachment, error) {
	return scanArticleAttachment(s.db.QueryRowContext(ctx, `SELECT `+articleAttachmentColumns+` FROM kb_attachments
		WHERE id = $1 AND article_id = $2`, id, articleID))
}

// ArticleAttachments lists an article's attachments, oldest first.
func (s *Store) ArticleAttachments(ctx context.Context, articleID string) ([]*ArticleAttachment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+articleAttachmentColumns+` FROM kb_attachments WHERE article_id = $1
		ORDER BY created_at, id`, articleID)
	if err != nil {
		return nil, fmt.Errorf("store: article attachments: %w", err)
	}
	defer rows.Close()
	out := []*ArticleAttachment{}
	for rows.Next() {
		a, err := scanArticleAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
