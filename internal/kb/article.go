package kb

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/attach"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/textseg"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// Article states.
const (
	Draft     = "draft"     // 草稿: being written or sent back by the reviewer
	Review    = "review"    // 待审核
	Published = "published" // 已发布
	Archived  = "archived"  // 已下架
)

// ErrState is returned when the article's state does not allow the step.
var ErrState = errors.New("the article's state does not allow this")

// MayEdit reports whether p may draft and edit articles (agents, monitors, dispatchers, admins).
func MayEdit(p access.Principal) bool {
	switch p.Role {
	case access.Agent, access.Monitor, access.Dispatcher, access.Admin:
		return true
	}
	return false
}

// MayReview reports whether p may approve, reject and archive (dispatchers and admins).
func MayReview(p access.Principal) bool { return p.Role == access.Dispatcher || p.Role == access.Admin }

func staff(p access.Principal) bool { return p.Role != "" && p.Role != access.Citizen }

// ArticleInput is what an editor writes.
type ArticleInput struct {
	Title       string     `json:"title"`
	Body        string     `json:"body"`
	CategoryID  string     `json:"category_id"`
	Keywords    []string   `json:"keywords"`
	Answers     []string   `json:"answers"`
	Departments []string   `json:"departments"`
	ValidFrom   *time.Time `json:"valid_from"`
	ValidTo     *time.Time `json:"valid_to"`
	Public      bool       `json:"public"`
}

func (in *ArticleInput) check() error {
	fe := ticket.FieldErrors{}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		fe["title"] = "required"
	} else if len([]rune(in.Title)) > 200 {
		fe["title"] = "at most 200 characters"
	}
	if len(in.Body) > 200_000 {
		fe["body"] = "at most 200 kB"
	}
	if in.ValidFrom != nil && in.ValidTo != nil && !in.ValidTo.After(*in.ValidFrom) {
		fe["valid_to"] = "must be after valid_from"
	}
	in.Answers = nonEmpty(in.Answers)
	in.Keywords = nonEmpty(in.Keywords)
	in.Departments = nonEmpty(in.Departments)
	if len(fe) > 0 {
		return fe
	}
	in.Body = SanitizeMarkdown(in.Body)
	for i, a := range in.Answers {
		in.Answers[i] = SanitizeMarkdown(a)
	}
	return nil
}

func nonEmpty(v []string) []string {
	out := []string{}
	for _, s := range v {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

var (
	htmlTag    = regexp.MustCompile(`(?is)<\s*(script|style|iframe|object|embed)[^>]*>.*?<\s*/\s*(script|style|iframe|object|embed)\s*>`)
	badScheme  = regexp.MustCompile(`(?i)\]\(\s*(javascript|vbscript|data|file):[^)]*\)`)
	badAutoURL = regexp.MustCompile(`(?i)<\s*(javascript|vbscript|data|file):[^>]*>`)
)

// SanitizeMarkdown makes an article body safe to render with any Markdown renderer: script
// blocks and dangerous link schemes are removed, and every remaining '<' is escaped, so no
// raw HTML passes (Markdown needs none for articles; links, lists and emphasis stay).
func SanitizeMarkdown(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = htmlTag.ReplaceAllString(s, "")
	s = badScheme.ReplaceAllString(s, "](#)")
	s = badAutoURL.ReplaceAllString(s, "")
	return strings.ReplaceAll(s, "<", "&lt;")
}

func articleTokens(seg *textseg.Segmenter, a *store.Article) store.ArticleTokens {
	body := a.Body
	if len(a.Answers) > 0 {
		body += "\n" + strings.Join(a.Answers, "\n")
	}
	return store.ArticleTokens{Title: seg.IndexText(a.Title), Keywords: seg.IndexText(strings.Join(a.Keywords, " ")),
		Body: seg.IndexText(body)}
}

// Articles is the knowledge base's use cases.
type Articles struct {
	Store *store.Store
	Files attach.Files // article attachments (the ticket attachments' store)
	Now   func() time.Time
}

func (k *Articles) now() time.Time {
	if k.Now != nil {
		return k.Now().UTC()
	}
	return time.Now().UTC()
}

func (k *Articles) save(ctx context.Context, a *store.Article, note string) error {
	seg, err := Segmenter()
	if err != nil {
		return err
	}
	tk := articleTokens(seg, a) // segment before the transaction
	return k.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SaveArticle(ctx, a, tk, note) })
}

