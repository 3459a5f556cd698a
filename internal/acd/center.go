package acd

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"
)

var (
	ErrUnknownAgent    = errors.New("acd: unknown agent")
	ErrUnknownQueue    = errors.New("acd: unknown queue")
	ErrUnknownCall     = errors.New("acd: unknown call")
	ErrAgentOnCall     = errors.New("acd: agent is ringing or on a call")
	ErrAlreadyAnswered = errors.New("acd: call already answered by another agent")
	ErrNotOffered      = errors.New("acd: call was not offered to this agent")
	ErrDuplicateCall   = errors.New("acd: call already queued")
)

// Config holds the rules every queue shares.
type Config struct {
	RingTimeout time.Duration // how long one offer rings before the next agent is tried
	MaxMissed   int           // consecutive missed offers that put an agent to 示忙; 0 = never
	WrapUp      time.Duration // 话后整理 time after each call; 0 = straight back to ready
	DefaultAHT  time.Duration // average handling time assumed before any call was taken
}

// OverflowKind is what happens to a caller who waited MaxWait (溢出).
type OverflowKind string

const (
	OverflowNone      OverflowKind = ""
	OverflowVoicemail OverflowKind = "voicemail" // 留言
	OverflowQueue     OverflowKind = "queue"     // to another queue
	OverflowHangup    OverflowKind = "hangup"
)

// Overflow says where a caller goes after MaxWait.
type Overflow struct {
	Kind   OverflowKind
	Target string // queue name for OverflowQueue
}

// QueueConfig describes one queue; its agents are those with a skill in Group.
type QueueConfig struct {
	Name     string
	Group    string // skill group (技能组)
	Strategy Strategy
	MaxWait  time.Duration // 0 = wait forever
	Overflow Overflow
}

type queue struct {
	QueueConfig
	cursor Cursor
}

// call is a caller waiting in (or being offered from) a queue.
type call struct {
	id       string
	caller   string
	queue    string
	priority int
	enqueued time.Time
	ringing  map[string]time.Time // ext → ring deadline
	tried    map[string]bool      // agents already offered, skipped until all were tried
}

// Offer asks the adapter to ring Agents for CallID.
type Offer struct {
	CallID   string
	Queue    string
	Agents   []string
	Deadline time.Time
}

// RingExpired is one offer whose ring timeout passed; the adapter must CANCEL it.
type RingExpired struct {
	CallID string
	Ext    string
}

// OverflowAction is a caller who waited too long. Cancel lists agents still ringing for it.
type OverflowAction struct {
	CallID   string
	Queue    string
	Overflow Overflow
	Cancel   []string
}

// TickResult is everything that changed because time passed.
type TickResult struct {
	Expired   []RingExpired
	Overflows []OverflowAction
}

// Center is the ACD state: agents, queues and waiting callers. It is not safe for
// concurrent use; the adapter serialises access.
type Center struct {
	cfg      Config
	agents   map[string]*Agent
	queues   map[string]*queue
	calls    map[string]*call
	answered map[string]answered // call → agent talking
	changes  []Agent
}

type answered struct {
	ext   string
	since time.Time
}

// NewCenter returns an empty ACD.
func NewCenter(cfg Config) *Center {
	if cfg.DefaultAHT == 0 {
		cfg.DefaultAHT = 3 * time.Minute
	}
	return &Center{
		cfg:      cfg,
		agents:   map[string]*Agent{},
		queues:   map[string]*queue{},
		calls:    map[string]*call{},
		answered: map[string]answered{},
	}
}

// AddQueue adds or replaces a queue definition.
func (c *Center) AddQueue(q QueueConfig) error {
	if q.Name == "" || q.Group == "" {
		return fmt.Errorf("acd: queue needs a name and a skill group")
	}
	if _, err := ParseStrategy(string(q.Strategy)); err != nil {
		return err
	}
	if q.Overflow.Kind == OverflowQueue && q.Overflow.Target == q.Name {
		return fmt.Errorf("acd: queue %s overflows into itself", q.Name)
	}
	if old, ok := c.queues[q.Name]; ok {
		old.QueueConfig = q
		return nil
	}
	c.queues[q.Name] = &queue{QueueConfig: q}
	return nil
}

// PutAgent adds an agent or updates its name, skills and seat order, keeping its state.
func (c *Center) PutAgent(a Agent) {
	if old, ok := c.agents[a.Ext]; ok {
		old.Name, old.Skills, old.Order = a.Name, a.Skills, a.Order
		return
	}
	a.State = SignedOut
	a.CallID = ""
	c.agents[a.Ext] = &a
}

