package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Article is a knowledge-base article (知识) at its current version.
type Article struct {
	ID               string     `json:"id"`
	Title            string     `json:"title"`
	Body             string     `json:"body"` // Markdown, sanitised by internal/kb
	CategoryID       string     `json:"category_id,omitempty"`
	Keywords         []string   `json:"keywords"`
	Answers          []string   `json:"answers"` // 应答: several ways of answering
	Departments      []string   `json:"departments"`
	ValidFrom        *time.Time `json:"valid_from,omitempty"`
	ValidTo          *time.Time `json:"valid_to,omitempty"`
	Public           bool       `json:"public"`
	State            string     `json:"state"` // draft, review, published, archived
	Version          int        `json:"version"`
	PublishedVersion int        `json:"published_version"`
	Views            int        `json:"views"`
	Uses             int        `json:"uses"`
	CreatedBy        string     `json:"created_by"`
	UpdatedBy        string     `json:"updated_by"`
	ReviewedBy       string     `json:"reviewed_by,omitempty"`
	ReviewNote       string     `json:"review_note,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	PublishedAt      *time.Time `json:"published_at,omitempty"`
}

// ArticleTokens are the segmented words of an article's fields.
type ArticleTokens struct{ Title, Keywords, Body string }

const articleColumns = `id, title, body, category_id, keywords, answers, departments, valid_from, valid_to, public,
	state, version, published_version, views, uses, created_by, updated_by, reviewed_by, review_note,
	created_at, updated_at, published_at`

func scanArticle(row scanner) (*Article, error) {
	var a Article
	var kw, ans, deps string
	var vf, vt, pub sql.NullInt64
	var created, updated int64
	err := row.Scan(&a.ID, &a.Title, &a.Body, &a.CategoryID, &kw, &ans, &deps, &vf, &vt, &a.Public,
		&a.State, &a.Version, &a.PublishedVersion, &a.Views, &a.Uses, &a.CreatedBy, &a.UpdatedBy, &a.ReviewedBy, &a.ReviewNote,
		&created, &updated, &pub)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(kw), &a.Keywords)
	_ = json.Unmarshal([]byte(ans), &a.Answers)
	_ = json.Unmarshal([]byte(deps), &a.Departments)
	a.ValidFrom, a.ValidTo, a.PublishedAt = fromNullMS(vf), fromNullMS(vt), fromNullMS(pub)
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return &a, nil
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// SaveArticle inserts or replaces an article with its tokens and records the version
// (article id, version, state) with a snapshot, who and why.
func (tx *Tx) SaveArticle(ctx context.Context, a *Article, tk ArticleTokens, note string) error {
	_, err := tx.exec(ctx, `INSERT INTO kb_articles (`+articleColumns+`, title_tokens, keywords_tokens, body_tokens)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, category_id = excluded.category_id,
		keywords = excluded.keywords, answers = excluded.answers, departments = excluded.departments,
		valid_from = excluded.valid_from, valid_to = excluded.valid_to, public = excluded.public, state = excluded.state,
		version = excluded.version, published_version = excluded.published_version, updated_by = excluded.updated_by,
		reviewed_by = excluded.reviewed_by, review_note = excluded.review_note, updated_at = excluded.updated_at,
		published_at = excluded.published_at, title_tokens = excluded.title_tokens,
		keywords_tokens = excluded.keywords_tokens, body_tokens = excluded.body_tokens`,
		a.ID, a.Title, a.Body, a.CategoryID, jsonList(a.Keywords), jsonList(a.Answers), jsonList(a.Departments),
		msPtr(a.ValidFrom), msPtr(a.ValidTo), a.Public, a.State, a.Version, a.PublishedVersion, a.Views, a.Uses,
		a.CreatedBy, a.UpdatedBy, a.ReviewedBy, a.ReviewNote, ms(a.CreatedAt), ms(a.UpdatedAt), msPtr(a.PublishedAt),
		tk.Title, tk.Keywords, tk.Body)
	if err != nil {
		return fmt.Errorf("store: save article: %w", tx.s.dialect.mapErr(err))
	}
	snap, _ := json.Marshal(a)
	_, err = tx.exec(ctx, `INSERT INTO kb_versions (article_id, version, state, snapshot, by_user, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (article_id, version, state) DO UPDATE SET snapshot = excluded.snapshot, by_user = excluded.by_user, note = excluded.note, at = excluded.at`,
		a.ID, a.Version, a.State, string(snap), a.UpdatedBy, note, ms(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: article version: %w", err)
	}
	return nil
}

// ArticleIDs lists every article's id (for re-segmenting after a dictionary change).
func (s *Store) ArticleIDs(ctx context.Context) ([]string, error) {
	ids, err := s.queryTexts(ctx, `SELECT id FROM kb_articles ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: article ids: %w", err)
	}
	return ids, nil
}

// SetArticleTokens rewrites an article's search words only (no new version).
func (tx *Tx) SetArticleTokens(ctx context.Context, id string, tk ArticleTokens) error {
	_, err := tx.exec(ctx, `UPDATE kb_articles SET title_tokens = $1, keywords_tokens = $2, body_tokens = $3 WHERE id = $4`,
		tk.Title, tk.Keywords, tk.Body, id)
	if err != nil {
		return fmt.Errorf("store: article tokens: %w", err)
	}
	return nil
}

