package kb

import (
	"context"
	"io"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/attach"
	"github.com/hotline-dev/hotline/internal/store"
)

// Attachments of knowledge articles (a form to fill in, a fee table, a map) use the ticket
// attachments' machinery: bytes under the data directory, content-addressed by SHA-256,
// the same size and type limits.
//
// They belong to the article, not to one version: editing the text (a new version) keeps
// them, and only an editor's explicit removal drops one. Upload and removal take effect at
// once for every reader, also for the published version while a new one is in draft; the
// version history records the text only. Whoever may read the article (Get) may list and
// download its attachments, so a public published article's files are public too.

// Attach stores a file with an article (editors: agents, monitors, dispatchers, admins).
func (k *Articles) Attach(ctx context.Context, p access.Principal, id, name string, r io.Reader) (*store.ArticleAttachment, error) {
	if !MayEdit(p) {
		return nil, ErrForbidden
	}
	if _, err := k.Store.Article(ctx, id); err != nil {
		return nil, err
	}
	// Bytes first, outside the transaction: a failure leaves an unreferenced
	// content-addressed file, never a row pointing at nothing.
	stored, err := k.Files.Save(r)
	if err != nil {
		return nil, err
	}
	a := &store.ArticleAttachment{ArticleID: id, File: store.File{Name: attach.CleanName(name), ContentType: stored.ContentType,
		Size: stored.Size, SHA256: stored.SHA256, Path: stored.Path, UploadedBy: p.Username}}
	err = k.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveArticleAttachment(ctx, a); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: "kb.attachment.upload",
			ObjectType: "kb_article", ObjectID: id, Detail: a.Name + " " + a.SHA256})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// readable returns the article if p may read it (the rule of Get, without counting a view).
func (k *Articles) readable(ctx context.Context, p access.Principal, id string) (*store.Article, error) {
	a, err := k.Store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !staff(p) && (a.State != Published || !a.Public) {
		return nil, store.ErrNotFound
	}
	return a, nil
}

// Attachments lists an article's files for whoever may read the article.
func (k *Articles) Attachments(ctx context.Context, p access.Principal, id string) ([]*store.ArticleAttachment, error) {
	if _, err := k.readable(ctx, p, id); err != nil {
		return nil, err
	}
	return k.Store.ArticleAttachments(ctx, id)
}

// OpenAttachment returns one file of an article for whoever may read the article.
func (k *Articles) OpenAttachment(ctx context.Context, p access.Principal, id, attID string) (*store.ArticleAttachment, io.ReadSeekCloser, error) {
	if _, err := k.readable(ctx, p, id); err != nil {
		return nil, nil, err
	}
	a, err := k.Store.ArticleAttachment(ctx, id, attID)
	if err != nil {
		return nil, nil, err
	}
	f, err := k.Files.Open(a.Path)
	if err != nil {
		return nil, nil, err
	}
	return a, f, nil
}

// RemoveAttachment drops a file from an article (editors). The bytes stay on disk: they
// are content-addressed and may be another attachment's too.
func (k *Articles) RemoveAttachment(ctx context.Context, p access.Principal, id, attID string) error {
	if !MayEdit(p) {
		return ErrForbidden
	}
	return k.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RemoveArticleAttachment(ctx, id, attID); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: "kb.attachment.remove",
			ObjectType: "kb_article", ObjectID: id, Detail: attID})
	})
}