// Agent returns a copy of one agent.
func (c *Center) Agent(ext string) (Agent, bool) {
	a, ok := c.agents[ext]
	if !ok {
		return Agent{}, false
	}
	return *a, true
}

// Agents returns copies of every agent in seat order.
func (c *Center) Agents() []Agent {
	out := make([]Agent, 0, len(c.agents))
	for _, a := range c.agents {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return seatBefore(&out[i], &out[j]) })
	return out
}

// ReadyExts returns the extensions of the agents ready for a call, unordered (cheap enough
// for every call event, unlike Agents).
func (c *Center) ReadyExts() []string {
	var out []string
	for ext, a := range c.agents {
		if a.State == Ready {
			out = append(out, ext)
		}
	}
	return out
}

func seatBefore(a, b *Agent) bool {
	if a.Order != b.Order {
		return a.Order < b.Order
	}
	return a.Ext < b.Ext
}

func sortSeats(as []*Agent) {
	sort.Slice(as, func(i, j int) bool { return seatBefore(as[i], as[j]) })
}

// Changes returns the agents whose state changed since the last call, oldest first.
func (c *Center) Changes() []Agent {
	ch := c.changes
	c.changes = nil
	return ch
}

func (c *Center) setState(a *Agent, s AgentState, now time.Time) {
	if a.State == s {
		return
	}
	wasFree := a.State == Ready
	a.State, a.StateSince = s, now
	if s == Ready && !wasFree {
		a.IdleSince = now
	}
	c.changes = append(c.changes, *a)
}

// SetState is an agent's own request: sign in (示闲 Ready or 示忙 NotReady) or sign out.
// Ringing and busy agents cannot change; an agent in wrap-up may end it early.
func (c *Center) SetState(ext string, s AgentState, now time.Time) error {
	a, ok := c.agents[ext]
	if !ok {
		return ErrUnknownAgent
	}
	if s != Ready && s != NotReady && s != SignedOut {
		return fmt.Errorf("acd: agents cannot set themselves %s", s)
	}
	if a.State == Ringing || a.State == Busy {
		return ErrAgentOnCall
	}
	if s == Ready {
		a.MissedOffers = 0
	}
	a.WrapUntil = time.Time{}
	c.setState(a, s, now)
	return nil
}

// Enqueue puts a caller in a queue and returns its 1-based position.
func (c *Center) Enqueue(callID, caller, queueName string, priority int, now time.Time) (int, error) {
	if _, ok := c.queues[queueName]; !ok {
		return 0, ErrUnknownQueue
	}
	if _, ok := c.calls[callID]; ok {
		return 0, ErrDuplicateCall
	}
	c.calls[callID] = &call{id: callID, caller: caller, queue: queueName, priority: priority, enqueued: now,
		ringing: map[string]time.Time{}, tried: map[string]bool{}}
	pos, _ := c.Position(callID)
	return pos, nil
}

// Leave removes a caller who hung up while queued or ringing (放弃). It returns the agents
// still ringing for the call, which the adapter must CANCEL; they go back to ready
// without a missed offer, since the caller, not they, ended it.
func (c *Center) Leave(callID string, now time.Time) []string {
	k, ok := c.calls[callID]
	if !ok {
		return nil
	}
	cancel := c.release(k, now)
	delete(c.calls, callID)
	return cancel
}

func (c *Center) release(k *call, now time.Time) []string {
	var exts []string
	for ext := range k.ringing {
		exts = append(exts, ext)
		if a := c.agents[ext]; a != nil && a.CallID == k.id {
			a.CallID = ""
			c.setState(a, Ready, now)
		}
	}
	clear(k.ringing)
	slices.Sort(exts)
	return exts
}

// waiting returns queued calls not ringing anywhere, highest priority then longest wait.
func (c *Center) ordered() []*call {
	out := make([]*call, 0, len(c.calls))
	for _, k := range c.calls {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].priority != out[j].priority {
			return out[i].priority > out[j].priority
		}
		if !out[i].enqueued.Equal(out[j].enqueued) {
			return out[i].enqueued.Before(out[j].enqueued)
		}
		return out[i].id < out[j].id
	})
	return out
}

