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

// The call centre's tables (schema_voice.go). The store keeps plain rows; the call centre's
// own types live in internal/callcenter and are converted in internal/callcenter/storeports,
// so the store does not depend on the SIP stack.

// VoiceAgent is an agent extension (坐席).
type VoiceAgent struct {
	Ext      string         `json:"ext"`
	Name     string         `json:"name"`
	Password string         `json:"-"` // SIP digest password (see schemaVoice on why it is kept)
	Skills   map[string]int `json:"skills"`
	Order    int            `json:"order"`
	// State is the last state the call centre reported (signed-out, ready, not-ready,
	// ringing, busy, wrap-up) and when.
	State    string    `json:"state"`
	StateAt  time.Time `json:"state_at,omitzero"`
	SignedIn bool      `json:"signed_in"`
	// RequestedState is the last state asked for from outside the call centre (CLI, API on
	// another node); RequestedSeq grows with every request so a node applies each once.
	RequestedState string `json:"requested_state,omitempty"`
	RequestedSeq   int64  `json:"requested_seq,omitempty"`
}

const agentCols = `ext, name, sip_password, skills, seat_order, state, state_at, signed_in, requested_state, requested_seq`

func scanVoiceAgent(row scanner) (*VoiceAgent, error) {
	var a VoiceAgent
	var skills string
	var stateAt int64
	if err := row.Scan(&a.Ext, &a.Name, &a.Password, &skills, &a.Order, &a.State, &stateAt, &a.SignedIn,
		&a.RequestedState, &a.RequestedSeq); err != nil {
		return nil, err
	}
	if stateAt > 0 {
		a.StateAt = fromMS(stateAt)
	}
	if err := json.Unmarshal([]byte(skills), &a.Skills); err != nil {
		return nil, fmt.Errorf("store: agent %s skills: %w", a.Ext, err)
	}
	return &a, nil
}

