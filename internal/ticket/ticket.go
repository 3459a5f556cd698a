// Package ticket holds the work order (工单) and its lifecycle rules. It does no I/O:
// the store persists what Apply decides, in one transaction with the event it returns.
package ticket

import (
	"fmt"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the city's zone must load on a machine without zoneinfo
	"unicode/utf8"
)

// State is where a ticket stands in the lifecycle of DESIGN.md.
type State string

const (
	Registered State = "registered" // 已登记: taken in, waiting for dispatch
	Dispatched State = "dispatched" // 待签收: sent to a department, waiting to be accepted
	Returned   State = "returned"   // 退单待审核: the department sent it back; the centre decides
	Processing State = "processing" // 办理中: accepted, being handled
	Replied    State = "replied"    // 待审核: the department replied; the centre reviews
	Callback   State = "callback"   // 待回访: approved; the centre calls the citizen back
	Closed     State = "closed"     // 已办结
	Cancelled  State = "cancelled"  // 已作废: invalid or harassment
	Merged     State = "merged"     // 已合并: a duplicate kept under its main ticket
)

// States lists every state in lifecycle order.
var States = []State{Registered, Dispatched, Returned, Processing, Replied, Callback, Closed, Cancelled, Merged}

// Open reports whether work on the ticket is still going on.
func (s State) Open() bool { return s != Closed && s != Cancelled && s != Merged }

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, k := range States {
		if k == s {
			return true
		}
	}
	return false
}

// Channel is how the request reached the centre (全媒体接入).
type Channel string

const (
	ChannelPhone     Channel = "phone"
	ChannelVoicemail Channel = "voicemail"
	ChannelPortal    Channel = "portal"
	ChannelOpen311   Channel = "open311"
	ChannelEmail     Channel = "email"
	ChannelSMS       Channel = "sms"
	ChannelWeChat    Channel = "wechat"
	ChannelChat      Channel = "chat"
	ChannelFax       Channel = "fax"
	ChannelInspector Channel = "inspector" // 巡查上报
	ChannelImport    Channel = "import"    // brought over from a former system
)

// Channels lists the known channels.
var Channels = []Channel{ChannelPhone, ChannelVoicemail, ChannelPortal, ChannelOpen311, ChannelEmail,
	ChannelSMS, ChannelWeChat, ChannelChat, ChannelFax, ChannelInspector, ChannelImport}

// RequestType is the 受理类型. The identifiers are shared with the SLA policies.
type RequestType string

const (
	Consult    RequestType = "consult"    // 咨询
	Help       RequestType = "help"       // 求助
	Complaint  RequestType = "complaint"  // 投诉
	Report     RequestType = "report"     // 举报
	Suggestion RequestType = "suggestion" // 建议
	Praise     RequestType = "praise"     // 表扬
	Other      RequestType = "other"      // 其他
)

// RequestTypes lists the request types with their Chinese names, in the order agents see them.
var RequestTypes = []struct {
	ID   RequestType
	Name string
}{
	{Consult, "咨询"}, {Help, "求助"}, {Complaint, "投诉"}, {Report, "举报"},
	{Suggestion, "建议"}, {Praise, "表扬"}, {Other, "其他"},
}

// Urgency is the 紧急程度 that, with the category, sets the time limits.
type Urgency string

const (
	Urgent    Urgency = "urgent"    // 紧急
	Expedited Urgency = "expedited" // 加急
	Normal    Urgency = "normal"    // 一般
)

// Urgencies lists the urgency levels with their Chinese names.
var Urgencies = []struct {
	ID   Urgency
	Name string
}{{Urgent, "紧急"}, {Expedited, "加急"}, {Normal, "一般"}}

// Satisfaction is the citizen's verdict at callback (回访).
type Satisfaction string

const (
	Satisfied      Satisfaction = "satisfied"       // 满意
	BasicSatisfied Satisfaction = "basic_satisfied" // 基本满意
	Unsatisfied    Satisfaction = "unsatisfied"     // 不满意
	Unreachable    Satisfaction = "unreachable"     // 联系不上
)