// Dispatch offers waiting callers to free agents, priority callers first. An agent is
// never offered a second call: it leaves Ready as soon as it is offered one.
func (c *Center) Dispatch(now time.Time) []Offer {
	// Runs on every call event. With every agent busy and callers waiting (the busy hour)
	// there is nobody to offer to: say so before ordering the queue.
	var ready []*Agent
	for _, a := range c.agents {
		if a.State == Ready {
			ready = append(ready, a)
		}
	}
	if len(ready) == 0 {
		return nil
	}
	var offers []Offer
	for _, k := range c.ordered() {
		if len(k.ringing) > 0 {
			continue
		}
		q := c.queues[k.queue]
		cands := candidates(ready, q.Group, k.tried)
		if len(cands) == 0 && len(k.tried) > 0 {
			// Everyone was tried once: start the round again.
			clear(k.tried)
			cands = candidates(ready, q.Group, k.tried)
		}
		if len(cands) == 0 {
			continue
		}
		exts := Choose(q.Strategy, q.Group, cands, q.cursor)
		deadline := now.Add(c.cfg.RingTimeout)
		for _, ext := range exts {
			a := c.agents[ext]
			a.CallID = k.id
			c.setState(a, Ringing, now)
			k.ringing[ext] = deadline
			k.tried[ext] = true
		}
		last := c.agents[exts[len(exts)-1]]
		q.cursor = Cursor{Order: last.Order, Ext: last.Ext}
		offers = append(offers, Offer{CallID: k.id, Queue: q.Name, Agents: exts, Deadline: deadline})
	}
	return offers
}

// candidates are the agents of ready still available (not offered a call meanwhile) in the
// group and not skipped.
func candidates(ready []*Agent, group string, skip map[string]bool) []Agent {
	var out []Agent
	for _, a := range ready {
		if a.Available(group) && !skip[a.Ext] {
			out = append(out, *a)
		}
	}
	return out
}

// Answer records that ext picked up callID. The first answer wins: it returns the other
// agents still ringing (to CANCEL). A later answer from another agent gets
// ErrAlreadyAnswered and the adapter must hang that leg up; the caller is never
// connected to two agents.
func (c *Center) Answer(callID, ext string, now time.Time) ([]string, error) {
	if won, ok := c.answered[callID]; ok {
		if won.ext != ext {
			if a := c.agents[ext]; a != nil && a.CallID == callID {
				a.CallID = ""
				c.setState(a, Ready, now)
			}
			return nil, ErrAlreadyAnswered
		}
		return nil, nil
	}
	k, ok := c.calls[callID]
	if !ok {
		return nil, ErrUnknownCall
	}
	if _, ok := k.ringing[ext]; !ok {
		return nil, ErrNotOffered
	}
	delete(k.ringing, ext)
	cancel := c.release(k, now)
	delete(c.calls, callID)
	a := c.agents[ext]
	a.CallID = callID
	a.MissedOffers = 0
	c.setState(a, Busy, now)
	c.answered[callID] = answered{ext: ext, since: now}
	return cancel, nil
}

// Direct records that ext took callID outside the queues (a transfer to that agent):
// it becomes busy, and Hangup later counts the call and starts wrap-up as usual.
func (c *Center) Direct(callID, ext string, now time.Time) error {
	a, ok := c.agents[ext]
	if !ok {
		return ErrUnknownAgent
	}
	if a.State == Ringing || a.State == Busy {
		return ErrAgentOnCall
	}
	if _, ok := c.answered[callID]; ok {
		return ErrAlreadyAnswered
	}
	a.CallID, a.MissedOffers = callID, 0
	a.WrapUntil = time.Time{}
	c.setState(a, Busy, now)
	c.answered[callID] = answered{ext: ext, since: now}
	return nil
}

// Decline records that the offer of callID to ext failed: ring timeout, rejection or an
// unreachable phone. missed counts it against the agent (N missed → 示忙). The caller
// stays queued in its place and is offered to the next agent at the next Dispatch.
func (c *Center) Decline(callID, ext string, missed bool, now time.Time) {
	a := c.agents[ext]
	if a == nil || a.CallID != callID || a.State != Ringing {
		return
	}
	a.CallID = ""
	if k, ok := c.calls[callID]; ok {
		delete(k.ringing, ext)
	}
	if missed {
		a.MissedOffers++
		if c.cfg.MaxMissed > 0 && a.MissedOffers >= c.cfg.MaxMissed {
			c.setState(a, NotReady, now)
			return
		}
	}
	c.setState(a, Ready, now)
}

