package suggest

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/hotline-dev/hotline/internal/textseg"
)

// tokenized is a ticket's search-mode tokens, segmented once and reused for every option
// set tried by cross-validation.
type tokenized struct{ subject, text []string }

// terms returns the feature terms of one ticket: search-mode tokens of subject and text
// (unigrams) and, if enabled, pairs of adjacent tokens (bigrams, joined by a space, which
// no token contains). Subject terms are counted subjectWeight times: the subject is short
// and usually names the matter.
func terms(tk tokenized, opt Options) []string {
	var out []string
	add := func(toks []string, times int) {
		for k := 0; k < times; k++ {
			out = append(out, toks...)
			if opt.Bigrams {
				for i := 1; i < len(toks); i++ {
					out = append(out, toks[i-1]+" "+toks[i])
				}
			}
		}
	}
	add(tk.subject, max(opt.SubjectWeight, 1))
	add(tk.text, 1)
	return out
}

func tokenize(seg *textseg.Segmenter, subject, text string) tokenized {
	return tokenized{seg.Tokens(subject), seg.Tokens(text)}
}

// tokenizeAll segments many tickets on all cores; the result does not depend on scheduling.
func tokenizeAll(seg *textseg.Segmenter, ex []Example) []tokenized {
	out := make([]tokenized, len(ex))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	next := make(chan int, 256)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				e := &ex[i]
				if e.SubjectTokens != nil || e.TextTokens != nil {
					out[i] = tokenized{e.SubjectTokens, e.TextTokens}
				} else {
					out[i] = tokenize(seg, e.Subject, e.Text)
				}
			}
		}()
	}
	for i := range ex {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func termsAll(tks []tokenized, opt Options) [][]string {
	out := make([][]string, len(tks))
	for i, tk := range tks {
		out[i] = terms(tk, opt)
	}
	return out
}

// vector is a sparse feature vector sorted by feature index.
type vector struct {
	idx []int32
	val []float64
}

// vectorize weights term counts as (1+ln tf)·idf and scales the vector to unit L2 length
// (the TF-IDF transforms of Rennie et al. 2003 that make naive Bayes competitive on text).
// Terms outside the vocabulary are dropped.
func vectorize(ts []string, vocab map[string]int32, idf []float64) vector {
	ids := make([]int32, 0, len(ts))
	for _, t := range ts {
		if f, ok := vocab[t]; ok {
			ids = append(ids, f)
		}
	}
	return vectorizeIDs(ids, idf)
}

// vectorizeIDs is vectorize on vocabulary indices; it sorts ids in place.
func vectorizeIDs(ids []int32, idf []float64) vector {
	slices.Sort(ids)
	v := vector{idx: make([]int32, 0, len(ids)), val: make([]float64, 0, len(ids))}
	var norm float64
	for i := 0; i < len(ids); {
		j := i
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		w := (1 + math.Log(float64(j-i))) * idf[ids[i]]
		v.idx = append(v.idx, ids[i])
		v.val = append(v.val, w)
		norm += w * w
		i = j
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for i := range v.val {
			v.val[i] /= norm
		}
	}
	return v
}

// corpus is a set of tickets with their terms interned as integers, so that training and
// cross-validation folds count with arrays instead of string maps.
type corpus struct {
	names []string  // term of each id
	docs  [][]int32 // term ids of each ticket
}

func intern(docs [][]string) corpus {
	ids := make(map[string]int32)
	c := corpus{docs: make([][]int32, len(docs))}
	for d, doc := range docs {
		row := make([]int32, len(doc))
		for k, t := range doc {
			id, ok := ids[t]
			if !ok {
				id = int32(len(c.names))
				ids[t] = id
				c.names = append(c.names, t)
			}
			row[k] = id
		}
		c.docs[d] = row
	}
	return c
}

// subset is the corpus of the tickets idx, sharing the term names.
func (c corpus) subset(idx []int) corpus {
	s := corpus{names: c.names, docs: make([][]int32, len(idx))}
	for k, i := range idx {
		s.docs[k] = c.docs[i]
	}
	return s
}

// vocabulary maps corpus term ids to model vocabulary ids.
type vocabulary struct {
	terms []string  // sorted; a model term's index is its id
	idf   []float64 // smoothed inverse document frequency of each term
	remap []int32   // corpus id → vocabulary id, -1 when dropped
}

// buildVocab keeps terms occurring in at least minDF tickets and computes their smoothed
// inverse document frequency. Terms are sorted so that indices, and hence the saved
// model, are deterministic.
func buildVocab(c corpus, minDF int) vocabulary {
	df := make([]int, len(c.names))
	last := make([]int, len(c.names))
	for i := range last {
		last[i] = -1
	}
	for d, doc := range c.docs {
		for _, id := range doc {
			if last[id] != d {
				last[id] = d
				df[id]++
			}
		}
	}
	var kept []int32
	for id, n := range df {
		if n >= minDF {
			kept = append(kept, int32(id))
		}
	}
	sort.Slice(kept, func(i, j int) bool { return c.names[kept[i]] < c.names[kept[j]] })
	v := vocabulary{terms: make([]string, len(kept)), idf: make([]float64, len(kept)), remap: make([]int32, len(c.names))}
	for i := range v.remap {
		v.remap[i] = -1
	}
	n := float64(len(c.docs))
	for i, id := range kept {
		v.terms[i] = c.names[id]
		v.remap[id] = int32(i)
		v.idf[i] = math.Log((1+n)/(1+float64(df[id]))) + 1
	}
	return v
}

// vector weights one corpus ticket by the vocabulary.
func (v vocabulary) vector(doc []int32) vector {
	ids := make([]int32, 0, len(doc))
	for _, id := range doc {
		if r := v.remap[id]; r >= 0 {
			ids = append(ids, r)
		}
	}
	return vectorizeIDs(ids, v.idf)
}
