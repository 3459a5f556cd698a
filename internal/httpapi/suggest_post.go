package httpapi

import (
	"net/http"
	"strings"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/suggest"
)

type suggestRequest struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	Address string `json:"address"`
	// RegionID, when known (map point or address picked), lets region rules apply.
	RegionID string `json:"region_id,omitempty"`
}

type suggestAnswer struct {
	Suggestions   []suggest.Suggestion `json:"suggestions"`
	Abstained     bool                 `json:"abstained" doc:"the best confidence is below the threshold: no guess is made"`
	TopConfidence float64              `json:"top_confidence"`
	Threshold     float64              `json:"threshold"`
	Message       string               `json:"message,omitempty"`
}

func (a *api) suggest(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.Has(access.CreateTicket) && !c.Has(access.ViewTickets) {
		a.fail(w, r, errForbidden)
		return
	}
	var req suggestRequest
	if err := decode(w, r, &req, false); err != nil {
		a.fail(w, r, err)
		return
	}
	if strings.TrimSpace(req.Subject) == "" && strings.TrimSpace(req.Text) == "" {
		a.fail(w, r, badRequest("invalid input: subject or text is required", map[string]string{"text": "subject or text is required"}))
		return
	}
	in := suggest.Input{Subject: req.Subject, Text: req.Text, Address: req.Address}
	if req.RegionID != "" {
		n, err := a.names(r.Context())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if _, ok := n.regions.Get(req.RegionID); !ok {
			a.fail(w, r, fieldError("region_id", "no such region"))
			return
		}
		for _, reg := range n.regions.Path(req.RegionID) {
			in.RegionPath = append(in.RegionPath, reg.NodeID())
		}
	}
	res, err := kb.For(a.st).Suggest(r.Context(), in)
	if err != nil {
		a.textFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, suggestView(res))
}

func suggestView(res suggest.Result) suggestAnswer {
	out := suggestAnswer{Suggestions: res.Suggestions, Abstained: res.Abstained, TopConfidence: res.TopConfidence, Threshold: suggest.DefaultThreshold}
	if out.Suggestions == nil {
		out.Suggestions = []suggest.Suggestion{}
	}
	if res.Abstained {
		out.Message = "没有足够把握给出建议，请人工选择分类和部门 (confidence below the threshold)"
	}
	return out
}
