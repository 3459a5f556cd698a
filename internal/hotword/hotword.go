// Package hotword finds the hot words and phrases (热词) of a set of tickets — for a
// period, a category or a region — by how many tickets use them, and by how much more
// they are used than in a background period (lift), to spot surges (热点).
//
// Input is the precise-mode words of each ticket (textseg.Segmenter.Words: stop words and
// punctuation already removed), so the package itself is pure and has no dictionary.
package hotword

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Term is a word or phrase with its figures.
type Term struct {
	Text string `json:"text"`
	// Docs is the number of tickets using the term (a ticket counts once however often it
	// repeats a word, so one long complaint cannot make a hot word); Count is all uses.
	Docs  int `json:"docs"`
	Count int `json:"count"`
	// BackgroundDocs and Lift are set by Rising: Lift is the term's smoothed share of
	// tickets in the period divided by its share in the background.
	BackgroundDocs int     `json:"background_docs,omitempty"`
	Lift           float64 `json:"lift,omitempty"`
	// Score is what the list is ranked by: Docs for Top, Docs·ln(Lift) for Rising.
	Score float64 `json:"score"`
}

// Options tune the lists.
type Options struct {
	Limit     int             // number of terms returned; 0 = all
	MinDocs   int             // drop terms used by fewer tickets
	MinRunes  int             // drop shorter words (single characters are rarely telling)
	MaxPhrase int             // longest phrase in words (1 = words only)
	Stop      map[string]bool // more words to ignore, e.g. the category's own name
}

// DefaultOptions: top 20, used by at least 2 tickets, words of 2+ characters, phrases of
// up to 3 words.
func DefaultOptions() Options {
	return Options{Limit: 20, MinDocs: 2, MinRunes: 2, MaxPhrase: 3}
}

type stats struct{ docs, count int }

// count gathers per-term figures for a set of tickets.
func count(docs [][]string, opt Options) map[string]*stats {
	m := map[string]*stats{}
	seen := map[string]bool{}
	maxN := max(opt.MaxPhrase, 1)
	for _, words := range docs {
		clear(seen)
		for i := range words {
			for n := 1; n <= maxN && i+n <= len(words); n++ {
				if ignored(words[i+n-1], opt) {
					break // no phrase runs across an ignored word
				}
				gram := words[i : i+n]
				if n == 1 && utf8.RuneCountInString(gram[0]) < opt.MinRunes {
					continue // 乱 is no hot word, but 乱停车 may be a hot phrase
				}
				t := join(gram)
				st := m[t]
				if st == nil {
					st = &stats{}
					m[t] = st
				}
				st.count++
				if !seen[t] {
					seen[t] = true
					st.docs++
				}
			}
		}
	}
	return m
}

// ignored words never appear in a term: stop words and bare numbers.
func ignored(w string, opt Options) bool {
	return w == "" || opt.Stop[w] || isNumber(w)
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) && r != '.' {
			return false
		}
	}
	return true
}

// join writes a phrase as the citizen would: Chinese words run together, Latin words
// and numbers keep a space between them.
func join(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	var b strings.Builder
	for i, w := range words {
		if i > 0 && isLatinEnd(words[i-1]) && isLatinStart(w) {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

func isLatinEnd(w string) bool {
	r, _ := utf8.DecodeLastRuneInString(w)
	return r < 0x2E80
}

func isLatinStart(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return r < 0x2E80
}

// Top returns the terms used by the most tickets (at least MinDocs of them).
func Top(docs [][]string, opt Options) []Term {
	var out []Term
	for t, st := range count(docs, opt) {
		if st.docs >= max(opt.MinDocs, 1) {
			out = append(out, Term{Text: t, Docs: st.docs, Count: st.count, Score: float64(st.docs)})
		}
	}
	return finish(out, opt)
}

// Rising returns the terms whose share of tickets grew most from background to docs,
// weighted by how many tickets use them (Docs·ln Lift), so that a word used by 40 tickets
// at twice its usual rate ranks above one used by 2 tickets at five times. Shares are
// smoothed with half a ticket so that a term absent from the background has a finite
// lift. Terms whose share did not grow are left out.
func Rising(docs, background [][]string, opt Options) []Term {
	bg := count(background, opt)
	nT, nB := float64(len(docs)), float64(len(background))
	var out []Term
	for t, st := range count(docs, opt) {
		if st.docs < max(opt.MinDocs, 1) {
			continue
		}
		var b int
		if s := bg[t]; s != nil {
			b = s.docs
		}
		lift := ((float64(st.docs) + 0.5) / (nT + 1)) / ((float64(b) + 0.5) / (nB + 1))
		if lift <= 1 {
			continue
		}
		out = append(out, Term{Text: t, Docs: st.docs, Count: st.count, BackgroundDocs: b,
			Lift: math.Round(lift*1000) / 1000, Score: math.Round(float64(st.docs)*math.Log(lift)*1000) / 1000})
	}
	return finish(out, opt)
}

// finish ranks by score, then uses, then text, and applies the limit.
func finish(out []Term, opt Options) []Term {
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Text < b.Text
	})
	if opt.Limit > 0 && len(out) > opt.Limit {
		out = out[:opt.Limit]
	}
	return out
}
