// Package storeports implements the call centre's ports (internal/callcenter) on the
// hotline's database (internal/store), and starts the call centre inside `hotline serve`.
//
// Every port tolerates the database being down: CDRs go through the call centre's disk
// spool, the agent directory through its on-disk cache, and the number plan and blacklist
// keep their last good copy in memory.
package storeports

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/ivr"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workcal"
)

// CDRSink writes CDRs to the store, once per call ID. The call centre wraps it in its disk
// spool, so a call never waits on the database.
type CDRSink struct{ Store *store.Store }

func (s CDRSink) WriteCDR(ctx context.Context, c callcenter.CDR) error {
	rec := RecordOf(c)
	return s.Store.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertCallRecord(ctx, rec); return err })
}

// RecordOf converts a CDR to its stored form.
func RecordOf(c callcenter.CDR) *store.CallRecord {
	r := &store.CallRecord{CallID: c.CallID, Direction: c.Direction, Caller: c.Caller, Called: c.Called, Start: c.Start,
		Period: string(c.Period), IVRPath: c.IVRPath, IVRVars: c.IVRVars, Queue: c.Queue, Wait: c.Wait, Agent: c.Agent,
		End: c.End, TalkSeconds: c.TalkSeconds, HangupSide: c.HangupSide, HangupReason: c.HangupReason,
		Abandoned: c.Abandoned, Blocked: c.Blocked, RecordingPath: c.RecordingPath, VoicemailPath: c.VoicemailPath,
		Forwarded: c.Forwarded, Transfers: c.Transfers}
	if !c.Enqueued.IsZero() {
		t := c.Enqueued
		r.Enqueued = &t
	}
	if !c.Answered.IsZero() {
		t := c.Answered
		r.Answered = &t
	}
	return r
}

// Agents is the agent directory on the store.
type Agents struct{ Store *store.Store }

func (a Agents) Agents(ctx context.Context) ([]callcenter.AgentInfo, error) {
	list, err := a.Store.VoiceAgents(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]callcenter.AgentInfo, 0, len(list))
	for _, v := range list {
		out = append(out, callcenter.AgentInfo{Ext: v.Ext, Name: v.Name, Password: v.Password, Skills: v.Skills, Order: v.Order})
	}
	return out, nil
}

func (a Agents) AgentStateChanged(ctx context.Context, ext string, st acd.AgentState, at time.Time) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.RecordVoiceAgentState(ctx, ext, st.String(), at) })
}

// Plan is the number plan: queues and menus from a base plan (the default one, or YAML),
// routes from the store's hotline numbers laid over the base routes, and periods from the
// weekly schedule with the working calendar's holidays and adjusted working days (调休).
// Refresh reloads the numbers and the calendar; between refreshes, and while the database
// is down, the last good copy serves.
type Plan struct {
	Base     *callcenter.StaticPlan
	Schedule callcenter.WeekSchedule
	Store    *store.Store

	routes atomic.Pointer[map[string]callcenter.Route]
	cal    atomic.Pointer[workcal.Calendar]
}

// NewPlan makes a plan over base (nil: callcenter.DefaultPlan()) with the official calendar.
func NewPlan(st *store.Store, base *callcenter.StaticPlan) *Plan {
	if base == nil {
		base = callcenter.DefaultPlan()
	}
	p := &Plan{Base: base, Schedule: callcenter.DefaultSchedule(), Store: st}
	if ws, ok := base.Schedule.(callcenter.WeekSchedule); ok {
		p.Schedule = ws
	}
	p.cal.Store(workcal.Official())
	r := base.Routes
	p.routes.Store(&r)
	return p
}