// Create writes a new draft, version 1.
func (k *Articles) Create(ctx context.Context, p access.Principal, in ArticleInput) (*store.Article, error) {
	if !MayEdit(p) {
		return nil, ErrForbidden
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	now := k.now()
	a := &store.Article{ID: store.NewID(), State: Draft, Version: 1, CreatedBy: p.UserID, UpdatedBy: p.UserID,
		CreatedAt: now, UpdatedAt: now}
	apply(a, in)
	return a, k.save(ctx, a, "created")
}

func apply(a *store.Article, in ArticleInput) {
	a.Title, a.Body, a.CategoryID, a.Keywords, a.Answers, a.Departments = in.Title, in.Body, in.CategoryID, in.Keywords, in.Answers, in.Departments
	a.ValidFrom, a.ValidTo, a.Public = in.ValidFrom, in.ValidTo, in.Public
}

// step changes an article inside one read-modify-write transaction.
func (k *Articles) step(ctx context.Context, id string, fn func(a *store.Article) (string, error)) (*store.Article, error) {
	var out *store.Article
	seg, err := Segmenter() // before the transaction: the first load takes seconds
	if err != nil {
		return nil, err
	}
	err = k.Store.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.ArticleForUpdate(ctx, id)
		if err != nil {
			return err
		}
		note, err := fn(a)
		if err != nil {
			return err
		}
		out = a
		return tx.SaveArticle(ctx, a, articleTokens(seg, a), note)
	})
	return out, err
}

