package httpapi

import (
	"net/http"

	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store"
)

type dictWordInput struct {
	Word      string  `json:"word" doc:"2–20 letters or digits, e.g. 柳荫湾社区"`
	Frequency float64 `json:"frequency,omitempty" doc:"weight against splitting the word; 0 = default (2000)"`
	Pos       string  `json:"pos,omitempty" doc:"part of speech: ns place, nt organisation, n noun…"`
}

// dictEdit answers an edit: the word, and the re-index it started.
type dictEdit struct {
	Word    store.DictWord  `json:"word"`
	BuiltIn bool            `json:"built_in,omitempty" doc:"removed from the city dictionary but still a word of the built-in dictionaries"`
	Reindex kb.ReindexState `json:"reindex"`
}

func (a *api) addDictionaryWord(w http.ResponseWriter, r *http.Request, c *caller) {
	var in dictWordInput
	if err := decode(w, r, &in, false); err != nil {
		a.fail(w, r, err)
		return
	}
	word, err := kb.AddWord(r.Context(), a.st, c.Principal, store.DictWord{Word: in.Word, Frequency: in.Frequency, Pos: in.Pos})
	if err != nil {
		a.dictFail(w, r, err)
		return
	}
	rs, err := kb.RequestReindex(r.Context(), a.st, c.Principal, a.log)
	if err != nil {
		a.dictFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, dictEdit{Word: *word, Reindex: rs})
}