// VoiceAgents lists the agents by seat order, then extension.
func (s *Store) VoiceAgents(ctx context.Context) ([]*VoiceAgent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+agentCols+` FROM voice_agents ORDER BY seat_order, ext`)
	if err != nil {
		return nil, fmt.Errorf("store: agents: %w", err)
	}
	defer rows.Close()
	var out []*VoiceAgent
	for rows.Next() {
		a, err := scanVoiceAgent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// VoiceAgent finds one agent; ErrNotFound when there is none.
func (s *Store) VoiceAgent(ctx context.Context, ext string) (*VoiceAgent, error) {
	a, err := scanVoiceAgent(s.db.QueryRowContext(ctx, `SELECT `+agentCols+` FROM voice_agents WHERE ext = $1`, ext))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return a, err
}

// SaveVoiceAgent adds an agent or changes its name, password, skills and order (state is
// kept).
func (tx *Tx) SaveVoiceAgent(ctx context.Context, a *VoiceAgent) error {
	if a.Ext == "" || a.Password == "" {
		return errors.New("store: an agent needs an extension and a password")
	}
	skills, err := json.Marshal(a.Skills)
	if err != nil {
		return err
	}
	if a.Skills == nil {
		skills = []byte("{}")
	}
	now := ms(tx.s.now())
	_, err = tx.exec(ctx, `INSERT INTO voice_agents (ext, name, sip_password, skills, seat_order, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (ext) DO UPDATE SET name = excluded.name,
		sip_password = excluded.sip_password, skills = excluded.skills, seat_order = excluded.seat_order,
		updated_at = excluded.updated_at`, a.Ext, a.Name, a.Password, string(skills), a.Order, now)
	if err != nil {
		return fmt.Errorf("store: save agent %s: %w", a.Ext, err)
	}
	return nil
}

// RequestVoiceAgentState asks the running call centre(s) to put an agent in state (ready,
// not-ready, signed-out): every node polling RequestedSeq applies it once.
func (tx *Tx) RequestVoiceAgentState(ctx context.Context, ext, state string) error {
	res, err := tx.exec(ctx, `UPDATE voice_agents SET requested_state = $1, requested_seq = requested_seq + 1,
		updated_at = $2 WHERE ext = $3`, state, ms(tx.s.now()), ext)
	if err != nil {
		return fmt.Errorf("store: agent state: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// RecordVoiceAgentState stores the state the call centre reports and keeps it in the history.
func (tx *Tx) RecordVoiceAgentState(ctx context.Context, ext, state string, at time.Time) error {
	signedIn := state != "signed-out"
	if _, err := tx.exec(ctx, `UPDATE voice_agents SET state = $1, state_at = $2, signed_in = $3 WHERE ext = $4`,
		state, ms(at), signedIn, ext); err != nil {
		return fmt.Errorf("store: agent state: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO voice_agent_states (ext, state, at) VALUES ($1, $2, $3)`, ext, state, ms(at)); err != nil {
		return fmt.Errorf("store: agent state history: %w", err)
	}
	return nil
}

// VoiceAgentState is one entry of an agent's state history.
type VoiceAgentState struct {
	Ext   string    `json:"ext"`
	State string    `json:"state"`
	At    time.Time `json:"at"`
}

// VoiceAgentStates lists an agent's state changes in [from, to), oldest first.
func (s *Store) VoiceAgentStates(ctx context.Context, ext string, from, to time.Time) ([]VoiceAgentState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT ext, state, at FROM voice_agent_states WHERE ext = $1 AND at >= $2 AND at < $3
		ORDER BY at, id`, ext, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VoiceAgentState
	for rows.Next() {
		var v VoiceAgentState
		var at int64
		if err := rows.Scan(&v.Ext, &v.State, &at); err != nil {
			return nil, err
		}
		v.At = fromMS(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// HotlineNumber is a number citizens dial and where it goes. Route, when set, is the full
// routing of the number as JSON (the call centre's Route type); otherwise the number goes
// to Queue after Greeting, with the default out-of-hours handling.
type HotlineNumber struct {
	Number     string          `json:"number"`
	Name       string          `json:"name"`
	Queue      string          `json:"queue"`
	SkillGroup string          `json:"skill_group"`
	Greeting   string          `json:"greeting"`
	Route      json.RawMessage `json:"route,omitempty"`
	UpdatedBy  string          `json:"updated_by,omitempty"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// HotlineNumbers lists the numbers.
func (s *Store) HotlineNumbers(ctx context.Context) ([]*HotlineNumber, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT number, name, queue, skill_group, greeting, route, updated_by, updated_at
		FROM voice_numbers ORDER BY number`)
	if err != nil {
		return nil, fmt.Errorf("store: hotline numbers: %w", err)
	}
	defer rows.Close()
	var out []*HotlineNumber
	for rows.Next() {
		var n HotlineNumber
		var route sql.NullString
		var at int64
		if err := rows.Scan(&n.Number, &n.Name, &n.Queue, &n.SkillGroup, &n.Greeting, &route, &n.UpdatedBy, &at); err != nil {
			return nil, err
		}
		if route.Valid && route.String != "" {
			n.Route = json.RawMessage(route.String)
		}
		n.UpdatedAt = fromMS(at)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// SaveHotlineNumber adds or replaces a number.
func (tx *Tx) SaveHotlineNumber(ctx context.Context, n *HotlineNumber) error {
	if n.Number == "" {
		return errors.New("store: a hotline number needs its number")
	}
	var route any
	if len(n.Route) > 0 {
		route = string(n.Route)
	}
	_, err := tx.exec(ctx, `INSERT INTO voice_numbers (number, name, queue, skill_group, greeting, route, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (number) DO UPDATE SET name = excluded.name, queue = excluded.queue,
		skill_group = excluded.skill_group, greeting = excluded.greeting, route = excluded.route,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		n.Number, n.Name, n.Queue, n.SkillGroup, n.Greeting, route, n.UpdatedBy, ms(tx.s.now()))
	if err != nil {
		return fmt.Errorf("store: save hotline number %s: %w", n.Number, err)
	}
	return nil
}

// DeleteHotlineNumber removes a number; ErrNotFound when there was none.
func (tx *Tx) DeleteHotlineNumber(ctx context.Context, number string) error {
	res, err := tx.exec(ctx, `DELETE FROM voice_numbers WHERE number = $1`, number)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// BlacklistEntry refuses a number, or every number starting with it when Prefix is set.
type BlacklistEntry struct {
	Number    string     `json:"number"`
	Prefix    bool       `json:"prefix"`
	Until     *time.Time `json:"until,omitempty"` // nil: for ever
	Reason    string     `json:"reason"`
	CreatedBy string     `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// Blacklist lists the entries, expired ones included (the caller decides).
func (s *Store) Blacklist(ctx context.Context) ([]*BlacklistEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT number, prefix, until_at, reason, created_by, created_at FROM voice_blacklist ORDER BY number`)
	if err != nil {
		return nil, fmt.Errorf("store: blacklist: %w", err)
	}
	defer rows.Close()
	var out []*BlacklistEntry
	for rows.Next() {
		var e BlacklistEntry
		var until sql.NullInt64
		var at int64
		if err := rows.Scan(&e.Number, &e.Prefix, &until, &e.Reason, &e.CreatedBy, &at); err != nil {
			return nil, err
		}
		e.Until, e.CreatedAt = fromNullMS(until), fromMS(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// BlacklistMatch returns the entry refusing number at now: an exact entry first, else the
// longest matching prefix; ErrNotFound when the number may call.
func (s *Store) BlacklistMatch(ctx context.Context, number string, now time.Time) (*BlacklistEntry, error) {
	// Candidates are the number itself and each of its prefixes.
	cands := make([]any, 0, len(number)+1)
	ph := make([]string, 0, len(number))
	for i := len(number); i >= 1; i-- {
		cands = append(cands, number[:i])
		ph = append(ph, "$"+strconv.Itoa(len(cands)))
	}
	if len(cands) == 0 {
		return nil, ErrNotFound
	}
	cands = append(cands, ms(now))
	q := `SELECT number, prefix, until_at, reason, created_by, created_at FROM voice_blacklist WHERE number IN (` +
		strings.Join(ph, ", ") + `) AND (until_at IS NULL OR until_at > $` + strconv.Itoa(len(cands)) + `)`
	rows, err := s.db.QueryContext(ctx, q, cands...)
	if err != nil {
		return nil, fmt.Errorf("store: blacklist: %w", err)
	}
	defer rows.Close()
	var best *BlacklistEntry
	for rows.Next() {
		var e BlacklistEntry
		var until sql.NullInt64
		var at int64
		if err := rows.Scan(&e.Number, &e.Prefix, &until, &e.Reason, &e.CreatedBy, &at); err != nil {
			return nil, err
		}
		e.Until, e.CreatedAt = fromNullMS(until), fromMS(at)
		if e.Number != number && !e.Prefix {
			continue
		}
		if best == nil || len(e.Number) > len(best.Number) {
			best = &e
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if best == nil {
		return nil, ErrNotFound
	}
	return best, nil
}

// SaveBlacklistEntry adds or replaces the entry for e.Number.
func (tx *Tx) SaveBlacklistEntry(ctx context.Context, e *BlacklistEntry) error {
	if e.Number == "" {
		return errors.New("store: a blacklist entry needs a number or prefix")
	}
	_, err := tx.exec(ctx, `INSERT INTO voice_blacklist (number, prefix, until_at, reason, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (number) DO UPDATE SET prefix = excluded.prefix, until_at = excluded.until_at,
		reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at`,
		e.Number, e.Prefix, msPtr(e.Until), e.Reason, e.CreatedBy, ms(tx.s.now()))
	if err != nil {
		return fmt.Errorf("store: save blacklist %s: %w", e.Number, err)
	}
	return nil
}

// DeleteBlacklistEntry removes an entry; ErrNotFound when there was none.
func (tx *Tx) DeleteBlacklistEntry(ctx context.Context, number string) error {
	res, err := tx.exec(ctx, `DELETE FROM voice_blacklist WHERE number = $1`, number)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CallRecord is a call detail record (话单), the stored form of callcenter.CDR.
type CallRecord struct {
	CallID        string            `json:"call_id"`
	Direction     string            `json:"direction,omitempty"`
	Caller        string            `json:"caller"`
	Called        string            `json:"called"`
	Start         time.Time         `json:"start"`
	Period        string            `json:"period,omitempty"`
	IVRPath       []string          `json:"ivr_path,omitempty"`
	IVRVars       map[string]string `json:"ivr_vars,omitempty"`
	Queue         string            `json:"queue,omitempty"`
	Enqueued      *time.Time        `json:"enqueued,omitempty"`
	Wait          time.Duration     `json:"wait_ns"`
	Agent         string            `json:"agent,omitempty"`
	Answered      *time.Time        `json:"answered,omitempty"`
	End           time.Time         `json:"end"`
	TalkSeconds   int               `json:"talk_seconds"`
	HangupSide    string            `json:"hangup_side"`
	HangupReason  string            `json:"hangup_reason"`
	Abandoned     bool              `json:"abandoned"`
	Blocked       bool              `json:"blocked,omitempty"`
	RecordingPath string            `json:"recording_path,omitempty"`
	VoicemailPath string            `json:"voicemail_path,omitempty"`
	Forwarded     string            `json:"forwarded,omitempty"`
	Transfers     []string          `json:"transfers,omitempty"`
	CalledBackAt  *time.Time        `json:"called_back_at,omitempty"`
	CalledBackBy  string            `json:"called_back_by,omitempty"`
}

func jsonOrNil(v any, empty bool) (any, error) {
	if empty {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// InsertCallRecord stores a CDR once: a second write with the same call ID changes nothing
// (the spool may replay a record after a crash). It reports whether the row was new.
func (tx *Tx) InsertCallRecord(ctx context.Context, c *CallRecord) (bool, error) {
	if c.CallID == "" {
		return false, errors.New("store: a CDR needs a call ID")
	}
	path, err := jsonOrNil(c.IVRPath, len(c.IVRPath) == 0)
	if err != nil {
		return false, err
	}
	vars, err := jsonOrNil(c.IVRVars, len(c.IVRVars) == 0)
	if err != nil {
		return false, err
	}
	transfers, err := jsonOrNil(c.Transfers, len(c.Transfers) == 0)
	if err != nil {
		return false, err
	}
	res, err := tx.exec(ctx, `INSERT INTO voice_cdrs (call_id, direction, caller, called, start_at, period, ivr_path, ivr_vars,
		queue, enqueued_at, wait_ms, agent, answered_at, end_at, talk_seconds, hangup_side, hangup_reason, abandoned, blocked,
		recording_path, voicemail_path, forwarded, transfers, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
		ON CONFLICT (call_id) DO NOTHING`,
		c.CallID, c.Direction, c.Caller, c.Called, ms(c.Start), c.Period, path, vars,
		c.Queue, msPtr(c.Enqueued), c.Wait.Milliseconds(), c.Agent, msPtr(c.Answered), ms(c.End), c.TalkSeconds,
		c.HangupSide, c.HangupReason, c.Abandoned, c.Blocked, c.RecordingPath, c.VoicemailPath, c.Forwarded, transfers,
		ms(tx.s.now()))
	if err != nil {
		return false, fmt.Errorf("store: CDR %s: %w", c.CallID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MarkCalledBack takes a missed or abandoned call off the call-back list.
func (tx *Tx) MarkCalledBack(ctx context.Context, callID, by string) error {
	res, err := tx.exec(ctx, `UPDATE voice_cdrs SET called_back_at = $1, called_back_by = $2 WHERE call_id = $3`,
		ms(tx.s.now()), by, callID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

const cdrCols = `call_id, direction, caller, called, start_at, period, ivr_path, ivr_vars, queue, enqueued_at, wait_ms, agent,
	answered_at, end_at, talk_seconds, hangup_side, hangup_reason, abandoned, blocked, recording_path, voicemail_path,
	forwarded, transfers, called_back_at, called_back_by`

func scanCallRecord(row scanner) (*CallRecord, error) {
	var c CallRecord
	var start, end, wait int64
	var enq, ans, back sql.NullInt64
	var path, vars, transfers sql.NullString
	if err := row.Scan(&c.CallID, &c.Direction, &c.Caller, &c.Called, &start, &c.Period, &path, &vars, &c.Queue, &enq,
		&wait, &c.Agent, &ans, &end, &c.TalkSeconds, &c.HangupSide, &c.HangupReason, &c.Abandoned, &c.Blocked,
		&c.RecordingPath, &c.VoicemailPath, &c.Forwarded, &transfers, &back, &c.CalledBackBy); err != nil {
		return nil, err
	}
	c.Start, c.End, c.Wait = fromMS(start), fromMS(end), time.Duration(wait)*time.Millisecond
	c.Enqueued, c.Answered, c.CalledBackAt = fromNullMS(enq), fromNullMS(ans), fromNullMS(back)
	for _, f := range []struct {
		s sql.NullString
		v any
	}{{path, &c.IVRPath}, {vars, &c.IVRVars}, {transfers, &c.Transfers}} {
		if f.s.Valid && f.s.String != "" {
			if err := json.Unmarshal([]byte(f.s.String), f.v); err != nil {
				return nil, fmt.Errorf("store: CDR %s: %w", c.CallID, err)
			}
		}
	}
	return &c, nil
}

// CallRecord finds one CDR; ErrNotFound when there is none.
func (s *Store) CallRecord(ctx context.Context, callID string) (*CallRecord, error) {
	c, err := scanCallRecord(s.db.QueryRowContext(ctx, `SELECT `+cdrCols+` FROM voice_cdrs WHERE call_id = $1`, callID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return c, err
}

// CallRecordFilter selects CDRs. Zero fields do not filter.
type CallRecordFilter struct {
	From, To  time.Time // start in [From, To)
	Caller    string
	Called    string
	Agent     string
	Abandoned *bool
	// CallBack selects the call-back list (回拨): inbound calls never answered by an agent
	// (abandoned in the queue, refused by ring timeout, or left a voicemail), not blocked,
	// not yet called back.
	CallBack bool
	Ticket   string // calls linked to this ticket number (来电关联工单)
	Before   string // keyset cursor: the previous page's last call ID with its start ("ms/callid")
	Limit    int    // default 50, at most 500
}

// CallRecordPage is one page of CDRs, newest first.
type CallRecordPage struct {
	Records    []*CallRecord `json:"records"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// CallRecords lists CDRs matching f, newest first.
func (s *Store) CallRecords(ctx context.Context, f CallRecordFilter) (CallRecordPage, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if !f.From.IsZero() {
		where = append(where, "start_at >= "+arg(ms(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "start_at < "+arg(ms(f.To)))
	}
	if f.Caller != "" {
		where = append(where, "caller = "+arg(f.Caller))
	}
	if f.Called != "" {
		where = append(where, "called = "+arg(f.Called))
	}
	if f.Agent != "" {
		where = append(where, "agent = "+arg(f.Agent))
	}
	if f.Abandoned != nil {
		where = append(where, "abandoned = "+arg(*f.Abandoned))
	}
	if f.CallBack {
		where = append(where, "direction = '' AND answered_at IS NULL AND blocked = "+arg(false)+" AND called_back_at IS NULL")
	}
	if f.Ticket != "" {
		where = append(where, "call_id IN (SELECT call_id FROM ticket_calls WHERE ticket_number = "+arg(f.Ticket)+")")
	}
	if f.Before != "" {
		v, id, err := decodeCursor(f.Before)
		if err != nil {
			return CallRecordPage{}, err
		}
		a, b := arg(v), arg(id)
		where = append(where, "(start_at < "+a+" OR (start_at = "+a+" AND call_id < "+b+"))")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	q := `SELECT ` + cdrCols + ` FROM voice_cdrs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY start_at DESC, call_id DESC LIMIT " + arg(limit+1)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return CallRecordPage{}, fmt.Errorf("store: CDRs: %w", err)
	}
	defer rows.Close()
	var page CallRecordPage
	for rows.Next() {
		c, err := scanCallRecord(rows)
		if err != nil {
			return CallRecordPage{}, err
		}
		page.Records = append(page.Records, c)
	}
	if err := rows.Err(); err != nil {
		return CallRecordPage{}, err
	}
	if len(page.Records) > limit {
		page.Records = page.Records[:limit]
		last := page.Records[limit-1]
		page.NextCursor = encodeCursor(ms(last.Start), last.CallID)
	}
	return page, nil
}