// ArticleForUpdate reads an article inside a write transaction.
func (tx *Tx) ArticleForUpdate(ctx context.Context, id string) (*Article, error) {
	return scanArticle(tx.queryRow(ctx, `SELECT `+articleColumns+` FROM kb_articles WHERE id = $1`+tx.s.dialect.forUpdate, id))
}

// Article reads one article.
func (s *Store) Article(ctx context.Context, id string) (*Article, error) {
	return scanArticle(s.db.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM kb_articles WHERE id = $1`, id))
}

// ArticleVersion is one recorded version of an article.
type ArticleVersion struct {
	Version int       `json:"version"`
	State   string    `json:"state"`
	By      string    `json:"by"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
	Article Article   `json:"article"`
}

// ArticleVersions lists an article's recorded versions, oldest first.
func (s *Store) ArticleVersions(ctx context.Context, id string) ([]ArticleVersion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version, state, by_user, note, at, snapshot FROM kb_versions WHERE article_id = $1 ORDER BY at, version`, id)
	if err != nil {
		return nil, fmt.Errorf("store: article versions: %w", err)
	}
	defer rows.Close()
	var out []ArticleVersion
	for rows.Next() {
		var v ArticleVersion
		var at int64
		var snap string
		if err := rows.Scan(&v.Version, &v.State, &v.By, &v.Note, &at, &snap); err != nil {
			return nil, err
		}
		v.At = fromMS(at)
		_ = json.Unmarshal([]byte(snap), &v.Article)
		out = append(out, v)
	}
	return out, rows.Err()
}

// CountArticle adds to an article's view or use count ("views" or "uses").
func (tx *Tx) CountArticle(ctx context.Context, id, counter string) error {
	if counter != "views" && counter != "uses" {
		return fmt.Errorf("store: unknown counter %q", counter)
	}
	res, err := tx.exec(ctx, `UPDATE kb_articles SET `+counter+` = `+counter+` + 1 WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ArticleFilter selects articles for lists and search.
type ArticleFilter struct {
	FTS5, TSQuery string    // full-text query; empty lists without ranking
	States        []string  // nil: any
	PublicOnly    bool      // only articles marked public (citizen portal)
	ValidAt       time.Time // when set, only articles valid at this instant
	CategoryID    string
	Order         string // "uses", "views" or "updated" (default) when not searching
	Limit         int    // default 20, at most 200
}

// ArticleHit is an article with its relevance.
type ArticleHit struct {
	Article *Article
	Score   float64
}

// SearchArticles lists or full-text searches articles.
func (s *Store) SearchArticles(ctx context.Context, f ArticleFilter) ([]ArticleHit, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	q := `SELECT ` + prefixCols("a.", articleColumns) + `, 0 AS score FROM kb_articles a`
	order := " ORDER BY a.updated_at DESC, a.id"
	switch f.Order {
	case "uses":
		order = " ORDER BY a.uses DESC, a.updated_at DESC, a.id"
	case "views":
		order = " ORDER BY a.views DESC, a.updated_at DESC, a.id"
	}
	if s.dialect.name == "postgres" && strings.TrimSpace(f.TSQuery) != "" {
		q = `SELECT ` + prefixCols("a.", articleColumns) + `, ts_rank_cd(a.search, q) AS score FROM kb_articles a, to_tsquery('simple', ` + arg(f.TSQuery) + `) q`
		where = append(where, "a.search @@ q")
		order = " ORDER BY score DESC, a.updated_at DESC, a.id"
	} else if s.dialect.name != "postgres" && strings.TrimSpace(f.FTS5) != "" {
		q = `SELECT ` + prefixCols("a.", articleColumns) + `, -bm25(kb_search, 4.0, 2.0, 1.0) AS score FROM kb_search JOIN kb_articles a ON a.rowid = kb_search.rowid`
		where = append(where, "kb_search MATCH "+arg(f.FTS5))
		order = " ORDER BY score DESC, a.updated_at DESC, a.id"
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, st := range f.States {
			ph[i] = arg(st)
		}
		where = append(where, "a.state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.PublicOnly {
		where = append(where, "a.public = "+arg(true))
	}
	if !f.ValidAt.IsZero() {
		at := ms(f.ValidAt)
		where = append(where, "(a.valid_from IS NULL OR a.valid_from <= "+arg(at)+") AND (a.valid_to IS NULL OR a.valid_to > "+arg(at)+")")
	}
	if f.CategoryID != "" {
		where = append(where, "a.category_id = "+arg(f.CategoryID))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 200)
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += order + " LIMIT " + strconv.Itoa(limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search articles: %w", err)
	}
	defer rows.Close()
	var out []ArticleHit
	for rows.Next() {
		var h ArticleHit
		a, err := scanArticle(scoreScanner{rows, &h.Score})
		if err != nil {
			return nil, err
		}
		h.Article = a
		out = append(out, h)
	}
	return out, rows.Err()
}
