package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// TicketTokens are the segmented words (textseg IndexText) of a ticket's searchable fields.
type TicketTokens struct {
	Subject string // subject
	Body    string // description and replies
	Address string // address
	Dict    string // dictionary version they were made with
}

// SetTicketTokens writes a ticket's search words; the FTS5 triggers (SQLite) or the
// generated tsvector (PostgreSQL) update the index in the same transaction.
func (tx *Tx) SetTicketTokens(ctx context.Context, ticketID string, tk TicketTokens) error {
	_, err := tx.exec(ctx, `UPDATE tickets SET subject_tokens = $1, body_tokens = $2, address_tokens = $3, search_dict = $4 WHERE id = $5`,
		tk.Subject, tk.Body, tk.Address, tk.Dict, ticketID)
	if err != nil {
		return fmt.Errorf("store: ticket tokens: %w", err)
	}
	return nil
}

// MarkTicketUnindexed records that a ticket's words are out of date (written while the
// segmenter was not loaded); the next search or reindex segments it.
func (tx *Tx) MarkTicketUnindexed(ctx context.Context, ticketID string) error {
	_, err := tx.exec(ctx, `UPDATE tickets SET search_dict = '' WHERE id = $1`, ticketID)
	return err
}

// TicketText is what the indexer segments.
type TicketText struct {
	ID, Number, Subject, Description, Reply, Address string
}

// TicketsToIndex returns up to limit tickets segmented with another dictionary version than
// dict (or never), for hotline search reindex.
// With dict "" it returns only rows never indexed (or marked pending): an equality on an
// indexed column, cheap enough to run before a search.
func (s *Store) TicketsToIndex(ctx context.Context, dict string, limit int) ([]TicketText, error) {
	cond := "search_dict <> $1"
	if dict == "" {
		cond = "search_dict = $1"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, number, subject, description, reply, address FROM tickets
		WHERE `+cond+` ORDER BY id LIMIT `+strconv.Itoa(limit), dict)
	if err != nil {
		return nil, fmt.Errorf("store: tickets to index: %w", err)
	}
	defer rows.Close()
	var out []TicketText
	for rows.Next() {
		var t TicketText
		if err := rows.Scan(&t.ID, &t.Number, &t.Subject, &t.Description, &t.Reply, &t.Address); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TicketSearch is a full-text query over tickets with the list's filters.
type TicketSearch struct {
	// FTS5 and TSQuery are the same query in each database's syntax
	// (textseg.Query.FTS5 / TSQuery); the store uses its own.
	FTS5, TSQuery string
	States        []ticket.State
	CategoryIDs   []string
	RegionIDs     []string
	DepartmentID  string
	From, To      time.Time
	// Departments limits hits to tickets held, sub-dispatched or co-handled by these
	// departments (a department user's scope); nil means no limit.
	Departments []string
	Limit       int // default 20, at most 200
	Offset      int
}

// RankWindow is how many of the newest matches a ticket search ranks.
var RankWindow = 5000

// TicketHit is a ticket and its relevance (higher is better; comparable within one answer).
type TicketHit struct {
	Ticket *ticket.Ticket
	Score  float64
}

// SearchTickets ranks tickets by BM25 (SQLite: subject 4, body 1, address 2) or
// ts_rank_cd (PostgreSQL: subject A, address B, body C), newest first among equals.
func (s *Store) SearchTickets(ctx context.Context, f TicketSearch) ([]TicketHit, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	in := func(col string, vals []string) string {
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = arg(v)
		}
		return col + " IN (" + strings.Join(ph, ", ") + ")"
	}
	var q string
	if s.dialect.name == "postgres" {
		if strings.TrimSpace(f.TSQuery) == "" {
			return nil, nil
		}
		q = `SELECT ` + prefixCols("t.", ticketColumns) + `, ts_rank_cd(t.search, q) AS score
			FROM tickets t, to_tsquery('simple', ` + arg(f.TSQuery) + `) q`
		where = append(where, "t.search @@ q")
	} else {
		if strings.TrimSpace(f.FTS5) == "" {
			return nil, nil
		}
		q = `SELECT ` + prefixCols("t.", ticketColumns) + `, -bm25(ticket_search, 4.0, 1.0, 2.0) AS score
			FROM ticket_search JOIN tickets t ON t.rowid = ticket_search.rowid`
		where = append(where, "ticket_search MATCH "+arg(f.FTS5))
	}
	if len(f.States) > 0 {
		vals := make([]string, len(f.States))
		for i, st := range f.States {
			vals[i] = string(st)
		}
		where = append(where, in("t.state", vals))
	}
	if f.DepartmentID != "" {
		where = append(where, "t.department_id = "+arg(f.DepartmentID))
	}
	if len(f.CategoryIDs) > 0 {
		where = append(where, in("t.category_id", f.CategoryIDs))
	}
	if len(f.RegionIDs) > 0 {
		where = append(where, in("t.region_id", f.RegionIDs))
	}
	if !f.From.IsZero() {
		where = append(where, "t.created_at >= "+arg(ms(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "t.created_at < "+arg(ms(f.To)))
	}
	if f.Departments != nil {
		if len(f.Departments) == 0 {
			return nil, nil
		}
		where = append(where, "("+in("t.department_id", f.Departments)+" OR "+in("t.parent_department_id", f.Departments)+
			" OR t.id IN (SELECT ticket_id FROM ticket_co_departments WHERE "+in("department_id", f.Departments)+"))")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 200)
	// Ranking scores every match before LIMIT, which is what costs with common words
	// (小区, 问题: a large share of the tickets). Only the newest RankWindow matches are
	// ranked (docs/text-search.md); below that every match is, identically on both databases.
	newest := " ORDER BY t.created_at DESC"
	if s.dialect.name != "postgres" {
		newest = " ORDER BY ticket_search.rowid DESC" // FTS5 walks its doclists backwards; rowids grow with inserts
	}
	q = `SELECT * FROM (` + q + ` WHERE ` + strings.Join(where, " AND ") + newest + ` LIMIT ` + strconv.Itoa(RankWindow) +
		`) m ORDER BY score DESC, created_at DESC, id DESC LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(max(f.Offset, 0))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search tickets: %w", err)
	}
	defer rows.Close()
	var out []TicketHit
	for rows.Next() {
		var h TicketHit
		t, err := scanTicket(scoreScanner{rows, &h.Score})
		if err != nil {
			return nil, err
		}
		h.Ticket = t
		out = append(out, h)
	}
	return out, rows.Err()
}