// Hangup ends an answered call: the agent's counters grow and it enters wrap-up.
func (c *Center) Hangup(callID string, now time.Time) {
	won, ok := c.answered[callID]
	if !ok {
		return
	}
	delete(c.answered, callID)
	a := c.agents[won.ext]
	if a == nil || a.CallID != callID {
		return
	}
	a.CallID = ""
	a.CallsTaken++
	a.TalkTime += now.Sub(won.since)
	if c.cfg.WrapUp > 0 {
		a.WrapUntil = now.Add(c.cfg.WrapUp)
		c.setState(a, WrapUp, now)
		return
	}
	c.setState(a, Ready, now)
}

// Tick applies the passage of time: ring timeouts, end of wrap-up and queue overflow.
func (c *Center) Tick(now time.Time) TickResult {
	var r TickResult
	// Runs on every call event: look at the agents without copying and sorting them all,
	// and end wrap-ups in seat order so the change log stays deterministic.
	var done []*Agent
	for _, a := range c.agents {
		if a.State == WrapUp && !a.WrapUntil.IsZero() && !now.Before(a.WrapUntil) {
			done = append(done, a)
		}
	}
	sortSeats(done)
	for _, a := range done {
		a.WrapUntil = time.Time{}
		c.setState(a, Ready, now)
	}
	for _, k := range c.ordered() {
		var exp []string
		for ext, dl := range k.ringing {
			if !now.Before(dl) {
				exp = append(exp, ext)
			}
		}
		slices.Sort(exp)
		for _, ext := range exp {
			c.Decline(k.id, ext, true, now)
			r.Expired = append(r.Expired, RingExpired{CallID: k.id, Ext: ext})
		}
		q := c.queues[k.queue]
		if q.MaxWait <= 0 || now.Sub(k.enqueued) < q.MaxWait {
			continue
		}
		act := OverflowAction{CallID: k.id, Queue: q.Name, Overflow: q.Overflow, Cancel: c.release(k, now)}
		if q.Overflow.Kind == OverflowQueue {
			if _, ok := c.queues[q.Overflow.Target]; ok {
				k.queue, k.enqueued = q.Overflow.Target, now
				clear(k.tried)
				r.Overflows = append(r.Overflows, act)
				continue
			}
			act.Overflow = Overflow{Kind: OverflowHangup}
		}
		delete(c.calls, k.id)
		r.Overflows = append(r.Overflows, act)
	}
	return r
}

// Position returns a queued caller's 1-based place in its queue and the expected wait
// (predicted from the agents' average handling time).
func (c *Center) Position(callID string) (int, time.Duration) {
	k, ok := c.calls[callID]
	if !ok {
		return 0, 0
	}
	pos := 0
	for _, o := range c.ordered() {
		if o.queue == k.queue {
			pos++
		}
		if o == k {
			break
		}
	}
	q := c.queues[k.queue]
	staffed, calls := 0, 0
	var talk time.Duration
	for _, a := range c.agents {
		if _, ok := a.Skills[q.Group]; !ok || a.State == SignedOut || a.State == NotReady {
			continue
		}
		staffed++
		calls += a.CallsTaken
		talk += a.TalkTime
	}
	aht := c.cfg.DefaultAHT
	if calls > 0 {
		aht = talk / time.Duration(calls)
	}
	if staffed == 0 {
		staffed = 1
	}
	return pos, time.Duration(pos) * aht / time.Duration(staffed)
}

// QueueStatus is the live view of one queue.
type QueueStatus struct {
	Name        string
	Group       string
	Strategy    Strategy
	Waiting     int // callers not yet answered, including those ringing an agent
	Ringing     int
	LongestWait time.Duration
	Ready       int // agents free for this queue
}

// Queues returns the live status of every queue, by name.
func (c *Center) Queues(now time.Time) []QueueStatus {
	out := make([]QueueStatus, 0, len(c.queues))
	for _, q := range c.queues {
		st := QueueStatus{Name: q.Name, Group: q.Group, Strategy: q.Strategy}
		for _, k := range c.calls {
			if k.queue != q.Name {
				continue
			}
			st.Waiting++
			if len(k.ringing) > 0 {
				st.Ringing++
			}
			st.LongestWait = max(st.LongestWait, now.Sub(k.enqueued))
		}
		for _, a := range c.agents {
			if a.Available(q.Group) {
				st.Ready++
			}
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Queued reports whether callID is still waiting in a queue, and which.
func (c *Center) Queued(callID string) (string, bool) {
	k, ok := c.calls[callID]
	if !ok {
		return "", false
	}
	return k.queue, true
}
