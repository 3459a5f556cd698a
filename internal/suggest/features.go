package suggest

import (
	"math"
	"runtime"
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
				out[i] = tokenize(seg, ex[i].Subject, ex[i].Text)
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
	tf := make(map[int32]float64, len(ts))
	for _, t := range ts {
		if f, ok := vocab[t]; ok {
			tf[f]++
		}
	}
	v := vector{idx: make([]int32, 0, len(tf)), val: make([]float64, 0, len(tf))}
	for f := range tf {
		v.idx = append(v.idx, f)
	}
	sort.Slice(v.idx, func(i, j int) bool { return v.idx[i] < v.idx[j] })
	var norm float64
	for _, f := range v.idx {
		w := (1 + math.Log(tf[f])) * idf[f]
		v.val = append(v.val, w)
		norm += w * w
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for i := range v.val {
			v.val[i] /= norm
		}
	}
	return v
}

// buildVocab keeps terms occurring in at least minDF training tickets and computes their
// smoothed inverse document frequency. Term order is sorted so that indices, and hence the
// saved model, are deterministic.
func buildVocab(docs [][]string, minDF int) (terms []string, vocab map[string]int32, idf []float64) {
	df := make(map[string]int)
	seen := make(map[string]bool)
	for _, d := range docs {
		clear(seen)
		for _, t := range d {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	for t, n := range df {
		if n >= minDF {
			terms = append(terms, t)
		}
	}
	sort.Strings(terms)
	vocab = make(map[string]int32, len(terms))
	idf = make([]float64, len(terms))
	n := float64(len(docs))
	for i, t := range terms {
		vocab[t] = int32(i)
		idf[i] = math.Log((1+n)/(1+float64(df[t]))) + 1
	}
	return terms, vocab, idf
}