// scoreScanner scans a ticket row followed by one more column.
type scoreScanner struct {
	row   scanner
	score *float64
}

func (s scoreScanner) Scan(dest ...any) error { return s.row.Scan(append(dest, s.score)...) }

func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// TrainingTicket is a closed or imported ticket with its category, for the dispatch model.
type TrainingTicket struct {
	Subject, Description      string
	CategoryID, DepartmentID  string
	SubjectTokens, BodyTokens string // '' when not yet indexed
	Dict                      string
	HasReply                  bool // body_tokens then include the reply, not only the description
}

// TrainingTickets returns every closed ticket and every imported one (any state) that has a
// category: what the dispatch suggestions learn from.
func (s *Store) TrainingTickets(ctx context.Context) ([]TrainingTicket, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT subject, description, category_id, department_id, subject_tokens, body_tokens, search_dict, reply <> ''
		FROM tickets WHERE category_id <> '' AND (state = 'closed' OR channel = 'import') ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: training tickets: %w", err)
	}
	defer rows.Close()
	var out []TrainingTicket
	for rows.Next() {
		var t TrainingTicket
		if err := rows.Scan(&t.Subject, &t.Description, &t.CategoryID, &t.DepartmentID, &t.SubjectTokens, &t.BodyTokens, &t.Dict, &t.HasReply); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveSuggestModel stores a trained dispatch model and keeps the three newest.
func (tx *Tx) SaveSuggestModel(ctx context.Context, model []byte, examples int) error {
	if _, err := tx.exec(ctx, `INSERT INTO suggest_models (trained_at, examples, model) VALUES ($1, $2, $3)`,
		ms(tx.s.now()), examples, model); err != nil {
		return fmt.Errorf("store: save model: %w", err)
	}
	_, err := tx.exec(ctx, `DELETE FROM suggest_models WHERE id NOT IN (SELECT id FROM suggest_models ORDER BY id DESC LIMIT 3)`)
	return err
}

// SuggestModelInfo describes the newest stored model.
type SuggestModelInfo struct {
	ID        int64
	TrainedAt time.Time
	Examples  int
}

// LatestSuggestModelInfo returns the newest model's id, or ErrNotFound.
func (s *Store) LatestSuggestModelInfo(ctx context.Context) (SuggestModelInfo, error) {
	var i SuggestModelInfo
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT id, trained_at, examples FROM suggest_models ORDER BY id DESC LIMIT 1`).Scan(&i.ID, &at, &i.Examples)
	if err != nil {
		if strings.Contains(err.Error(), "no rows") {
			return i, ErrNotFound
		}
		return i, fmt.Errorf("store: model: %w", err)
	}
	i.TrainedAt = fromMS(at)
	return i, nil
}

// SuggestModel returns a stored model's bytes.
func (s *Store) SuggestModel(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	if err := s.db.QueryRowContext(ctx, `SELECT model FROM suggest_models WHERE id = $1`, id).Scan(&b); err != nil {
		return nil, fmt.Errorf("store: model: %w", err)
	}
	return b, nil
}

// CountTrainingTickets counts what TrainingTickets returns (to retrain only on change).
func (s *Store) CountTrainingTickets(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE category_id <> '' AND (state = 'closed' OR channel = 'import')`).Scan(&n)
	return n, err
}
