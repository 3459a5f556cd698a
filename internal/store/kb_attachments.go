package store

import (
	"context"
	"fmt"
)

// SaveArticleAttachment records a stored file for an article.
func (tx *Tx) SaveArticleAttachment(ctx context.Context, a *ArticleAttachment) error {
	return articleFiles.save(ctx, tx, a.ArticleID, &a.File)
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

// ArticleAttachment finds one attachment of an article.
func (s *Store) ArticleAttachment(ctx context.Context, articleID, id string) (*ArticleAttachment, error) {
	a := &ArticleAttachment{}
	var err error
	a.File, err = scanFile(s.db.QueryRowContext(ctx, `SELECT `+articleFiles.columns()+` FROM kb_attachments
		WHERE id = $1 AND article_id = $2`, id, articleID), &a.ArticleID)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ArticleAttachments lists an article's attachments, oldest first.
func (s *Store) ArticleAttachments(ctx context.Context, articleID string) ([]*ArticleAttachment, error) {
	return listFiles(ctx, s, articleFiles, articleID, func(o string, f File) *ArticleAttachment {
		return &ArticleAttachment{ArticleID: o, File: f}
	})
}
