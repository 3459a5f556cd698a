package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
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

// SetIndexedTokens writes the words toks[i] of the tickets rows[i] that TicketsToIndex read,
// each only if the ticket still has the version it was read with: an event that wrote newer
// words in between (the index hook, in the event's own transaction) keeps them. PostgreSQL
// gets one statement for the batch.
func (tx *Tx) SetIndexedTokens(ctx context.Context, rows []TicketText, toks []TicketTokens) error {
	if len(rows) != len(toks) {
		return fmt.Errorf("store: indexed tokens: %d rows, %d token sets", len(rows), len(toks))
	}
	if tx.s.dialect.name == "postgres" {
		cols := make([][]string, 6)
		for i, r := range rows {
			tk := toks[i]
			for c, v := range []string{r.ID, r.Dict, tk.Subject, tk.Body, tk.Address, tk.Dict} {
				cols[c] = append(cols[c], v)
			}
		}
		_, err := tx.exec(ctx, `UPDATE tickets AS t SET subject_tokens = v.s, body_tokens = v.b,
			address_tokens = v.a, search_dict = v.d
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS v (id, old, s, b, a, d)
			WHERE t.id = v.id AND t.search_dict = v.old`, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])
		if err != nil {
			return fmt.Errorf("store: indexed tokens: %w", err)
		}
		return nil
	}
	for i, r := range rows {
		tk := toks[i]
		_, err := tx.exec(ctx, `UPDATE tickets SET subject_tokens = $1, body_tokens = $2, address_tokens = $3, search_dict = $4
			WHERE id = $5 AND search_dict = $6`, tk.Subject, tk.Body, tk.Address, tk.Dict, r.ID, r.Dict)
		if err != nil {
			return fmt.Errorf("store: indexed tokens: %w", err)
		}
	}
	return nil
}