// Ticket is one citizen request, the unit of 一事一档.
type Ticket struct {
	ID          string      `json:"id"`
	Number      string      `json:"number"` // e.g. 2026112100001
	State       State       `json:"state"`
	Channel     Channel     `json:"channel"`
	RequestType RequestType `json:"request_type"`
	CategoryID  string      `json:"category_id,omitempty"`
	RegionID    string      `json:"region_id,omitempty"`
	Address     string      `json:"address,omitempty"`
	Lat         *float64    `json:"lat,omitempty"`
	Lng         *float64    `json:"lng,omitempty"`
	Subject     string      `json:"subject"`
	Description string      `json:"description"`
	CitizenID   string      `json:"citizen_id,omitempty"`
	Phone       string      `json:"phone,omitempty"` // the contact number given for this request
	CitizenName string      `json:"citizen_name,omitempty"`
	Urgency     Urgency     `json:"urgency"`

	DepartmentID       string   `json:"department_id,omitempty"`        // the unit handling it now
	ParentDepartmentID string   `json:"parent_department_id,omitempty"` // the unit that sub-dispatched (下派) it, if any
	HandlerID          string   `json:"handler_id,omitempty"`
	CoDepartmentIDs    []string `json:"co_department_ids,omitempty"` // 协办

	SignDeadline     *time.Time `json:"sign_deadline,omitempty"`     // 签收时限
	HandleDeadline   *time.Time `json:"handle_deadline,omitempty"`   // 办理时限
	Overdue          bool       `json:"overdue"`                     // 超期
	Supervised       bool       `json:"supervised"`                  // 督办
	UrgeCount        int        `json:"urge_count"`                  // 催办次数
	ReopenCount      int        `json:"reopen_count"`                // 重办次数
	PendingExtension *Extension `json:"pending_extension,omitempty"` // 延期申请 awaiting the centre
	SignOverdue      bool       `json:"sign_overdue"`                // 签收超时: the sign-for deadline passed before accept

	// 挂起: the department waits on the citizen and the handling clock stands still.
	// Suspended and SuspendedAt go together; PauseDenied is the time-limit policy's word,
	// fixed when the deadlines are set (dispatch, reopen), so Allowed can tell the truth.
	Suspended     bool       `json:"suspended"`
	SuspendedAt   *time.Time `json:"suspended_at,omitempty"`
	SuspendReason string     `json:"suspend_reason,omitempty"`
	PauseDenied   bool       `json:"pause_denied"` // 不可挂起 (e.g. 紧急)

	Reply        string       `json:"reply,omitempty"`        // the department's result (反馈)
	Satisfaction Satisfaction `json:"satisfaction,omitempty"` // 回访结果
	MergedInto   string       `json:"merged_into,omitempty"`  // number of the main ticket

	Fields map[string]Field `json:"fields,omitempty"` // custom fields of the ticket type

	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	Version   int        `json:"version"` // bumped by every event; guards concurrent writers
}

// Extension is a request for more time (延期申请).
type Extension struct {
	Days   int    `json:"days"`
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// FieldType is the type of a custom field value.
type FieldType string

const (
	FieldText   FieldType = "text"
	FieldNumber FieldType = "number"
	FieldBool   FieldType = "bool"
	FieldDate   FieldType = "date"
)

// Field is one typed custom value. Exactly one of the value fields is meaningful, by Type.
type Field struct {
	Type  FieldType `json:"type"`
	Value any       `json:"value"`
}

// Validate checks a custom field's value against its type.
func (f Field) Validate() error {
	switch f.Type {
	case FieldText:
		if _, ok := f.Value.(string); !ok {
			return fmt.Errorf("want a string")
		}
	case FieldNumber:
		if _, ok := f.Value.(float64); !ok {
			return fmt.Errorf("want a number")
		}
	case FieldBool:
		if _, ok := f.Value.(bool); !ok {
			return fmt.Errorf("want true or false")
		}
	case FieldDate:
		s, ok := f.Value.(string)
		if !ok {
			return fmt.Errorf("want a date YYYY-MM-DD")
		}
		if _, err := time.Parse("2006-01-02", s); err != nil {
			return fmt.Errorf("want a date YYYY-MM-DD")
		}
	default:
		return fmt.Errorf("unknown field type %q", f.Type)
	}
	return nil
}

// Number formats a ticket number from the local date and the daily sequence:
// 20261121 + 5 digits. A day past 99999 tickets keeps counting with more digits.
func Number(day time.Time, seq int) string {
	return fmt.Sprintf("%s%05d", day.Format("20060102"), seq)
}

// Location is where ticket numbers and days are reckoned: the city's local time.
var Location, _ = time.LoadLocation("Asia/Shanghai")

// FieldErrors maps an input field to what is wrong with it.
type FieldErrors map[string]string

func (fe FieldErrors) Error() string {
	return "invalid ticket: " + strings.Join(fe.Lines(""), "; ")
}

// Lines says each problem as "field: what is wrong", fields in order, each line after
// prefix (a CLI writes "--" before a flag's name).
func (fe FieldErrors) Lines(prefix string) []string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = prefix + k + ": " + fe[k]
	}
	return lines
}

