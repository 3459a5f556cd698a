package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// NewID returns a new stable, time-ordered identifier (UUIDv7).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// IDAt is an identifier like NewID's for the instant at, its other 74 bits taken from rest
// (at least 10 bytes): ids made for past times (a seed) or made again from the same input
// (an outbox message's key) still sort by time.
func IDAt(at time.Time, rest []byte) string {
	var u uuid.UUID
	ms := uint64(at.UnixMilli())
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	copy(u[6:], rest[:10])
	u[6] = u[6]&0x0f | 0x70 // version 7
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u.String()
}

const ticketColumns = `id, number, state, channel, request_type, category_id, region_id, address, lat, lng,
	subject, description, citizen_id, phone, citizen_name, urgency, department_id, parent_department_id,
	handler_id, co_departments, sign_deadline, handle_deadline, overdue, supervised, urge_count,
	reopen_count, pending_extension, reply, satisfaction, merged_into, fields, created_at, updated_at,
	closed_at, version, signfor_overdue, suspended_at, suspend_reason, pause_denied`

type scanner interface{ Scan(dest ...any) error }

func scanTicket(row scanner) (*ticket.Ticket, error) {
	var t ticket.Ticket
	var lat, lng sql.NullFloat64
	var co, ext, fields sql.NullString
	var sign, handle, closed, suspended sql.NullInt64
	var created, updated int64
	err := row.Scan(&t.ID, &t.Number, &t.State, &t.Channel, &t.RequestType, &t.CategoryID, &t.RegionID,
		&t.Address, &lat, &lng, &t.Subject, &t.Description, &t.CitizenID, &t.Phone, &t.CitizenName,
		&t.Urgency, &t.DepartmentID, &t.ParentDepartmentID, &t.HandlerID, &co, &sign, &handle,
		&t.Overdue, &t.Supervised, &t.UrgeCount, &t.ReopenCount, &ext, &t.Reply, &t.Satisfaction,
		&t.MergedInto, &fields, &created, &updated, &closed, &t.Version, &t.SignOverdue, &suspended,
		&t.SuspendReason, &t.PauseDenied)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if lat.Valid && lng.Valid {
		t.Lat, t.Lng = &lat.Float64, &lng.Float64
	}
	if co.Valid && co.String != "" {
		_ = json.Unmarshal([]byte(co.String), &t.CoDepartmentIDs)
	}
	if ext.Valid && ext.String != "" {
		t.PendingExtension = &ticket.Extension{}
		_ = json.Unmarshal([]byte(ext.String), t.PendingExtension)
	}
	if fields.Valid && fields.String != "" {
		_ = json.Unmarshal([]byte(fields.String), &t.Fields)
	}
	t.SignDeadline, t.HandleDeadline, t.ClosedAt = fromNullMS(sign), fromNullMS(handle), fromNullMS(closed)
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	t.SuspendedAt = fromNullMS(suspended)
	t.Suspended = t.SuspendedAt != nil
	return &t, nil
}

