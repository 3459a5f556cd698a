// Package citizen holds the citizen profile (市民档案), keyed by phone number. No I/O.
package citizen

import "time"

// Tags a citizen profile can carry.
const (
	TagRepeatCaller = "repeat_caller" // 重复来电
	TagVIP          = "vip"           // 重点关注 (e.g. elderly living alone)
	TagBlacklisted  = "blacklisted"   // 黑名单 (also the Blacklisted flag)
)

// RepeatCallerThreshold is the number of requests from which a caller is tagged repeat.
const RepeatCallerThreshold = 3

// Citizen is one person who contacts the hotline.
type Citizen struct {
	ID              string    `json:"id"`
	Phone           string    `json:"phone"`
	Name            string    `json:"name"`
	OtherPhones     []string  `json:"other_phones,omitempty"`
	Addresses       []string  `json:"addresses,omitempty"`
	Tags            []string  `json:"tags,omitempty"`
	Blacklisted     bool      `json:"blacklisted"`
	BlacklistReason string    `json:"blacklist_reason,omitempty"`
	Note            string    `json:"note,omitempty"`
	TicketCount     int       `json:"ticket_count"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// HasTag reports whether the citizen carries tag.
func (c *Citizen) HasTag(tag string) bool {
	for _, t := range c.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// TagRepeatCallerIfDue tags a caller repeat (重复来电) once they reach RepeatCallerThreshold
// requests, and reports whether it added the tag.
func (c *Citizen) TagRepeatCallerIfDue() bool {
	if c.TicketCount < RepeatCallerThreshold || c.HasTag(TagRepeatCaller) {
		return false
	}
	c.Tags = append(c.Tags, TagRepeatCaller)
	return true
}