// Limits on free text, so one request cannot fill the database.
const (
	MaxSubject     = 200
	MaxDescription = 10000
	MaxAddress     = 500
)

// ValidateNew checks a ticket about to be registered and fills defaults (channel, urgency, type).
func ValidateNew(t *Ticket) error {
	fe := FieldErrors{}
	t.Subject = strings.TrimSpace(t.Subject)
	t.Description = strings.TrimSpace(t.Description)
	if t.Subject == "" && t.Description != "" {
		t.Subject = firstRunes(t.Description, 40)
	}
	if t.Subject == "" {
		fe["subject"] = "a subject or description is required"
	}
	if utf8.RuneCountInString(t.Subject) > MaxSubject {
		fe["subject"] = fmt.Sprintf("at most %d characters", MaxSubject)
	}
	if utf8.RuneCountInString(t.Description) > MaxDescription {
		fe["description"] = fmt.Sprintf("at most %d characters", MaxDescription)
	}
	if utf8.RuneCountInString(t.Address) > MaxAddress {
		fe["address"] = fmt.Sprintf("at most %d characters", MaxAddress)
	}
	if t.Channel == "" {
		t.Channel = ChannelPhone
	} else if !oneOf(t.Channel, Channels) {
		fe["channel"] = "unknown channel"
	}
	if t.RequestType == "" {
		t.RequestType = Complaint
	} else if !validRequestType(t.RequestType) {
		fe["request_type"] = "one of consult, help, complaint, report, suggestion, praise, other"
	}
	if t.Urgency == "" {
		t.Urgency = Normal
	} else if t.Urgency != Urgent && t.Urgency != Expedited && t.Urgency != Normal {
		fe["urgency"] = "one of urgent, expedited, normal"
	}
	if (t.Lat == nil) != (t.Lng == nil) {
		fe["lat"] = "lat and lng go together"
	} else if t.Lat != nil && (*t.Lat < -90 || *t.Lat > 90 || *t.Lng < -180 || *t.Lng > 180) {
		fe["lat"] = "not a point on Earth"
	}
	if t.Phone != "" && !ValidPhone(t.Phone) {
		fe["phone"] = "digits only, 5 to 20 of them (a leading + is allowed)"
	}
	for k, f := range t.Fields {
		if k == "" || len(k) > 64 {
			fe["fields"] = "field names are 1 to 64 characters"
			continue
		}
		if err := f.Validate(); err != nil {
			fe["fields."+k] = err.Error()
		}
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

// ValidPhone accepts the numbers citizens call from: digits, optionally a leading +.
func ValidPhone(p string) bool {
	p = strings.TrimPrefix(p, "+")
	if len(p) < 5 || len(p) > 20 {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func validRequestType(rt RequestType) bool {
	for _, k := range RequestTypes {
		if k.ID == rt {
			return true
		}
	}
	return false
}

func oneOf[T comparable](v T, list []T) bool {
	for _, k := range list {
		if k == v {
			return true
		}
	}
	return false
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