// CountPendingIndex counts the tickets waiting for their first search words (or marked
// pending): how far the search index is behind.
func (s *Store) CountPendingIndex(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE search_dict = ''`).Scan(&n) // tickets_words_pending
	return n, err
}

// MarkTicketUnindexed records that a ticket's words are out of date (written while the
// segmenter was not loaded); the next search or reindex segments it. Its old words go: a
// pending ticket has none on either database (PostgreSQL's words index leaves pending
// tickets out, so SQLite must not find them by stale words either).
func (tx *Tx) MarkTicketUnindexed(ctx context.Context, ticketID string) error {
	_, err := tx.exec(ctx, `UPDATE tickets SET subject_tokens = '', body_tokens = '', address_tokens = '', search_dict = ''
		WHERE id = $1`, ticketID)
	return err
}

// TicketText is what the indexer segments. Dict is the version of the words the row had
// when it was read (empty: none yet).
type TicketText struct {
	ID, Number, Subject, Description, Reply, Address, Dict string
}

// TicketsToIndex returns up to limit tickets segmented with another dictionary version than
// dict (or never), with ids after after (a keyset cursor: each batch starts where the last
// one ended instead of skipping the rows already done), for hotline search reindex.
// With dict "" it returns only rows never indexed (or marked pending), oldest first, and
// ignores after: the pending rows' own index (tickets_words_pending) holds nothing else, so
// this is cheap enough to run before a search and every second in the indexer.
func (s *Store) TicketsToIndex(ctx context.Context, dict, after string, limit int) ([]TicketText, error) {
	// The literal '' lets either planner match the partial index's predicate.
	q := `WHERE search_dict = '' ORDER BY created_at LIMIT ` + strconv.Itoa(limit)
	args := []any{}
	if dict != "" {
		q = `WHERE search_dict <> $1 AND id > $2 ORDER BY id LIMIT ` + strconv.Itoa(limit)
		args = []any{dict, after}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, number, subject, description, reply, address, search_dict FROM tickets `+q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: tickets to index: %w", err)
	}
	defer rows.Close()
	var out []TicketText
	for rows.Next() {
		var t TicketText
		if err := rows.Scan(&t.ID, &t.Number, &t.Subject, &t.Description, &t.Reply, &t.Address, &t.Dict); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CountTicketsToIndex counts the tickets not segmented with dictionary version dict.
func (s *Store) CountTicketsToIndex(ctx context.Context, dict string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE search_dict <> $1`, dict).Scan(&n)
	return n, err
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
	// Rank scores the candidates from their stored words: docs[i] is the subject, body and
	// address tokens of the i-th; the answer is one score per candidate (higher is better).
	Rank func(docs [][]string) []float64
}

// RankWindow is how many of the newest matches a ticket search ranks: reading and scoring
// them is most of a search's time (1 M tickets, SQLite: p95 31 ms with 1000, 293 ms with
// 5000; docs/search-bench-2026-11-21.txt).
var RankWindow = 1000

// TicketHit is a ticket and its relevance (higher is better; comparable within one answer).
type TicketHit struct {
	Ticket *ticket.Ticket
	Score  float64
}

// SearchTickets finds the newest RankWindow matches (the database's full-text index does
// the matching), scores them with f.Rank over their stored words (subject, body, address),
// and returns a page of the best, newest first among equals. The scoring is the caller's
// (textseg.Query.RankWindow), so it is the same on both databases; without f.Rank the hits
// are newest first.
func (s *Store) SearchTickets(ctx context.Context, f TicketSearch) ([]TicketHit, error) {
	var where []string
	var b binder
	arg, in := b.arg, b.in
	const cols = `t.id, t.created_at, t.subject_tokens, t.body_tokens, t.address_tokens`
	var q, newest, tsq string
	if s.dialect.name == "postgres" {
		if strings.TrimSpace(f.TSQuery) == "" {
			return nil, nil
		}
		q = `SELECT ` + cols + ` FROM tickets t`
		// The query is written into the statement, not bound: with a parameter the driver's
		// prepared statement soon runs a generic plan, which cannot tell 问题 (a third of
		// the tickets: walk created_at backwards) from a rare word (GIN bitmap) and took
		// seconds for common words at 1 M tickets. Quoting doubles single quotes
		// (standard_conforming_strings, on since PostgreSQL 9.1, keeps backslashes).
		tsq = "to_tsquery('simple', '" + strings.ReplaceAll(f.TSQuery, "'", "''") + "')"
		// A ticket without words matches nothing; saying so lets the planner use the words
		// index, which leaves such tickets out (schemaLeanTicketIndexes).
		where = append(where, searchWeekVector+" @@ "+tsq, "t.search_dict <> ''")
		newest = " ORDER BY t.created_at DESC, t.id DESC"
	} else {
		if strings.TrimSpace(f.FTS5) == "" {
			return nil, nil
		}
		q = `SELECT ` + cols + ` FROM ticket_search JOIN tickets t ON t.rowid = ticket_search.rowid`
		where = append(where, "ticket_search MATCH "+arg(f.FTS5))
		newest = " ORDER BY ticket_search.rowid DESC" // FTS5 walks its doclists backwards; rowids grow with inserts
	}
	scope, none := ticketScope{f.States, f.DepartmentID, f.CategoryIDs, f.RegionIDs, f.From, f.To, f.Departments}.conds("t.", arg, in, in)
	if none {
		return nil, nil
	}
	where = append(where, scope...)
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 200)
	// Scoring every match is what costs with common words (小区, 问题: a large share of the
	// tickets): only the newest RankWindow matches are read and ranked (docs/text-search.md).
	// Below that every match is, identically on both databases.
	type cand struct {
		id      string
		created int64
		score   float64
	}
	var cands []cand
	var docs [][]string
	// read appends up to n matches, newest first, with where[0] replaced by match when
	// given and extra conditions added.
	read := func(match, extra string, n int) (int, error) {
		w := where
		if match != "" {
			w = append([]string{match}, where[1:]...)
		}
		rows, err := s.db.QueryContext(ctx, q+` WHERE `+strings.Join(w, " AND ")+extra+newest+` LIMIT `+strconv.Itoa(n), b.args...)
		if err != nil {
			return 0, fmt.Errorf("store: search tickets: %w", err)
		}
		defer rows.Close()
		got := 0
		for rows.Next() {
			var c cand
			var subj, body, addr string
			if err := rows.Scan(&c.id, &c.created, &subj, &body, &addr); err != nil {
				return 0, err
			}
			cands = append(cands, c)
			docs = append(docs, []string{subj, body, addr})
			got++
		}
		return got, rows.Err()
	}
	if s.dialect.name == "postgres" {
		if err := s.searchNewestByWeek(ctx, f, where, b.args, tsq, read); err != nil {
			return nil, err
		}
	} else if _, err := read("", "", RankWindow); err != nil {
		return nil, err
	}
	if f.Rank != nil {
		for i, sc := range f.Rank(docs) {
			cands[i].score = sc
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.created != b.created {
			return a.created > b.created
		}
		return a.id > b.id
	})
	off := max(f.Offset, 0)
	if off >= len(cands) {
		return nil, nil
	}
	page := cands[off:min(off+limit, len(cands))]
	ids := make([]any, len(page))
	ph := make([]string, len(page))
	for i, c := range page {
		ids[i] = c.id
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	trows, err := s.db.QueryContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id IN (`+strings.Join(ph, ", ")+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("store: search tickets: %w", err)
	}
	defer trows.Close()
	byID := make(map[string]*ticket.Ticket, len(page))
	for trows.Next() {
		t, err := scanTicket(trows)
		if err != nil {
			return nil, err
		}
		byID[t.ID] = t
	}
	if err := trows.Err(); err != nil {
		return nil, err
	}
	out := make([]TicketHit, 0, len(page))
	for _, c := range page {
		if t := byID[c.id]; t != nil { // deleted between the two reads: left out
			out = append(out, TicketHit{Ticket: t, Score: c.score})
		}
	}
	return out, nil
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

// searchWeekVector is the expression tickets_words_week indexes (schemaSearchWeek,
// schemaLeanTicketIndexes), written as in the index so that the planner uses it: the
// ticket's words plus the lexeme of its creation week.
const searchWeekVector = "(t.search || array_to_tsvector(ARRAY['@w' || (t.created_at / 604800000)::text]))"

const weekMS = 604800000

// searchNewestByWeek reads the newest RankWindow matches on PostgreSQL through read (see
// SearchTickets). A GIN index returns matches in no useful order, so ORDER BY created_at
// LIMIT K alone fetches every match's row (噪音扰民 at 1 M tickets: 15.7 k rows on as many
// pages) before the sort. When the planner's estimate of the matches (its statistics of the
// lexemes, kept by ANALYZE) is well above K, the newest weeks are searched first, with
// their week lexemes ANDed to the query inside the GIN scan so that only their matches are
// fetched, then older weeks, each slice sized from the matches per week found so far,
// until K are found; the last slice is everything older. The slices are disjoint and taken
// newest first, so together they are the newest K matches: the answer of one query over
// everything.
func (s *Store) searchNewestByWeek(ctx context.Context, f TicketSearch, where []string, args []any, tsq string,
	read func(match, extra string, n int) (int, error)) error {
	k := RankWindow
	est, lo, hi, err := s.searchEstimate(ctx, where, args)
	if err != nil {
		return err
	}
	wLo, wHi := lo/weekMS, hi/weekMS
	if !f.From.IsZero() {
		wLo = max(wLo, ms(f.From)/weekMS)
	}
	if !f.To.IsZero() {
		wHi = min(wHi, (ms(f.To)-1)/weekMS)
	}
	if est < 4*float64(k) || wHi <= wLo {
		_, err := read("", "", k)
		return err
	}
	// First slice: the weeks expected to hold K/2 matches if they were spread evenly. The
	// estimate of a query with parts (噪音扰民 | 噪音 & 扰民) can be a third of the truth, and
	// every match in the slice is fetched, so it is a probe; the next slice is sized from
	// what it found. Each week in a slice costs about 1 ms of GIN work.
	seen := float64(wHi - wLo + 1)
	n := int64(math.Ceil(0.5 * float64(k) / est * seen))
	found := 0
	for top := wHi; found < k; {
		bottom := top - max(n, 1) + 1
		if bottom <= wLo {
			_, err := read("", " AND t.created_at < "+strconv.FormatInt((top+1)*weekMS, 10), k-found)
			return err
		}
		weeks := make([]string, 0, top-bottom+2)
		if top == wHi {
			weeks = append(weeks, "''@w"+strconv.FormatInt(top+1, 10)+"''") // a week that began while searching
		}
		for w := top; w >= bottom; w-- {
			weeks = append(weeks, "''@w"+strconv.FormatInt(w, 10)+"''")
		}
		got, err := read(searchWeekVector+" @@ ("+tsq+" && '"+strings.Join(weeks, " | ")+"'::tsquery)", "", k-found)
		if err != nil {
			return err
		}
		found += got
		seen = float64(wHi - bottom + 1)
		if found == 0 {
			n = 2 * int64(seen)
		} else {
			n = int64(math.Ceil(1.25 * float64(k-found) * seen / float64(found)))
		}
		top = bottom - 1
	}
	return nil
}

// searchEstimate returns PostgreSQL's estimate of the tickets matching where and the span
// of creation times (ms); est 0 when there is no estimate.
func (s *Store) searchEstimate(ctx context.Context, where []string, args []any) (est float64, lo, hi int64, err error) {
	var plan []byte
	if err := s.db.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM tickets t WHERE `+strings.Join(where, " AND "), args...).Scan(&plan); err != nil {
		return 0, 0, 0, fmt.Errorf("store: search estimate: %w", err)
	}
	var p []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal(plan, &p); err == nil && len(p) > 0 {
		est = p[0].Plan.Rows
	}
	var l, h sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(created_at), MAX(created_at) FROM tickets`).Scan(&l, &h); err != nil {
		return 0, 0, 0, fmt.Errorf("store: search span: %w", err)
	}
	return est, l.Int64, h.Int64, nil
}

// scoreScanner scans a row followed by one more column (the score).
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
