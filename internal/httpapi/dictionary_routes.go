package httpapi

import (
	"errors"
	"net/http"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/kb"
)

const dictReindexNote = " Texts indexed before the edit keep the words they were segmented into: the edit starts a background " +
	"re-index of every ticket and knowledge article (one at a time per server; follow it with GET /api/v1/dictionary/reindex), " +
	"and `hotline search reindex` does the same from the command line. Until it is done, a search for the new word still " +
	"finds old texts through the word's parts (a word of three or more characters also matches its parts)."

// registerDictionaryRoutes adds the editable city dictionary (城市词典) of issue 5: the place
// names, department names and hotline terms search segments with.
func (a *api) registerDictionaryRoutes() {
	a.add(route{Method: "GET", Path: "/api/v1/dictionary", Summary: "Words of the city dictionary (城市词典), newest first",
		Description: "The operators' own words, learned by the segmenter on top of its general dictionary and the built-in city words.",
		Tag:         "search", Perm: access.ManageDictionary, Query: dictListParams, Response: dictPage{}, auth: a.listDictionary})
	a.add(route{Method: "POST", Path: "/api/v1/dictionary", Summary: "Add a word to the city dictionary",
		Description: "The running server learns it at once (other servers within a minute). 409 when the word is already there." + dictReindexNote,
		Tag:         "search", Perm: access.ManageDictionary, Request: dictWordInput{}, Response: dictEdit{}, Status: http.StatusCreated, auth: a.addDictionaryWord})
	a.add(route{Method: "DELETE", Path: "/api/v1/dictionary/{word}", Summary: "Remove a word from the city dictionary",
		Description: "The segmenter forgets it at once, unless its general dictionary or the built-in city words also have it: then " +
			"it stays a word (`built_in: true`). 404 when the word is not in the city dictionary." + dictReindexNote,
		Tag: "search", Perm: access.ManageDictionary, Response: dictEdit{}, auth: a.removeDictionaryWord})
	a.add(route{Method: "GET", Path: "/api/v1/dictionary/reindex", Summary: "Progress of the re-index after dictionary edits",
		Description: "`pending` counts tickets not yet segmented with the current dictionary version.",
		Tag:         "search", Perm: access.ManageDictionary, Response: kb.ReindexState{}, auth: a.reindexState})
	a.add(route{Method: "POST", Path: "/api/v1/dictionary/reindex", Summary: "Start a background re-index of tickets and articles",
		Description: "Re-segments every ticket whose words were made with another dictionary version, and every knowledge article. 202; " +
			"follow it with GET.", Tag: "search", Perm: access.ManageDictionary, Response: kb.ReindexState{}, Status: http.StatusAccepted, auth: a.startReindex})
}

// dictFail maps the dictionary's errors.
func (a *api) dictFail(w http.ResponseWriter, r *http.Request, err error) {
	var fe kb.FieldErrors
	switch {
	case errors.As(err, &fe):
		a.fail(w, r, badRequest("invalid dictionary word", fe))
	case errors.Is(err, kb.ErrWordExists):
		a.fail(w, r, &httpError{status: http.StatusConflict, msg: err.Error()})
	case errors.Is(err, kb.ErrWordMissing):
		a.fail(w, r, &httpError{status: http.StatusNotFound, msg: err.Error()})
	default:
		a.textFail(w, r, err)
	}
}