func jsonOrNull(v any, empty bool) any {
	if empty {
		return nil
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func ticketArgs(t *ticket.Ticket) []any {
	var lat, lng any
	if t.Lat != nil && t.Lng != nil {
		lat, lng = *t.Lat, *t.Lng
	}
	suspended := t.SuspendedAt
	if !t.Suspended {
		suspended = nil
	}
	return []any{t.ID, t.Number, string(t.State), string(t.Channel), string(t.RequestType), t.CategoryID,
		t.RegionID, t.Address, lat, lng, t.Subject, t.Description, t.CitizenID, t.Phone, t.CitizenName,
		string(t.Urgency), t.DepartmentID, t.ParentDepartmentID, t.HandlerID,
		jsonOrNull(t.CoDepartmentIDs, len(t.CoDepartmentIDs) == 0), msPtr(t.SignDeadline), msPtr(t.HandleDeadline),
		t.Overdue, t.Supervised, t.UrgeCount, t.ReopenCount,
		jsonOrNull(t.PendingExtension, t.PendingExtension == nil), t.Reply, string(t.Satisfaction), t.MergedInto,
		jsonOrNull(t.Fields, len(t.Fields) == 0), ms(t.CreatedAt), ms(t.UpdatedAt), msPtr(t.ClosedAt), t.Version,
		t.SignOverdue, msPtr(suspended), t.SuspendReason, t.PauseDenied}
}

// NextTicketNumber takes the next number of the ticket's local day (in Asia/Shanghai).
// Numbers are unique under any concurrency. On SQLite the counter row is updated inside the
// caller's transaction (there is one writer anyway), so a rolled-back registration gives its
// number back. On PostgreSQL a per-day sequence hands them out without holding a row lock
// until commit — a counter row would serialise every registration behind one fsync — so a
// rolled-back registration leaves a gap. This process takes them from the sequence
// numberBlock at a time, saving a round trip on most registrations; its own numbers still
// rise in the order they are handed out, and a restart leaves at most one block unused.
func (tx *Tx) NextTicketNumber(ctx context.Context, at time.Time) (string, error) {
	day := at.In(ticket.Location)
	key := day.Format("20060102")
	var n int
	var err error
	if tx.s.dialect.name == "postgres" {
		n, err = tx.s.takeDayNumber(ctx, tx, key)
	} else {
		err = tx.queryRow(ctx, `INSERT INTO ticket_daily_seq (day, n) VALUES ($1, 1)
			ON CONFLICT (day) DO UPDATE SET n = ticket_daily_seq.n + 1 RETURNING n`, key).Scan(&n)
	}
	if err != nil {
		return "", fmt.Errorf("store: ticket number: %w", err)
	}
	return ticket.Number(day, n), nil
}

// numberBlock is how many numbers PostgreSQL hands this process at a time.
const numberBlock = 16

// takeDayNumber gives the smallest number left in this process's block for the day,
// taking a new block from the day's sequence when it is empty.
func (s *Store) takeDayNumber(ctx context.Context, tx *Tx, key string) (int, error) {
	s.numbersMu.Lock()
	defer s.numbersMu.Unlock()
	if free := s.numbers[key]; len(free) > 0 {
		s.numbers[key] = free[1:]
		return free[0], nil
	}
	if err := s.ensureDaySequence(ctx, key); err != nil {
		return 0, err
	}
	rows, err := tx.query(ctx, `SELECT nextval('ticket_seq_`+key+`') FROM generate_series(1, $1)`, numberBlock)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var block []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
		block = append(block, n)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(block) == 0 {
		return 0, errors.New("the day's sequence gave no number")
	}
	slices.Sort(block) // another node may have taken numbers in between
	for k := range s.numbers {
		if k < key { // past days' leftovers are never used
			delete(s.numbers, k)
		}
	}
	s.numbers[key] = block[1:]
	return block[0], nil
}

// ensureDaySequence creates the day's number sequence once, outside any transaction (the
// DDL must not hold locks while registrations run), and remembers it.
func (s *Store) ensureDaySequence(ctx context.Context, key string) error {
	s.daySeqMu.Lock()
	defer s.daySeqMu.Unlock()
	if s.daySeqs[key] {
		return nil
	}
	var err error
	for try := 0; try < 3; try++ {
		// Two nodes creating the same sequence at once can collide in the catalogue; the
		// loser retries and finds it there.
		if _, err = s.ddl.ExecContext(ctx, `CREATE SEQUENCE IF NOT EXISTS ticket_seq_`+key); err == nil {
			s.daySeqs[key] = true
			return nil
		}
	}
	return err
}

// InsertTicket stores a new ticket (ID and Number set by the caller) with its first event.
func (tx *Tx) InsertTicket(ctx context.Context, t *ticket.Ticket, first ticket.Event) error {
	return tx.InsertTickets(ctx, []*ticket.Ticket{t}, []ticket.Event{first}, nil)
}

// InsertTickets stores new tickets with their first events (firsts[i] is ts[i]'s), all the
// tickets before all the events, so that on PostgreSQL each table's rows go as one statement
// (mergeInserts). tokens, when not nil, holds the tickets' search words (a zero entry: none
// yet, the ticket waits for the index): written with the row, the search index entry is
// made once, where a later UPDATE would write every index of the row a second time.
func (tx *Tx) InsertTickets(ctx context.Context, ts []*ticket.Ticket, firsts []ticket.Event, tokens []TicketTokens) error {
	for i, t := range ts {
		args := ticketArgs(t)
		cols := ticketColumns
		if tokens != nil && tokens[i].Dict != "" {
			tk := tokens[i]
			args = append(args, tk.Subject, tk.Body, tk.Address, tk.Dict)
			cols += tokenColumns
		}
		if err := tx.execLater(ctx, "store: insert ticket",
			`INSERT INTO tickets (`+cols+`) VALUES `+placeholders(1, len(args), false), args...); err != nil {
			return err
		}
	}
	for _, t := range ts {
		if err := tx.syncCoDepartments(ctx, t); err != nil {
			return err
		}
	}
	for i, t := range ts {
		first := firsts[i]
		first.TicketID = t.ID
		first.Seq = 1
		if err := tx.AppendEvent(ctx, &first); err != nil {
			return err
		}
	}
	return nil
}

// tokenColumns are the search words' columns (TicketTokens), after ticketColumns.
const tokenColumns = `, subject_tokens, body_tokens, address_tokens, search_dict`

// UpdateTicket writes t back if nobody changed it since it was read at version t.Version-1,
// and appends the event that changed it.
func (tx *Tx) UpdateTicket(ctx context.Context, t *ticket.Ticket, ev *ticket.Event) error {
	args := ticketArgs(t)
	cols := strings.Split(ticketColumns, ",")
	sets := make([]string, 0, len(cols))
	for i, c := range cols {
		c = strings.TrimSpace(c)
		if c == "id" {
			continue
		}
		sets = append(sets, c+" = $"+strconv.Itoa(i+1))
	}
	args = append(args, t.Version-1)
	res, err := tx.exec(ctx, `UPDATE tickets SET `+strings.Join(sets, ", ")+
		` WHERE id = $1 AND version = $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return fmt.Errorf("store: update ticket: %w", tx.s.dialect.mapErr(err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%w: ticket %s changed meanwhile", ErrConflict, t.Number)
	}
	if err := tx.syncCoDepartments(ctx, t); err != nil {
		return err
	}
	ev.TicketID = t.ID
	return tx.AppendEvent(ctx, ev)
}

func (tx *Tx) syncCoDepartments(ctx context.Context, t *ticket.Ticket) error {
	for _, d := range t.CoDepartmentIDs {
		if err := tx.execLater(ctx, "store: co-departments", `INSERT INTO ticket_co_departments (ticket_id, department_id)
			VALUES ($1, $2) ON CONFLICT DO NOTHING`, t.ID, d); err != nil {
			return err
		}
	}
	return nil
}

// AppendEvent adds ev to its ticket's archive with the next sequence number (or ev.Seq
// when the caller knows it: 1 for a new ticket).
func (tx *Tx) AppendEvent(ctx context.Context, ev *ticket.Event) error {
	if ev.ID == "" {
		ev.ID = NewID()
	}
	if ev.At.IsZero() {
		ev.At = tx.s.now().UTC()
	}
	if ev.Seq == 0 {
		err := tx.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_events WHERE ticket_id = $1`, ev.TicketID).Scan(&ev.Seq)
		if err != nil {
			return fmt.Errorf("store: event seq: %w", err)
		}
	}
	return tx.execLater(ctx, "store: append event", `INSERT INTO ticket_events (id, ticket_id, seq, action, actor, role,
		from_state, to_state, note, department_id, data, attachments, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		ev.ID, ev.TicketID, ev.Seq, string(ev.Action), ev.Actor, ev.Role, string(ev.FromState), string(ev.ToState),
		ev.Note, ev.DepartmentID, jsonOrNull(ev.Data, len(ev.Data) == 0),
		jsonOrNull(ev.Attachments, len(ev.Attachments) == 0), ms(ev.At))
}

// ticketWhere is the query for one ticket by a unique column, with a lock clause or "".
func ticketWhere(col, lock string) string {
	return `SELECT ` + ticketColumns + ` FROM tickets WHERE ` + col + ` = $1` + lock
}

func getTicket(ctx context.Context, q querier, col string, arg any) (*ticket.Ticket, error) {
	return scanTicket(q.QueryRowContext(ctx, ticketWhere(col, ""), arg))
}

// TicketByNumber reads a ticket by its number.
func (s *Store) TicketByNumber(ctx context.Context, number string) (*ticket.Ticket, error) {
	return getTicket(ctx, s.db, "number", number)
}

// TicketByID reads a ticket by its id.
func (s *Store) TicketByID(ctx context.Context, id string) (*ticket.Ticket, error) {
	return getTicket(ctx, s.db, "id", id)
}

// TicketForUpdate reads a ticket inside the transaction, locking its row where the database can.
func (tx *Tx) TicketForUpdate(ctx context.Context, number string) (*ticket.Ticket, error) {
	return scanTicket(tx.queryRow(ctx, ticketWhere("number", tx.s.dialect.forUpdate), number))
}

// TicketEvents returns the ticket's archive in order.
func (s *Store) TicketEvents(ctx context.Context, ticketID string) ([]ticket.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, ticket_id, seq, action, actor, role, from_state, to_state,
		note, department_id, data, attachments, at FROM ticket_events WHERE ticket_id = $1 ORDER BY seq`, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ticket.Event
	for rows.Next() {
		var ev ticket.Event
		var data, att sql.NullString
		var at int64
		if err := rows.Scan(&ev.ID, &ev.TicketID, &ev.Seq, &ev.Action, &ev.Actor, &ev.Role, &ev.FromState,
			&ev.ToState, &ev.Note, &ev.DepartmentID, &data, &att, &at); err != nil {
			return nil, err
		}
		if data.Valid {
			_ = json.Unmarshal([]byte(data.String), &ev.Data)
		}
		if att.Valid {
			_ = json.Unmarshal([]byte(att.String), &ev.Attachments)
		}
		ev.At = fromMS(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// TicketFilter narrows a ticket list. Zero fields do not filter.
type TicketFilter struct {
	States       []ticket.State
	DepartmentID string // the department itself (use Departments for a subtree)
	CategoryIDs  []string
	RegionIDs    []string
	Channel      ticket.Channel
	Urgency      ticket.Urgency
	CitizenID    string
	From, To     time.Time // created_at in [From, To)
	Overdue      *bool     // 超期: flagged, or past the handling deadline with the clock running (ticket.ClockStates)
	Supervised   *bool
	SignOverdue  *bool  // 签收超时
	Suspended    *bool  // 挂起
	Text         string // number prefix, exact phone, or words in subject/description
	// PendingExtension: only tickets with (true) or without (false) an extension request
	// (延期申请) awaiting the centre's decision.
	PendingExtension *bool
	// Sort is SortNewest (default) or SortDeadline: the handling deadline first, tickets
	// without one last — a department's inbox (承办) is worked in that order.
	Sort string
	// Departments limits the list to tickets held, sub-dispatched or co-handled by these
	// departments: the scope of a department user. Nil means no limit.
	Departments []string
	Cursor      string // from the previous page's NextCursor
	Limit       int    // default 50, at most 500
}

// List orders.
const (
	SortNewest   = "newest"
	SortDeadline = "deadline"
)

// clockStates is ticket.ClockStates as SQL, written as the partial index
// tickets_clock_deadline writes it (schemaListsRare).
var clockStates = func() string {
	q := make([]string, len(ticket.ClockStates))
	for i, st := range ticket.ClockStates {
		q[i] = "'" + string(st) + "'"
	}
	return strings.Join(q, ", ")
}()

// listBranch is one part of a split list: cond, read through index when set (a partial
// index), or one value of a split filter (byValue).
type listBranch struct {
	index, cond string
	byValue     bool
}

// maxListBranches bounds how many values of one filter a list reads as separate ordered
// ranges (a SQLite compound SELECT has at most 500 terms); more walk the created index.
const maxListBranches = 200

// noDeadline sorts tickets without a deadline after every real one.
const noDeadline = int64(1) << 62

// TicketPage is one page of a list, in the filter's order.
type TicketPage struct {
	Tickets    []*ticket.Ticket
	NextCursor string // empty on the last page
}

// ListTickets returns tickets matching f, newest first, a page at a time (keyset pagination,
// so page N costs the same as page 1).
func (s *Store) ListTickets(ctx context.Context, f TicketFilter) (TicketPage, error) {
	var where []string
	var b binder
	arg, in := b.arg, b.in
	text := strings.TrimSpace(f.Text)
	digits := text != "" && isDigits(text)
	// branches, when set, are disjoint conditions each read as its own ordered page and
	// merged (see the UNION below). A filter of several values (a set of states, a category
	// or region subtree) is split so: given the IN, SQLite reads every match through the
	// column's index and sorts them all, and PostgreSQL walks the newest-first index, both
	// skipping every newer ticket that does not match (at 1 M tickets with 90–116 k fresh
	// registrations on top, 60–78 ms). One (value, created_at) index range per value stops
	// after a page each. Only one filter is split; on SQLite the others, and any filter when
	// digits already split the query, walk the newest-first index (the unary + keeps SQLite
	// off the column's index).
	var branches []listBranch
	ordered := func(col string, vals []string) string {
		if len(vals) > 1 {
			if branches == nil && !digits && len(vals) <= maxListBranches {
				for _, v := range vals {
					branches = append(branches, listBranch{cond: col + " = " + arg(v), byValue: true})
				}
				return ""
			}
			if s.dialect.name == "sqlite" {
				col = "+" + col
			}
		}
		return in(col, vals)
	}
	scope, none := ticketScope{f.States, f.DepartmentID, f.CategoryIDs, f.RegionIDs, f.From, f.To, f.Departments}.conds("", arg, in, ordered)
	if none {
		return TicketPage{}, nil
	}
	where = append(where, scope...)
	if f.Channel != "" {
		where = append(where, "channel = "+arg(string(f.Channel)))
	}
	if f.Urgency != "" {
		where = append(where, "urgency = "+arg(string(f.Urgency)))
	}
	if f.CitizenID != "" {
		where = append(where, "citizen_id = "+arg(f.CitizenID))
	}
	if f.Overdue != nil {
		// Overdue (超期): flagged by the scheduler, or past the deadline with the clock running
		// and not flagged yet (the scheduler flags within seconds).
		running := "state IN (" + clockStates + ") AND suspended_at IS NULL"
		now := arg(ms(s.now()))
		if *f.Overdue && branches == nil && !digits {
			// The partial indexes tickets_overdue and tickets_clock_deadline, whose WHERE
			// these terms repeat word for word so that the planner may use them (walking
			// the created index instead skips every fresh ticket: 45–77 ms at 1.1 M). Without
			// statistics SQLite would read every dispatched and processing ticket through
			// tickets_state for the second, hence its index named.
			branches = []listBranch{{cond: "overdue = TRUE"}, {index: "tickets_clock_deadline",
				cond: "(handle_deadline < " + now + " AND overdue = FALSE AND " + running + ")"}}
		} else {
			// IS NOT NULL keeps the condition two-valued: NOT of a NULL would drop tickets without a deadline.
			cond := "(overdue = " + arg(true) + " OR (handle_deadline IS NOT NULL AND handle_deadline < " + now + " AND " + running + "))"
			if !*f.Overdue {
				cond = "NOT " + cond
			}
			where = append(where, cond)
		}
	}
	if f.Supervised != nil {
		where = append(where, "supervised = "+arg(*f.Supervised))
	}
	if f.PendingExtension != nil {
		if *f.PendingExtension {
			where = append(where, "pending_extension IS NOT NULL")
		} else {
			where = append(where, "pending_extension IS NULL")
		}
	}
	if f.SignOverdue != nil {
		where = append(where, "signfor_overdue = "+arg(*f.SignOverdue))
	}
	if f.Suspended != nil {
		cond := "suspended_at IS NOT NULL"
		if !*f.Suspended {
			cond = "suspended_at IS NULL"
		}
		where = append(where, cond)
	}
	// Digits match a number prefix or a phone: two conditions, each served by its own
	// index in created order; see the UNION below.
	var byNumber, byPhone string
	if q := text; q != "" {
		if digits {
			// Digits are a ticket number (prefix) or a phone number: both indexed.
			prefix := "number LIKE " + arg(q+"%")
			if s.dialect.name == "sqlite" {
				// SQLite's LIKE cannot use the number index; a range can, and SQLite compares
				// bytewise, so every string of digits starting with q lies in [q, q+":").
				// (PostgreSQL keeps LIKE: under a linguistic collation ":" does not sort so.)
				prefix = "(number >= " + arg(q) + " AND number < " + arg(q+":") + ")"
			}
			byNumber, byPhone = prefix, "phone = "+arg(q)
		} else {
			p := arg("%" + escapeLike(q) + "%")
			where = append(where, "(subject LIKE "+p+" ESCAPE '\\' OR description LIKE "+p+" ESCAPE '\\' OR address LIKE "+p+" ESCAPE '\\')")
		}
	}
	byDeadline := f.Sort == SortDeadline
	deadline := "COALESCE(handle_deadline, " + strconv.FormatInt(noDeadline, 10) + ")"
	if f.Cursor != "" {
		c := f.Cursor
		if byDeadline { // a cursor of the other order must not be taken for this one
			var ok bool
			if c, ok = strings.CutPrefix(c, "d"); !ok {
				return TicketPage{}, ErrBadCursor
			}
		}
		at, id, err := decodeCursor(c)
		if err != nil {
			return TicketPage{}, err
		}
		a, i := arg(at), arg(id)
		if byDeadline {
			where = append(where, "("+deadline+" > "+a+" OR ("+deadline+" = "+a+" AND id > "+i+"))")
		} else {
			where = append(where, "(created_at < "+a+" OR (created_at = "+a+" AND id < "+i+"))")
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	if limit > 500 {
		limit = 500
	}
	order := ` ORDER BY created_at DESC, id DESC LIMIT ` + strconv.Itoa(limit+1)
	if byDeadline {
		order = ` ORDER BY ` + deadline + `, id LIMIT ` + strconv.Itoa(limit+1)
	}
	var selectCols func(cols, index, extra string) string
	selectFrom := func(index, extra string) string {
		return selectCols(ticketColumns, index, extra)
	}
	selectCols = func(cols, index, extra string) string {
		from := `tickets`
		if index != "" && s.dialect.name == "sqlite" {
			from += ` INDEXED BY ` + index
		}
		w := where
		if extra != "" {
			w = append(slices.Clip(where), extra)
		}
		q := `SELECT ` + cols + ` FROM ` + from
		if len(w) > 0 {
			q += ` WHERE ` + strings.Join(w, " AND ")
		}
		return q
	}
	var q string
	if byPhone != "" {
		// "number prefix OR phone" can use neither index in created order (PostgreSQL ORs two
		// bitmaps and sorts every match), so each condition takes its own newest page and
		// the union is cut to one page. A ticket matching both appears once (UNION).
		numbers := selectFrom("", byNumber) + order
		if s.dialect.name == "postgres" {
			// PostgreSQL guesses a LIKE prefix matches 0.5 % of rows and walks the created
			// index backwards looking for them, through the whole table when none match (a
			// phone number is no ticket number). OFFSET 0 keeps the prefix's own index.
			numbers = `SELECT * FROM (` + selectFrom("", byNumber) + ` OFFSET 0) AS n` + order
		}
		q = `SELECT ` + ticketColumns + ` FROM (SELECT * FROM (` + numbers + `) AS by_number UNION SELECT * FROM (` +
			selectFrom("", byPhone) + order + `) AS by_phone) AS t` + order
	} else if len(branches) > 0 {
		// Each branch gives only its page's keys, read from the index and the start of the
		// row; the merged page's rows are then read whole. Carrying whole rows through the
		// merge cost SQLite 97 ms for a category subtree of 76 values at 1 M tickets on a
		// slow machine, and PostgreSQL 28–44 ms planning those 76 branches (keys: 7–11 ms).
		key := "id"
		if s.dialect.name == "sqlite" {
			key = "rowid"
		}
		parts := make([]string, len(branches))
		for i, b := range branches {
			inner := selectCols(key+` AS r, id, created_at, handle_deadline`, b.index, b.cond)
			branchOrder := order
			switch {
			case s.dialect.name != "postgres":
				// SQLite: INDEXED BY (selectCols) picks the index; the full order is cheap.
			case b.index != "":
				// PostgreSQL multiplies the terms' selectivities, expects thousands of matches
				// and walks the created index through every ticket (370 ms at 1.1 M); the
				// OFFSET 0 fence makes it read the small partial index and sort what it holds.
				inner = `SELECT * FROM (` + inner + ` OFFSET 0) AS f`
			case b.byValue && !byDeadline:
				// Ordered by created_at alone, the (value, created_at) index gives the order
				// as it is, and PostgreSQL takes it; ordered by (created_at, id) it may
				// prefer the created index, which gives that order but skips every newer
				// ticket of other values. WITH TIES keeps every ticket sharing the page's last
				// instant, so the merge below still cuts the page by (created_at, id).
				branchOrder = ` ORDER BY created_at DESC FETCH FIRST ` + strconv.Itoa(limit+1) + ` ROWS WITH TIES`
			}
			parts[i] = `SELECT * FROM (` + inner + branchOrder + `) AS b` + strconv.Itoa(i)
		}
		q = `SELECT ` + ticketColumns + ` FROM tickets WHERE ` + key + ` IN (SELECT r FROM (` +
			strings.Join(parts, ` UNION ALL `) + `) AS t` + order + `)` + order
	} else {
		q = selectFrom("", "") + order
	}
	rows, err := s.db.QueryContext(ctx, q, b.args...)
	if err != nil {
		return TicketPage{}, fmt.Errorf("store: list tickets: %w", err)
	}
	defer rows.Close()
	var page TicketPage
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return TicketPage{}, err
		}
		page.Tickets = append(page.Tickets, t)
	}
	if err := rows.Err(); err != nil {
		return TicketPage{}, err
	}
	if len(page.Tickets) > limit {
		page.Tickets = page.Tickets[:limit]
		last := page.Tickets[limit-1]
		if byDeadline {
			at := noDeadline
			if last.HandleDeadline != nil {
				at = ms(*last.HandleDeadline)
			}
			page.NextCursor = "d" + encodeCursor(at, last.ID)
		} else {
			page.NextCursor = encodeCursor(ms(last.CreatedAt), last.ID)
		}
	}
	return page, nil
}

// CountTickets counts all tickets (for health, demo and benchmarks).
func (s *Store) CountTickets(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n)
	return n, err
}

// ErrBadCursor is returned for a cursor this store did not make.
var ErrBadCursor = errors.New("bad cursor")

func encodeCursor(at int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at, 10) + "|" + id))
}

func decodeCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	at, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return 0, "", ErrBadCursor
	}
	n, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	return n, id, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
