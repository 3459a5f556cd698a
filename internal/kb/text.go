// Package kb holds the Chinese-text use cases of issue 5: the ticket search index and
// search, the knowledge base (知识库), dispatch suggestions (智能派单), duplicates and hot
// words. It joins the pure text packages (textseg, suggest, dedup, hotword) to the store.
//
// The segmenter (gse's dictionary: ≈2 s and ≈128 MB of heap) is loaded on first use only:
// the first search, suggestion, article save or ticket index. A server nobody searches in,
// and every process and test that never touches text, never loads it.
//
// Permissions (documented here because access has no knowledge-base permissions yet):
// agents, monitors, dispatchers and admins draft and edit articles and submit them for
// review (审核); dispatchers and admins approve, reject and archive (the reviewer role);
// every staff member reads published articles; anyone, without login, reads published
// articles marked public (citizen portal). Ticket search needs access.ViewTickets and is
// scoped like the ticket list (department users see their subtree only).
package kb

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/textseg"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// DictVersion is the tokenisation version: change it when the embedded dictionaries or the
// tokenisation change. The version recorded with a row's tokens is DictVersion followed by
// a hash of the editable city dictionary the segmenter had learned (CurrentDictVersion);
// rows with another version are re-segmented by Reindex.
const DictVersion = "1"

var segLoaded atomic.Bool

// Segmenter returns the process-wide segmenter, loading it on first use; on that first
// load it learns the editable dictionary of the store given to UseDictionary.
func Segmenter() (*textseg.Segmenter, error) {
	s, err := textseg.Default()
	if err != nil {
		return nil, err
	}
	if !segLoaded.Swap(true) {
		if st := dictSource.Load(); st != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, _, err := SyncDictionary(ctx, st); err != nil {
				segLoaded.Store(false) // try again on the next use
				return nil, err
			}
		}
	}
	return s, nil
}

// TicketTokens segments a ticket's searchable fields.
func TicketTokens(seg *textseg.Segmenter, subject, description, reply, address string) store.TicketTokens {
	// The version is read before segmenting: a dictionary change in between leaves the row
	// with the old version, so Reindex redoes it.
	v := CurrentDictVersion()
	body := description
	if reply != "" {
		body += "\n" + reply
	}
	return store.TicketTokens{Subject: seg.IndexText(subject), Body: seg.IndexText(body),
		Address: seg.IndexText(address), Dict: v}
}

// Wire makes svc keep the search index: a new ticket's words are made before its
// registration is written and go in with the row (Service.Tokenize: one index entry, where
// an UPDATE after the INSERT would write every index of the row twice), and every later
// event (reply, merge, edits…) rewrites them in its own transaction (indexHook).
//
// Neither loads the dictionary: until the process has used text (a search, a suggestion,
// an article, a reindex), new tickets are written pending and changed ones are marked
// pending, and the first search indexes the pending tickets before it queries (CatchUp).
// While registrations queue up (workorder.Service.Busy) new tickets are written pending
// too, and the indexer (Serve) writes their words once the burst is over.
// So a server that only registers tickets — the demo loading its data, a node nobody
// searches on — stays small. A ticket registered while the dictionary was loading may be
// written pending; a search that catches up (CatchUp: at most once a second) indexes it
// first, and so does the background reindex.
func Wire(svc *workorder.Service) {
	svc.Tokenize = registrationTokens
	svc.Hooks = append(svc.Hooks, indexHook)
}

func registrationTokens(t *ticket.Ticket) store.TicketTokens {
	if !segLoaded.Load() {
		return store.TicketTokens{} // pending: search_dict stays ''
	}
	seg, err := Segmenter()
	if err != nil {
		return store.TicketTokens{}
	}
	return TicketTokens(seg, t.Subject, t.Description, t.Reply, t.Address)
}

func indexHook(ctx context.Context, tx *store.Tx, t *ticket.Ticket, ev ticket.Event) error {
	if ev.Action == ticket.ActRegister {
		return nil // written with its words, or pending (registrationTokens)
	}
	if !segLoaded.Load() {
		return tx.MarkTicketUnindexed(ctx, t.ID)
	}
	seg, err := Segmenter()
	if err != nil {
		return err
	}
	return tx.SetTicketTokens(ctx, t.ID, TicketTokens(seg, t.Subject, t.Description, t.Reply, t.Address))
}

// IndexAlways loads the dictionary now, so that every ticket is indexed as it is written
// instead of pending until the first search (tests, and servers that want every write
// indexed from the start).
func IndexAlways() error { _, err := Segmenter(); return err }

var (
	indexMu   sync.Mutex // one indexing batch at a time per process: CatchUp and the indexer
	lastCatch = map[*store.Store]time.Time{}
)

// catchUpFor bounds how long a search waits for pending tickets to be indexed. After a
// burst the indexer may be tens of thousands of tickets behind (it writes about 2 000 a
// second): a search indexes what it can in this time, then answers from the index as it
// stands.
var catchUpFor = 2 * time.Second