// Update edits an article. A draft is edited in place; a published, in-review or archived
// article gets a new version, as a draft (the published text stays in its version record,
// and the article leaves the search until the new version is approved).
func (k *Articles) Update(ctx context.Context, p access.Principal, id string, in ArticleInput) (*store.Article, error) {
	if !MayEdit(p) {
		return nil, ErrForbidden
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	return k.step(ctx, id, func(a *store.Article) (string, error) {
		if a.State != Draft {
			a.Version++
		}
		apply(a, in)
		a.State, a.UpdatedBy, a.UpdatedAt = Draft, p.UserID, k.now()
		return "edited", nil
	})
}

// Submit sends a draft for review (送审).
func (k *Articles) Submit(ctx context.Context, p access.Principal, id string) (*store.Article, error) {
	if !MayEdit(p) {
		return nil, ErrForbidden
	}
	return k.step(ctx, id, func(a *store.Article) (string, error) {
		if a.State != Draft {
			return "", ErrState
		}
		a.State, a.UpdatedBy, a.UpdatedAt = Review, p.UserID, k.now()
		return "submitted", nil
	})
}

// Approve publishes an article in review (审核通过).
func (k *Articles) Approve(ctx context.Context, p access.Principal, id, note string) (*store.Article, error) {
	if !MayReview(p) {
		return nil, ErrForbidden
	}
	return k.step(ctx, id, func(a *store.Article) (string, error) {
		if a.State != Review {
			return "", ErrState
		}
		now := k.now()
		a.State, a.PublishedVersion, a.PublishedAt = Published, a.Version, &now
		a.ReviewedBy, a.ReviewNote, a.UpdatedBy, a.UpdatedAt = p.UserID, note, p.UserID, now
		return note, nil
	})
}

// Reject sends an article in review back to its authors (审核退回) with a reason.
func (k *Articles) Reject(ctx context.Context, p access.Principal, id, note string) (*store.Article, error) {
	if !MayReview(p) {
		return nil, ErrForbidden
	}
	if strings.TrimSpace(note) == "" {
		return nil, ticket.FieldErrors{"note": "a reason is required"}
	}
	return k.step(ctx, id, func(a *store.Article) (string, error) {
		if a.State != Review {
			return "", ErrState
		}
		a.State, a.ReviewedBy, a.ReviewNote, a.UpdatedBy, a.UpdatedAt = Draft, p.UserID, note, p.UserID, k.now()
		return note, nil
	})
}

// Archive takes an article off the knowledge base (下架).
func (k *Articles) Archive(ctx context.Context, p access.Principal, id string) (*store.Article, error) {
	if !MayReview(p) {
		return nil, ErrForbidden
	}
	return k.step(ctx, id, func(a *store.Article) (string, error) {
		if a.State == Archived {
			return "", ErrState
		}
		a.State, a.UpdatedBy, a.UpdatedAt = Archived, p.UserID, k.now()
		return "archived", nil
	})
}

// Get returns an article; reading a published one counts a view. Staff see every state;
// anyone else only public published articles.
func (k *Articles) Get(ctx context.Context, p access.Principal, id string) (*store.Article, error) {
	a, err := k.Store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !staff(p) && (a.State != Published || !a.Public) {
		return nil, store.ErrNotFound
	}
	if a.State == Published {
		if err := k.Store.InTx(ctx, func(tx *store.Tx) error { return tx.CountArticle(ctx, id, "views") }); err != nil {
			return nil, err
		}
		a.Views++
	}
	return a, nil
}

// Versions lists an article's recorded versions (staff only).
func (k *Articles) Versions(ctx context.Context, p access.Principal, id string) ([]store.ArticleVersion, error) {
	if !staff(p) {
		return nil, ErrForbidden
	}
	return k.Store.ArticleVersions(ctx, id)
}

// Used counts that an agent used the article in an answer (引用).
func (k *Articles) Used(ctx context.Context, p access.Principal, id string) error {
	if !staff(p) {
		return ErrForbidden
	}
	return k.Store.InTx(ctx, func(tx *store.Tx) error { return tx.CountArticle(ctx, id, "uses") })
}

// ArticleHit is a search result with highlights.
type ArticleHit struct {
	Article *store.Article `json:"article"`
	Score   float64        `json:"score"`
	Title   string         `json:"title_html"`
	Snippet string         `json:"snippet_html"`
}

// ArticleQuery is a search or list of articles.
type ArticleQuery struct {
	Q          string
	State      string // staff only; default published
	CategoryID string
	Order      string // uses, views, updated (lists without q)
	Limit      int
}

// Search finds articles. Staff may ask for any state (default: published and valid now);
// citizens and anonymous callers get published public articles valid now.
func (k *Articles) Search(ctx context.Context, p access.Principal, q ArticleQuery) ([]ArticleHit, error) {
	f := store.ArticleFilter{States: []string{Published}, ValidAt: k.now(), CategoryID: q.CategoryID, Order: q.Order, Limit: q.Limit}
	if staff(p) {
		if q.State != "" && q.State != Published {
			f.States, f.ValidAt = []string{q.State}, time.Time{}
		}
	} else {
		f.PublicOnly = true
	}
	var terms []string
	if text := strings.TrimSpace(q.Q); text != "" {
		seg, err := Segmenter()
		if err != nil {
			return nil, err
		}
		query := seg.Query(text)
		if len(query) == 0 {
			return []ArticleHit{}, nil
		}
		f.FTS5, f.TSQuery, terms = query.FTS5(), query.TSQuery(), query.HighlightTerms()
	}
	hits, err := k.Store.SearchArticles(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(hits) == 0 && f.FTS5 != "" {
		// No article has every word: those with any of them.
		seg, _ := Segmenter()
		query := seg.Query(q.Q)
		if len(query) > 1 {
			f.FTS5, f.TSQuery = query.FTS5Any(), query.TSQueryAny()
			if hits, err = k.Store.SearchArticles(ctx, f); err != nil {
				return nil, err
			}
		}
	}
	out := make([]ArticleHit, 0, len(hits))
	for _, h := range hits {
		a := h.Article
		body := a.Body
		if len(a.Answers) > 0 {
			body = a.Answers[0] + "\n" + body
		}
		out = append(out, ArticleHit{Article: a, Score: h.Score, Title: textseg.Highlight(a.Title, terms),
			Snippet: textseg.Snippet(body, terms, 120)})
	}
	return out, nil
}
