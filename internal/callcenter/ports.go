package callcenter

import (
	"context"
	"errors"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/ivr"
)

// Ports are what the call centre needs from the rest of the hotline. The work-order core
// implements them on its database; the call centre never imports it. Every port may fail
// (database down): calls go on regardless, with the last known data where it matters.

// CDR is the record of one call (话单), written when the call ends.
type CDR struct {
	CallID        string            `json:"call_id"`
	Direction     string            `json:"direction,omitempty"` // "" inbound, "outbound" for call-backs
	Caller        string            `json:"caller"`
	Called        string            `json:"called"` // hotline number dialled, e.g. 12345
	Start         time.Time         `json:"start"`
	Period        Period            `json:"period,omitempty"` // time-of-day period the call fell in
	IVRPath       []string          `json:"ivr_path,omitempty"`
	IVRVars       map[string]string `json:"ivr_vars,omitempty"`
	Queue         string            `json:"queue,omitempty"`
	Enqueued      time.Time         `json:"enqueued,omitzero"`
	Wait          time.Duration     `json:"wait_ns"` // time in queue until answer or abandon
	Agent         string            `json:"agent,omitempty"`
	Answered      time.Time         `json:"answered,omitzero"` // agent picked up
	End           time.Time         `json:"end"`
	TalkSeconds   int               `json:"talk_seconds"`
	HangupSide    string            `json:"hangup_side"` // caller (the citizen, either direction), agent, system
	HangupReason  string            `json:"hangup_reason"`
	Abandoned     bool              `json:"abandoned"` // caller left while queued (放弃)
	Blocked       bool              `json:"blocked,omitempty"`
	RecordingPath string            `json:"recording_path,omitempty"` // relative to the data dir
	VoicemailPath string            `json:"voicemail_path,omitempty"`
	Forwarded     string            `json:"forwarded,omitempty"`
	Transfers     []string          `json:"transfers,omitempty"` // agents who transferred the call on, in order
}

// CDRSink stores CDRs. Write must be idempotent on CallID: after a crash the spool may
// replay the last record once more.
type CDRSink interface {
	WriteCDR(ctx context.Context, cdr CDR) error
}

// AgentInfo is an agent extension as configured (坐席).
type AgentInfo struct {
	Ext      string
	Name     string
	Password string         // SIP digest password
	Skills   map[string]int // skill group → level (业务级别)
	Order    int            // seat order (座席编号)
}

// ErrNotFound is returned by lookups that find nothing.
var ErrNotFound = errors.New("callcenter: not found")

// AgentDirectory knows the agents and keeps their state history.
type AgentDirectory interface {
	Agents(ctx context.Context) ([]AgentInfo, error)
	// AgentStateChanged records a state change (for statistics); failures are logged only.
	AgentStateChanged(ctx context.Context, ext string, state acd.AgentState, at time.Time) error
}

// Period is a time-of-day routing period.
type Period string

const (
	WorkHours Period = "work"    // 工作时间
	Lunch     Period = "lunch"   // 午休
	Night     Period = "night"   // 夜间
	Holiday   Period = "holiday" // 周末 / 节假日
)

// ActionKind is what a hotline number does in a period.
type ActionKind string

const (
	ActQueue     ActionKind = "queue"
	ActIVR       ActionKind = "ivr"
	ActVoicemail ActionKind = "voicemail"
	ActForward   ActionKind = "forward" // to an extension or a SIP URI (值班电话)
	ActHangup    ActionKind = "hangup"
)

// Action is one routing decision.
type Action struct {
	Kind    ActionKind `yaml:"kind" json:"kind"`
	Target  string     `yaml:"target,omitempty" json:"target,omitempty"`   // queue, menu, extension or URI
	Prompts []string   `yaml:"prompts,omitempty" json:"prompts,omitempty"` // played first
}

// ValidDialString reports whether s can be a number dialled or blacklisted: digits with an
// optional leading +, at most 32.
func ValidDialString(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i, ch := range s {
		if !(ch >= '0' && ch <= '9') && !(ch == '+' && i == 0) {
			return false
		}
	}
	return true
}

// Route is the plan of one hotline number.
type Route struct {
	Number   string            `yaml:"number" json:"number"`
	Name     string            `yaml:"name" json:"name"`
	Greeting []string          `yaml:"greeting" json:"greeting"`
	Periods  map[Period]Action `yaml:"periods" json:"periods"`
	Default  Action            `yaml:"default" json:"default"` // periods not listed
}

// NumberPlan is the routing configuration: numbers, queues, menus and the calendar.
type NumberPlan interface {
	Route(number string) (Route, bool)
	Queues() []acd.QueueConfig
	Menu(name string) (ivr.Menu, bool)
	// Period tells which period t falls in; the core knows the statutory holidays and
	// the adjusted working weekends (调休).
	Period(t time.Time) Period
}

// Blacklist decides who is refused (黑名单). Implementations handle expiry and prefixes.
type Blacklist interface {
	Blocked(ctx context.Context, number string, now time.Time) (blocked bool, reason string, err error)
}

// Citizen is what an agent's screen pops up (弹屏).
type Citizen struct {
	Phone      string `json:"phone"`
	Name       string `json:"name,omitempty"`
	Region     string `json:"region,omitempty"` // 归属地
	Tickets    int    `json:"tickets"`
	OpenTicket string `json:"open_ticket,omitempty"`
	Repeat     bool   `json:"repeat,omitempty"`
}

// CitizenLookup finds the caller's profile for the screen pop.
type CitizenLookup interface {
	Citizen(ctx context.Context, phone string) (Citizen, error)
}

// TicketStatusLookup answers ticket status by keypad. status is a ticket state name
// (registered, dispatched, processing, replied, callback, closed) that has a prompt.
type TicketStatusLookup interface {
	TicketStatus(number string) (status string, ok bool)
}

// EventType names a live event.
type EventType string

const (
	EvCallOffered  EventType = "call.offered"  // caller entered a queue
	EvCallRinging  EventType = "call.ringing"  // ringing at an agent
	EvCallAnswered EventType = "call.answered" // agent picked up
	EvCallEnded    EventType = "call.ended"
	EvAgentState   EventType = "agent.state"
	EvQueue        EventType = "queue.changed"
	EvSupervise    EventType = "call.supervised" // a supervisor joined: State is the mode
)

// Event is a live CTI event for the web pages (and NATS between nodes).
type Event struct {
	Type        EventType        `json:"type"`
	At          time.Time        `json:"at"`
	CallID      string           `json:"call_id,omitempty"`
	Caller      string           `json:"caller,omitempty"`
	Called      string           `json:"called,omitempty"`
	Queue       string           `json:"queue,omitempty"`
	Agent       string           `json:"agent,omitempty"`
	State       string           `json:"state,omitempty"` // agent state
	Citizen     *Citizen         `json:"citizen,omitempty"`
	QueueStatus *acd.QueueStatus `json:"queue_status,omitempty"`
	CDR         *CDR             `json:"cdr,omitempty"` // on call.ended
}

// EventPublisher delivers live events. Publish must not block: it is called while calls
// are being set up.
type EventPublisher interface {
	Publish(Event)
}

// Ports bundles the ports. CDR, Agents and Plan are required; the others may be nil.
type Ports struct {
	CDR       CDRSink
	Agents    AgentDirectory
	Plan      NumberPlan
	Blacklist Blacklist
	Citizens  CitizenLookup
	Tickets   TicketStatusLookup
	Events    EventPublisher
}