// Refresh reloads the numbers and the calendar from the store.
func (p *Plan) Refresh(ctx context.Context) error {
	var errs []error
	if cal, err := sla.LoadCalendar(ctx, p.Store); err == nil {
		p.cal.Store(cal)
	} else {
		errs = append(errs, err)
	}
	nums, err := p.Store.HotlineNumbers(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	routes := make(map[string]callcenter.Route, len(p.Base.Routes)+len(nums))
	for k, v := range p.Base.Routes {
		routes[k] = v
	}
	for _, n := range nums {
		routes[n.Number] = p.routeOf(n)
	}
	p.routes.Store(&routes)
	return errors.Join(errs...)
}

// routeOf turns a stored number into a route: its full route when it has one, else the
// base route of that number (or the default shape) sent to the number's queue.
func (p *Plan) routeOf(n *store.HotlineNumber) callcenter.Route {
	if len(n.Route) > 0 {
		var r callcenter.Route
		if err := jsonUnmarshal(n.Route, &r); err == nil && p.valid(r) {
			r.Number = n.Number
			return r
		}
	}
	r, ok := p.Base.Routes[n.Number]
	if !ok {
		closed := callcenter.Action{Kind: callcenter.ActVoicemail, Prompts: []string{"out-of-hours"}}
		r = callcenter.Route{Number: n.Number, Greeting: []string{"greeting"},
			Periods: map[callcenter.Period]callcenter.Action{callcenter.Lunch: closed, callcenter.Night: closed, callcenter.Holiday: closed}}
	}
	r.Number = n.Number
	if n.Name != "" {
		r.Name = n.Name
	}
	if n.Greeting != "" {
		r.Greeting = splitList(n.Greeting)
	}
	if n.Queue != "" && p.hasQueue(n.Queue) {
		r.Default = callcenter.Action{Kind: callcenter.ActQueue, Target: n.Queue}
	}
	return r
}

func (p *Plan) hasQueue(q string) bool {
	for _, c := range p.Base.QueueSet {
		if c.Name == q {
			return true
		}
	}
	return false
}

// valid checks a stored route only points at queues and menus this node has.
func (p *Plan) valid(r callcenter.Route) bool {
	tmp := &callcenter.StaticPlan{Routes: map[string]callcenter.Route{r.Number: r}, QueueSet: p.Base.QueueSet, Menus: p.Base.Menus}
	return tmp.Validate() == nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

func (p *Plan) Route(number string) (callcenter.Route, bool) {
	r, ok := (*p.routes.Load())[number]
	return r, ok
}

// Routes lists the routes in force.
func (p *Plan) Routes() map[string]callcenter.Route { return *p.routes.Load() }

func (p *Plan) Queues() []acd.QueueConfig { return p.Base.QueueSet }

func (p *Plan) Menu(name string) (ivr.Menu, bool) { return p.Base.Menu(name) }

// Period is the weekly schedule's period, except that the calendar decides which days
// are working days: a statutory holiday on a Wednesday is a holiday, an adjusted working
// Saturday (调休上班) has work hours.
func (p *Plan) Period(t time.Time) callcenter.Period {
	ws := p.Schedule
	loc := ws.Location
	if loc == nil {
		loc = time.UTC
	}
	day := t.In(loc).Format("2006-01-02")
	if _, ok := ws.Exceptions[day]; ok {
		return ws.Period(t)
	}
	cal := p.cal.Load()
	working := cal.IsWorkingDay(workcal.DateOf(t.In(cal.Location())))
	ex := map[string]callcenter.Period{day: callcenter.WorkHours}
	if !working {
		ex[day] = callcenter.Holiday
	}
	ws.Exceptions = ex
	return ws.Period(t)
}

// Blacklist refuses the numbers and prefixes of the call centre's blacklist and the
// citizens whose profile is blacklisted (市民档案 黑名单). It asks the store, and while the
// database does not answer (within 300 ms) the last entries it loaded, so a slow database
// never holds a call.
type Blacklist struct {
	Store *store.Store
	cache callcenter.ListBlacklist
}

func (b *Blacklist) Blocked(ctx context.Context, number string, now time.Time) (bool, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	e, err := b.Store.BlacklistMatch(ctx, number, now)
	switch {
	case err == nil:
		return true, e.Reason, nil
	case !errors.Is(err, store.ErrNotFound):
		return b.cache.Blocked(ctx, number, now)
	}
	cz, err := b.Store.CitizenByPhone(ctx, number)
	switch {
	case err == nil && cz.Blacklisted:
		reason := cz.BlacklistReason
		if reason == "" {
			reason = "citizen blacklisted"
		}
		return true, reason, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return b.cache.Blocked(ctx, number, now)
	}
	return false, "", nil
}

// Refresh reloads the cached copy.
func (b *Blacklist) Refresh(ctx context.Context) error {
	list, err := b.Store.Blacklist(ctx)
	if err != nil {
		return err
	}
	entries := make([]callcenter.BlacklistEntry, 0, len(list))
	for _, e := range list {
		ce := callcenter.BlacklistEntry{Number: e.Number, Prefix: e.Prefix, Reason: e.Reason}
		if e.Until != nil {
			ce.Until = *e.Until
		}
		entries = append(entries, ce)
	}
	b.cache.Set(entries)
	return nil
}

// Citizens pops up the caller's profile (弹屏).
type Citizens struct{ Store *store.Store }

func (c Citizens) Citizen(ctx context.Context, phone string) (callcenter.Citizen, error) {
	cz, err := c.Store.CitizenByPhone(ctx, phone)
	if errors.Is(err, store.ErrNotFound) {
		return callcenter.Citizen{}, callcenter.ErrNotFound
	}
	if err != nil {
		return callcenter.Citizen{}, err
	}
	out := callcenter.Citizen{Phone: cz.Phone, Name: cz.Name, Tickets: cz.TicketCount, Repeat: cz.TicketCount > 1}
	page, err := c.Store.ListTickets(ctx, store.TicketFilter{CitizenID: cz.ID, Limit: 5})
	if err == nil {
		for _, t := range page.Tickets {
			if t.State != ticket.Closed {
				out.OpenTicket = t.Number
				break
			}
		}
		if len(page.Tickets) > out.Tickets {
			out.Tickets = len(page.Tickets)
		}
	}
	return out, nil
}

// Tickets answers the keypad status query with the ticket's state name (registered,
// dispatched, processing, replied, callback, closed), which names its prompt; StatusText
// gives the Chinese words for the screen.
type Tickets struct{ Store *store.Store }

func (t Tickets) TicketStatus(number string) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	tk, err := t.Store.TicketByNumber(ctx, number)
	if err != nil {
		return "", false
	}
	return string(tk.State), true
}

// StatusText is the Chinese name of a ticket state.
func StatusText(state string) string {
	switch ticket.State(state) {
	case ticket.Registered:
		return "已登记"
	case ticket.Dispatched:
		return "待签收"
	case ticket.Processing:
		return "办理中"
	case ticket.Replied:
		return "待审核"
	case ticket.Callback:
		return "待回访"
	case ticket.Closed:
		return "已办结"
	}
	return state
}

// Hub fans live events out to subscribers; a slow subscriber loses events, never blocks.
type Hub struct {
	mu   sync.Mutex
	subs map[chan callcenter.Event]struct{}
	log  *slog.Logger
}

func (h *Hub) Publish(ev callcenter.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

// Subscribe returns a channel of events and a function that ends the subscription.
func (h *Hub) Subscribe(buffer int) (<-chan callcenter.Event, func()) {
	ch := make(chan callcenter.Event, buffer)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan callcenter.Event]struct{}{}
	}
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}
