package textseg

import (
	"math"
	"strings"
)

// BM25 parameters of RankWindow.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// RankWindow scores candidate documents for the query with BM25F computed over the
// candidates themselves. Each document is its fields' stored tokens (IndexText output),
// weights give each field's weight (subject above address above body).
//
// Statistics come from the window, not the whole index: a term's document frequency is the
// number of candidates having it, the average length is the candidates'. So ranking costs
// only the window (the newest matches, docs/text-search.md), however common the words are:
// the databases' own BM25 / ts_rank_cd need the frequency of each term over every match,
// which is what made 问题 slow at 1 M tickets. In an all-words query every candidate has
// every term, so idf is equal and the order comes from how often and where (subject,
// address, body) the words occur, relative to length; in the any-word fallback rarer words
// weigh more. A term matched only through its parts (执法局 as 执法 · 局) counts half.
//
// The same tokens give the same scores on SQLite and PostgreSQL.
func (q Query) RankWindow(docs [][]string, weights []float64) []float64 {
	scores := make([]float64, len(docs))
	if len(docs) == 0 || len(q) == 0 {
		return scores
	}
	// Every query word and part gets a slot; counts[d][slot] is its weighted frequency.
	slot := map[string]int{}
	add := func(w string) {
		if _, ok := slot[w]; !ok {
			slot[w] = len(slot)
		}
	}
	for _, t := range q {
		add(t.Word)
		for _, p := range t.Parts {
			add(p)
		}
	}
	counts := make([][]float64, len(docs))
	lens := make([]float64, len(docs))
	total := 0.0
	for d, fields := range docs {
		c := make([]float64, len(slot))
		for f, text := range fields {
			w := 1.0
			if f < len(weights) {
				w = weights[f]
			}
			n := 0
			for tok := range strings.FieldsSeq(text) {
				n++
				if i, ok := slot[tok]; ok {
					c[i] += w
				}
			}
			lens[d] += w * float64(n)
		}
		counts[d] = c
		total += lens[d]
	}
	avg := total / float64(len(docs))
	if avg == 0 {
		avg = 1
	}
	tf := make([][]float64, len(q)) // tf[term][doc]
	for ti, t := range q {
		tf[ti] = make([]float64, len(docs))
		for d := range docs {
			v := counts[d][slot[t.Word]]
			if v == 0 && len(t.Parts) > 0 {
				m := math.Inf(1)
				for _, p := range t.Parts {
					m = min(m, counts[d][slot[p]])
				}
				v = m / 2
			}
			tf[ti][d] = v
		}
	}
	n := float64(len(docs))
	for ti := range q {
		df := 0.0
		for d := range docs {
			if tf[ti][d] > 0 {
				df++
			}
		}
		if df == 0 {
			continue
		}
		idf := math.Log(1 + n/df)
		for d := range docs {
			if v := tf[ti][d]; v > 0 {
				scores[d] += idf * v * (bm25K1 + 1) / (v + bm25K1*(1-bm25B+bm25B*lens[d]/avg))
			}
		}
	}
	return scores
}
