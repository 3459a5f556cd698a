// Package acd is the automatic call distribution of the hotline (排队分配): agents and their
// states, queues per skill group, and the distribution strategies. It does no I/O and reads
// no clock: every operation takes the current time, so the SIP adapter decides what "now" is
// and tests can replay any sequence of events exactly.
package acd

import (
	"fmt"
	"time"
)

// AgentState is the state of one agent seat (坐席状态).
type AgentState int

const (
	SignedOut AgentState = iota // 签出
	Ready                       // 示闲: may be offered a call
	NotReady                    // 示忙: signed in but takes no calls
	Ringing                     // 振铃: a call is being offered
	Busy                        // 通话中
	WrapUp                      // 话后整理: after a call, before the next one
)

var stateNames = [...]string{"signed-out", "ready", "not-ready", "ringing", "busy", "wrap-up"}

func (s AgentState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Agent is one seat as the ACD sees it. Values of this type handed out by Center are copies.
type Agent struct {
	Ext    string
	Name   string
	Skills map[string]int // skill group → level (业务级别); higher is more senior
	Order  int            // seat number order (座席编号); lower is offered first

	State      AgentState
	StateSince time.Time
	IdleSince  time.Time // when the agent last became free; drives longest idle (最长休息时间)

	CallsTaken   int           // 接话数量
	TalkTime     time.Duration // 通话时间
	MissedOffers int           // consecutive offers not answered
	CallID       string        // call ringing or connected, if any
	WrapUntil    time.Time
}

// Available reports whether a new call may be offered to the agent in group.
func (a *Agent) Available(group string) bool {
	if a.State != Ready {
		return false
	}
	_, ok := a.Skills[group]
	return ok
}