// CatchUp indexes the tickets marked pending (or never indexed) before a search. It checks
// at most once a second per store; the check is an equality on an indexed column.
func CatchUp(ctx context.Context, st *store.Store) error {
	indexMu.Lock()
	defer indexMu.Unlock()
	if time.Since(lastCatch[st]) < time.Second {
		return nil
	}
	until := time.Now().Add(catchUpFor)
	for time.Now().Before(until) {
		n, err := indexPendingLocked(ctx, st, 500)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	lastCatch[st] = time.Now()
	return nil
}

// indexPending indexes up to limit pending tickets and says how many it found.
func indexPending(ctx context.Context, st *store.Store, limit int) (int, error) {
	indexMu.Lock()
	defer indexMu.Unlock()
	return indexPendingLocked(ctx, st, limit)
}

// indexPendingLocked is indexPending for a caller holding indexMu.
func indexPendingLocked(ctx context.Context, st *store.Store, limit int) (int, error) {
	rows, err := st.TicketsToIndex(ctx, "", "", limit)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	return len(rows), indexRows(ctx, st, rows)
}

func indexRows(ctx context.Context, st *store.Store, rows []store.TicketText) error {
	return indexRowsMemo(ctx, st, rows, nil)
}

// tokenMemo remembers the words of texts already segmented in one Reindex run: imported and
// seeded tickets repeat subjects, addresses and whole descriptions, and segmenting is most
// of a re-index's CPU. It is dropped when the dictionary version changes.
type tokenMemo struct {
	version string
	m       map[string]string
}

const tokenMemoMax = 50000

func (c *tokenMemo) text(seg *textseg.Segmenter, s string) string {
	if c == nil || len(s) > 2000 {
		return seg.IndexText(s)
	}
	if v, ok := c.m[s]; ok {
		return v
	}
	if len(c.m) >= tokenMemoMax {
		clear(c.m)
	}
	v := seg.IndexText(s)
	c.m[s] = v
	return v
}

func indexRowsMemo(ctx context.Context, st *store.Store, rows []store.TicketText, memo *tokenMemo) error {
	seg, err := Segmenter()
	if err != nil {
		return err
	}
	toks := make([]store.TicketTokens, len(rows))
	if memo != nil {
		if v := CurrentDictVersion(); v != memo.version || memo.m == nil {
			memo.version, memo.m = v, map[string]string{}
		}
	}
	for i, r := range rows { // segment before the transaction
		if memo == nil {
			toks[i] = TicketTokens(seg, r.Subject, r.Description, r.Reply, r.Address)
			continue
		}
		body := r.Description
		if r.Reply != "" {
			body += "\n" + r.Reply
		}
		toks[i] = store.TicketTokens{Subject: memo.text(seg, r.Subject), Body: memo.text(seg, body),
			Address: memo.text(seg, r.Address), Dict: memo.version}
	}
	return st.InTx(ctx, func(tx *store.Tx) error { return tx.SetIndexedTokens(ctx, rows, toks) })
}

// SeedTokens returns a function giving a ticket's search words as Reindex would make them,
// remembering repeated texts (seeded tickets draw from a small pool of messages): for
// hotline bench seed. The function is not safe for concurrent use.
func SeedTokens() (func(*ticket.Ticket) store.TicketTokens, error) {
	seg, err := Segmenter()
	if err != nil {
		return nil, err
	}
	memo := &tokenMemo{version: CurrentDictVersion(), m: map[string]string{}}
	return func(t *ticket.Ticket) store.TicketTokens {
		body := t.Description
		if t.Reply != "" {
			body += "\n" + t.Reply
		}
		return store.TicketTokens{Subject: memo.text(seg, t.Subject), Body: memo.text(seg, body),
			Address: memo.text(seg, t.Address), Dict: memo.version}
	}, nil
}

// Reindex segments every ticket not indexed with CurrentDictVersion (imported, seeded, from
// before the search migration, or after a dictionary change), batch by batch, each batch
// its own transaction. It returns how many tickets it indexed.
func Reindex(ctx context.Context, st *store.Store, batch int, progress io.Writer) (int, error) {
	if batch <= 0 {
		batch = 500
	}
	if _, err := Segmenter(); err != nil {
		return 0, err
	}
	// Learn st's city dictionary as it is now before the version is read: edits made by
	// another process (hotline dictionary add) are caught here too.
	if _, _, err := SyncDictionary(ctx, st); err != nil {
		return 0, err
	}
	n := 0
	after := ""
	memo := &tokenMemo{}
	for {
		rows, err := st.TicketsToIndex(ctx, CurrentDictVersion(), after, batch)
		if err != nil || len(rows) == 0 {
			return n, err
		}
		if err := indexRowsMemo(ctx, st, rows, memo); err != nil {
			return n, err
		}
		after = rows[len(rows)-1].ID
		n += len(rows)
		if progress != nil {
			fmt.Fprintf(progress, "indexed %d tickets\n", n)
		}
	}
}

// ErrForbidden is returned when the principal may not do what it asked.
var ErrForbidden = fmt.Errorf("forbidden")

// SearchQuery is a ticket search with its filters.
type SearchQuery struct {
	Q            string
	States       []ticket.State
	CategoryIDs  []string
	RegionIDs    []string
	DepartmentID string
	From, To     time.Time
	Limit        int
	Offset       int
}

// TicketHit is one search result with highlighted text (HTML-escaped, <mark> around
// matches).
type TicketHit struct {
	Ticket  *ticket.Ticket `json:"-"`
	Score   float64        `json:"score"`
	Subject string         `json:"subject_html"`
	Snippet string         `json:"snippet_html"`
}

// SearchResult is a page of hits. Any is true when no ticket had every word and the hits
// are those with any of them. Pending counts the tickets a word search could not see yet:
// registered in a burst, their words still waiting for the indexer.
type SearchResult struct {
	Hits    []TicketHit
	Any     bool
	Pending int
}

// SearchTickets searches tickets the principal may see: digits as a ticket number prefix or
// phone number; otherwise words, all of them (or any, when none has all).
func SearchTickets(ctx context.Context, st *store.Store, p access.Principal, q SearchQuery) (SearchResult, error) {
	if !p.Has(access.ViewTickets) {
		return SearchResult{}, ErrForbidden
	}
	var scope []string
	if p.Role.DepartmentScoped() {
		scope = make([]string, 0, len(p.Departments))
		for d := range p.Departments {
			scope = append(scope, d)
		}
	}
	text := strings.TrimSpace(q.Q)
	if text == "" {
		return SearchResult{}, nil
	}
	if isDigits(text) {
		page, err := st.ListTickets(ctx, store.TicketFilter{Text: text, States: q.States, CategoryIDs: q.CategoryIDs,
			RegionIDs: q.RegionIDs, DepartmentID: q.DepartmentID, From: q.From, To: q.To, Departments: scope, Limit: q.Limit})
		if err != nil {
			return SearchResult{}, err
		}
		var res SearchResult
		for _, t := range page.Tickets {
			t.Phone = p.ShowPhone(t.Phone)
			res.Hits = append(res.Hits, TicketHit{Ticket: t, Score: 1, Subject: textseg.Highlight(t.Subject, nil),
				Snippet: textseg.Snippet(t.Description, nil, 80)})
		}
		return res, nil
	}
	seg, err := Segmenter()
	if err != nil {
		return SearchResult{}, err
	}
	if err := CatchUp(ctx, st); err != nil {
		return SearchResult{}, err
	}
	pending, err := st.CountPendingIndex(ctx)
	if err != nil {
		return SearchResult{}, err
	}
	query := seg.Query(text)
	if len(query) == 0 {
		return SearchResult{}, nil
	}
	f := store.TicketSearch{FTS5: query.FTS5(), TSQuery: query.TSQuery(), States: q.States, CategoryIDs: q.CategoryIDs,
		RegionIDs: q.RegionIDs, DepartmentID: q.DepartmentID, From: q.From, To: q.To, Departments: scope,
		Limit: q.Limit, Offset: q.Offset, Rank: func(docs [][]string) []float64 { return query.RankWindow(docs, fieldWeights) }}
	hits, err := st.SearchTickets(ctx, f)
	if err != nil {
		return SearchResult{}, err
	}
	res := SearchResult{Pending: pending}
	if len(hits) == 0 && q.Offset == 0 && len(query) > 1 {
		f.FTS5, f.TSQuery = query.FTS5Any(), query.TSQueryAny()
		if hits, err = st.SearchTickets(ctx, f); err != nil {
			return SearchResult{}, err
		}
		res.Any = len(hits) > 0
	}
	terms := query.HighlightTerms()
	for _, h := range hits {
		t := h.Ticket
		t.Phone = p.ShowPhone(t.Phone)
		body := t.Description
		if t.Reply != "" {
			body += "\n" + t.Reply
		}
		if t.Address != "" {
			body = t.Address + " · " + body
		}
		res.Hits = append(res.Hits, TicketHit{Ticket: t, Score: h.Score, Subject: textseg.Highlight(t.Subject, terms),
			Snippet: textseg.Snippet(body, terms, 80)})
	}
	return res, nil
}

// fieldWeights weigh a word in the subject, body and address of a ticket (the order of
// store.TicketSearch.Rank's fields).
var fieldWeights = []float64{4, 1, 2}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// registry keeps one suggester per store (the HTTP API and serve share it).
var (
	regMu    sync.Mutex
	registry = map[*store.Store]*Suggestions{}
)

// For returns the store's shared suggestion service.
func For(st *store.Store) *Suggestions {
	regMu.Lock()
	defer regMu.Unlock()
	s := registry[st]
	if s == nil {
		s = &Suggestions{st: st}
		registry[st] = s
	}
	return s
}
