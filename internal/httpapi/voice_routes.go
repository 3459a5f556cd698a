package httpapi

import (
	"net/http"
	"slices"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/store"
)

// Voice is the running call centre the API reads live state from and drives; nil when
// the node runs without SIP (live endpoints then answer 503, stored ones still work).
type Voice = storeports.Voice

// Who may do what with the call centre. The centre's own roles see calls, CDRs and
// recordings; departments do not (their staff never hear the citizen's voice).
var (
	voiceCentre  = []access.Role{access.Agent, access.Monitor, access.Dispatcher, access.Leader, access.Admin}
	voiceSeat    = []access.Role{access.Agent, access.Monitor, access.Admin}      // 示闲/示忙
	voiceManage  = []access.Role{access.Monitor, access.Dispatcher, access.Admin} // blacklist, call-back list
	voiceNumbers = []access.Role{access.Admin}                                    // hotline numbers
)

const voiceTag = "voice"

func (a *api) registerVoiceRoutes() {
	a.add(route{Method: "GET", Path: "/api/v1/voice/calls", Summary: "Calls in progress (班长监控), oldest first", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin. 503 when this node runs no SIP.",
		Response:    []callcenter.LiveCall{}, auth: a.voiceRole(voiceCentre, a.voiceCalls)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/events", Summary: "Live call-centre events as server-sent events (screen pop, wallboards)", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin. `?agent=EXT` keeps one seat's events and the queue changes. 503 when this node runs no SIP.",
		Query:       []param{{Name: "agent", Description: "an agent's extension"}}, Raw: true, ContentType: "text/event-stream",
		auth: a.voiceRole(voiceCentre, a.voiceEvents)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/queues", Summary: "Queues: callers waiting, longest wait, agents free", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin. 503 when this node runs no SIP.",
		Response:    []queueView{}, auth: a.voiceRole(voiceCentre, a.voiceQueues)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/agents", Summary: "Agents with their live state (or the last stored one) and phones", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin.",
		Response:    []agentView{}, auth: a.voiceRole(voiceCentre, a.voiceAgents)})
	a.add(route{Method: "PUT", Path: "/api/v1/voice/agents/{ext}", Summary: "Add or change an agent (坐席): name, SIP password, skill groups with levels, seat order", Tag: voiceTag,
		Description: "Roles: admin. 201 for a new agent. The running call centre takes it at once on this node, within 2 s on others.",
		Request:     agentSaveRequest{}, Response: agentView{}, Status: http.StatusOK, auth: a.voiceRole(voiceNumbers, a.putVoiceAgent)})
	a.add(route{Method: "PUT", Path: "/api/v1/voice/agents/{ext}/state", Summary: "Set an agent ready (示闲), not ready (示忙) or signed out (签出)", Tag: voiceTag,
		Description: "Roles: agent (own extension only, see /auth/me agent_ext), monitor, admin. 409 while the agent is ringing or on a call.",
		Request:     agentStateRequest{}, Response: agentView{}, auth: a.voiceRole(voiceSeat, a.setVoiceAgentState)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/cdrs", Summary: "Call detail records (话单), newest first, a page at a time", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin.",
		Query:       cdrListParams, Response: store.CallRecordPage{}, auth: a.voiceRole(voiceCentre, a.listCDRs)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/cdrs/{id}", Summary: "One call detail record", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin.",
		Response:    store.CallRecord{}, auth: a.voiceRole(voiceCentre, a.getCDR)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/cdrs/{id}/recording", Summary: "The call's recording (WAV, 8 kHz mono)", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin. `?kind=voicemail` for the voicemail.",
		Raw:         true, ContentType: "audio/wav", auth: a.voiceRole(voiceCentre, a.cdrRecording)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/callbacks", Summary: "Missed and abandoned calls not yet called back (回拨列表)", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin.",
		Query:       []param{{Name: "cursor"}, {Name: "limit", Type: "integer"}}, Response: store.CallRecordPage{}, auth: a.voiceRole(voiceCentre, a.listCallBacks)})
	a.add(route{Method: "POST", Path: "/api/v1/voice/callbacks/{id}/done", Summary: "Take a call off the call-back list", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, admin.", Status: http.StatusNoContent,
		auth: a.voiceRole(append(slices.Clone(voiceSeat), access.Dispatcher), a.callBackDone)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/blacklist", Summary: "Blacklisted numbers and prefixes (黑名单)", Tag: voiceTag,
		Description: "Roles: monitor, dispatcher, admin.", Response: []store.BlacklistEntry{}, auth: a.voiceRole(voiceManage, a.listBlacklist)})
	a.add(route{Method: "PUT", Path: "/api/v1/voice/blacklist/{number}", Summary: "Blacklist a number or prefix, with reason and expiry", Tag: voiceTag,
		Description: "Roles: monitor, dispatcher, admin. Takes effect on the next call.",
		Request:     blacklistRequest{}, Response: store.BlacklistEntry{}, auth: a.voiceRole(voiceManage, a.putBlacklist)})
	a.add(route{Method: "DELETE", Path: "/api/v1/voice/blacklist/{number}", Summary: "Remove a blacklist entry", Tag: voiceTag,
		Description: "Roles: monitor, dispatcher, admin.", Status: http.StatusNoContent, auth: a.voiceRole(voiceManage, a.deleteBlacklist)})
	a.add(route{Method: "GET", Path: "/api/v1/voice/numbers", Summary: "Hotline numbers and where they route", Tag: voiceTag,
		Description: "Roles: agent, monitor, dispatcher, leader, admin.", Response: []numberView{}, auth: a.voiceRole(voiceCentre, a.listNumbers)})
	a.add(route{Method: "PUT", Path: "/api/v1/voice/numbers/{number}", Summary: "Add or change a hotline number (queue, greeting, name)", Tag: voiceTag,
		Description: "Roles: admin. The running call centre applies it at once on this node, within 30 s on others.",
		Request:     numberRequest{}, Response: numberView{}, auth: a.voiceRole(voiceNumbers, a.putNumber)})
}

// voiceRole lets only the given roles through.
func (a *api) voiceRole(roles []access.Role, h authHandler) authHandler {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		if !slices.Contains(roles, c.Role) {
			a.fail(w, r, errForbidden)
			return
		}
		h(w, r, c)
	}
}

var errNoVoice = &httpError{status: http.StatusServiceUnavailable, msg: "the call centre does not run on this node"}

// live returns the running call centre or answers 503.
func (a *api) live(w http.ResponseWriter, r *http.Request) *Voice {
	if a.voice == nil || a.voice.Server == nil {
		a.fail(w, r, errNoVoice)
		return nil
	}
	return a.voice
}
