package httpapi

import (
	"errors"
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/kb"
)

// registerTextRoutes adds the Chinese-text endpoints of issue 5: ticket search, duplicates,
// hot words, dispatch suggestions and the knowledge base (知识库).
func (a *api) registerTextRoutes() {
	a.add(route{Method: "GET", Path: "/api/v1/search", Summary: "Full-text search over tickets (number, subject, description, replies, address)",
		Description: "Words are segmented (two-character words such as 噪音 find 噪音扰民); every word must match, and when no ticket has " +
			"them all, tickets with any of them are returned with `any_word: true`. Digits search ticket numbers (prefix) and phone numbers. " +
			"The newest 1000 matches are ranked by BM25 over their words (subject weighs most, then address, then body), the same on SQLite and PostgreSQL; " +
			"equal scores newest first. Scoped like the ticket list: department users see their subtree only.",
		Tag: "search", Perm: access.ViewTickets, Query: searchParams, Response: searchAnswer{}, auth: a.searchTickets})
	a.add(route{Method: "GET", Path: "/api/v1/tickets/{number}/duplicates", Summary: "Likely duplicates (重复件) of a ticket with a score and the reasons",
		Tag: "search", Perm: access.ViewTickets, Response: []kb.Duplicate{}, auth: a.ticketDuplicates})
	a.add(route{Method: "GET", Path: "/api/v1/hotwords", Summary: "Hot words (热词) of a period: the terms used by the most tickets, or the rising ones",
		Tag: "search", Perm: access.ViewTickets, Query: hotwordParams, Response: hotwordAnswer{}, auth: a.hotWords})
	a.add(route{Method: "POST", Path: "/api/v1/suggest", Summary: "Dispatch suggestion (智能派单): ranked categories and departments for a ticket's text",
		Description: "Trained on the city's closed and imported tickets (`hotline suggest train`, and periodically by serve). When the best " +
			"confidence is below the threshold the answer has `abstained: true` and no suggestions: a person must choose. 503 when no model was trained yet.",
		Tag: "search", Perm: access.CreateTicket, Request: suggestRequest{}, Response: suggestAnswer{}, auth: a.suggest})
	a.registerKBRoutes()
	a.registerDictionaryRoutes()
}

// textFail maps the kb package's errors, then the common ones.
func (a *api) textFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, kb.ErrForbidden):
		a.fail(w, r, errForbidden)
	case errors.Is(err, kb.ErrState):
		a.fail(w, r, &httpError{status: http.StatusConflict, msg: err.Error()})
	case errors.Is(err, kb.ErrNoModel):
		a.fail(w, r, &httpError{status: http.StatusServiceUnavailable, msg: err.Error()})
	default:
		a.fail(w, r, err)
	}
}
