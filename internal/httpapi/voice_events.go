package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/hotline-dev/hotline/internal/callcenter"
)

// voiceEvents streams the call centre's live events (CTI: call offered, ringing, answered,
// ended; agent states; queues) as server-sent events, for the agent's screen pop (弹屏) and
// the wallboards. ?agent=EXT keeps the events of one seat and the queue changes. A slow
// reader loses events rather than slowing calls; a comment line every 15 s keeps proxies
// from closing an idle stream.
func (a *api) voiceEvents(w http.ResponseWriter, r *http.Request, c *caller) {
	v := a.live(w, r)
	if v == nil {
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": hotline voice events\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	events, stop := v.Events.Subscribe(256)
	defer stop()
	agent := r.URL.Query().Get("agent")
	beat := time.NewTicker(15 * time.Second)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-v.Stopping():
			return // the node is shutting down: the page reconnects to another
		case <-beat.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case ev := <-events:
			if agent != "" && ev.Agent != agent && ev.Type != callcenter.EvQueue {
				continue
			}
			maskEvent(c, &ev)
			b, err := json.Marshal(ev)
			if err != nil {
				continue
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Type, b)
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// maskEvent hides the citizen's number from callers who may not see it.
func maskEvent(c *caller, ev *callcenter.Event) {
	ev.Caller = c.ShowPhone(ev.Caller)
	if ev.Citizen != nil {
		cz := *ev.Citizen
		cz.Phone = c.ShowPhone(cz.Phone)
		ev.Citizen = &cz
	}
	if ev.CDR != nil {
		cdr := *ev.CDR
		cdr.Caller = c.ShowPhone(cdr.Caller)
		ev.CDR = &cdr
	}
}
