package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
)

// queueView is a queue's live status.
type queueView struct {
	Name               string  `json:"name"`
	Group              string  `json:"group"` // skill group
	Strategy           string  `json:"strategy"`
	Waiting            int     `json:"waiting"` // callers not yet answered, ringing ones included
	Ringing            int     `json:"ringing"`
	LongestWaitSeconds float64 `json:"longest_wait_seconds"`
	Ready              int     `json:"ready"` // agents free for this queue
}

func queueViewOf(q acd.QueueStatus) queueView {
	return queueView{Name: q.Name, Group: q.Group, Strategy: fmt.Sprint(q.Strategy), Waiting: q.Waiting, Ringing: q.Ringing,
		LongestWaitSeconds: q.LongestWait.Seconds(), Ready: q.Ready}
}

func (a *api) voiceCalls(w http.ResponseWriter, r *http.Request, c *caller) {
	v := a.live(w, r)
	if v == nil {
		return
	}
	calls := v.Server.LiveCalls()
	for i := range calls {
		calls[i].Caller = c.ShowPhone(calls[i].Caller)
	}
	writeJSON(w, http.StatusOK, calls)
}

func (a *api) voiceQueues(w http.ResponseWriter, r *http.Request, c *caller) {
	v := a.live(w, r)
	if v == nil {
		return
	}
	qs := v.Server.Queues()
	out := make([]queueView, len(qs))
	for i, q := range qs {
		out[i] = queueViewOf(q)
	}
	writeJSON(w, http.StatusOK, out)
}

// agentView is an agent: the stored configuration with its live (or last stored) state.
type agentView struct {
	Ext        string         `json:"ext"`
	Name       string         `json:"name"`
	Skills     map[string]int `json:"skills"`
	Order      int            `json:"order"`
	State      string         `json:"state"`
	StateSince time.Time      `json:"state_since,omitzero"`
	Live       bool           `json:"live"` // state from the running call centre, not the database
	CallID     string         `json:"call_id,omitempty"`
	CallsTaken int            `json:"calls_taken"`
	Contacts   []string       `json:"contacts,omitempty"`
}

func (a *api) agentViews(r *http.Request) ([]agentView, error) {
	stored, err := a.st.VoiceAgents(r.Context())
	if err != nil {
		return nil, err
	}
	live := map[string]agentView{}
	if a.voice != nil && a.voice.Server != nil {
		for _, s := range a.voice.Server.Agents() {
			live[s.Ext] = agentView{Ext: s.Ext, Name: s.Name, Skills: s.Skills, Order: s.Order, State: s.StateName,
				StateSince: s.StateSince, Live: true, CallID: s.CallID, CallsTaken: s.CallsTaken, Contacts: s.Contacts}
		}
	}
	out := make([]agentView, 0, len(stored))
	for _, s := range stored {
		if v, ok := live[s.Ext]; ok {
			v.Name, v.Skills, v.Order = s.Name, s.Skills, s.Order
			out = append(out, v)
			continue
		}
		out = append(out, agentView{Ext: s.Ext, Name: s.Name, Skills: s.Skills, Order: s.Order, State: s.State, StateSince: s.StateAt})
	}
	return out, nil
}

func (a *api) voiceAgents(w http.ResponseWriter, r *http.Request, c *caller) {
	out, err := a.agentViews(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
