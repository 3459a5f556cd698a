package httpapi

import (
	"net/http"
	"strings"

	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/store"
)

// numberView is a stored hotline number with the route in force on this node.
type numberView struct {
	store.HotlineNumber
	Effective *callcenter.Route `json:"effective,omitempty"`
}

type numberRequest struct {
	Name       string `json:"name"`
	Queue      string `json:"queue"`       // e.g. q12345; must be a queue of the plan
	SkillGroup string `json:"skill_group"` // informational: the agents' skill the queue serves
	Greeting   string `json:"greeting"`    // prompt names, comma-separated
}

func (a *api) numberViews(r *http.Request) ([]numberView, error) {
	nums, err := a.st.HotlineNumbers(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]numberView, 0, len(nums))
	for _, n := range nums {
		v := numberView{HotlineNumber: *n}
		if a.voice != nil && a.voice.Plan != nil {
			if rt, ok := a.voice.Plan.Route(n.Number); ok {
				v.Effective = &rt
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func (a *api) listNumbers(w http.ResponseWriter, r *http.Request, c *caller) {
	out, err := a.numberViews(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *api) putNumber(w http.ResponseWriter, r *http.Request, c *caller) {
	number := r.PathValue("number")
	if !callcenter.ValidDialString(number) {
		a.fail(w, r, fieldError("number", "digits only"))
		return
	}
	var req numberRequest
	if err := decode(w, r, &req, false); err != nil {
		a.fail(w, r, err)
		return
	}
	if req.Queue == "" {
		a.fail(w, r, fieldError("queue", "required"))
		return
	}
	if a.voice != nil && a.voice.Plan != nil {
		known := false
		var names []string
		for _, q := range a.voice.Plan.Queues() {
			names = append(names, q.Name)
			known = known || q.Name == req.Queue
		}
		if !known {
			a.fail(w, r, fieldError("queue", "no such queue; the queues are "+strings.Join(names, ", ")))
			return
		}
	}
	n := &store.HotlineNumber{Number: number, Name: req.Name, Queue: req.Queue, SkillGroup: req.SkillGroup,
		Greeting: req.Greeting, UpdatedBy: c.Username}
	ctx := r.Context()
	if err := a.st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveHotlineNumber(ctx, n) }); err != nil {
		a.fail(w, r, err)
		return
	}
	a.refreshVoice()
	views, err := a.numberViews(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, v := range views {
		if v.Number == number {
			writeJSON(w, http.StatusOK, v)
			return
		}
	}
	a.fail(w, r, store.ErrNotFound)
}
