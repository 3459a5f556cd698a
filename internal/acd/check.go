package acd

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits of an agent definition (坐席), shared by every way one is made.
const (
	MaxExtLen      = 20
	MaxNameLen     = 50
	MinPasswordLen = 4
	MaxPasswordLen = 64
	MaxSkillLevel  = 9
)

// AgentSpec is an agent as an administrator defines it: `hotline agent add` and
// PUT /api/v1/voice/agents/{ext} both check theirs with CheckAgent, so a seat one
// accepts the other accepts too.
type AgentSpec struct {
	Ext      string
	Name     string
	Password string // SIP digest password; empty keeps the old one (not allowed for a new agent)
	Skills   map[string]int
	Order    int
	New      bool
}

// CheckAgent says what is wrong with s, field by field (ext, name, password, skills, order);
// nil when nothing is.
func CheckAgent(s AgentSpec) map[string]string {
	fe := map[string]string{}
	if !digits(s.Ext, MaxExtLen) {
		fe["ext"] = fmt.Sprintf("digits, at most %d", MaxExtLen)
	}
	if utf8.RuneCountInString(strings.TrimSpace(s.Name)) > MaxNameLen {
		fe["name"] = fmt.Sprintf("at most %d characters", MaxNameLen)
	}
	switch {
	case s.Password == "" && s.New:
		fe["password"] = "required for a new agent"
	case s.Password != "" && (len(s.Password) < MinPasswordLen || len(s.Password) > MaxPasswordLen):
		fe["password"] = fmt.Sprintf("%d to %d characters", MinPasswordLen, MaxPasswordLen)
	}
	if len(s.Skills) == 0 {
		fe["skills"] = "at least one skill group (a hotline number) with its level"
	}
	groups := make([]string, 0, len(s.Skills))
	for g := range s.Skills {
		groups = append(groups, g)
	}
	sort.Strings(groups) // the same input always names the same group
	for _, g := range groups {
		if l := s.Skills[g]; !hotlineNumber(g) || l < 1 || l > MaxSkillLevel {
			fe["skills"] = fmt.Sprintf("%q: a hotline number with a level from 1 to %d", g, MaxSkillLevel)
			break
		}
	}
	if s.Order < 0 {
		fe["order"] = "0 or more"
	}
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func digits(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// hotlineNumber is a skill group's name: the number citizens dial, e.g. 12345 or +8612345.
func hotlineNumber(s string) bool {
	return digits(strings.TrimPrefix(s, "+"), 32)
}
