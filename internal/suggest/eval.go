package suggest

import (
	"math/rand/v2"
	"sort"

	"github.com/hotline-dev/hotline/internal/textseg"
)

// Metrics measure predictions against gold labels.
type Metrics struct {
	N        int
	Accuracy float64
	// MacroF1 is the unweighted mean of per-class F1 over the classes present in gold or
	// predictions, so that small categories count as much as large ones.
	MacroF1  float64
	PerClass map[string]ClassMetrics
}

// ClassMetrics are one class's figures.
type ClassMetrics struct {
	Support               int
	Precision, Recall, F1 float64
}

// Evaluate compares predicted with gold labels (same length).
func Evaluate(gold, predicted []string) Metrics {
	m := Metrics{N: len(gold), PerClass: map[string]ClassMetrics{}}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	classes := map[string]bool{}
	correct := 0
	for i, g := range gold {
		p := predicted[i]
		classes[g], classes[p] = true, true
		if g == p {
			correct++
			tp[g]++
		} else {
			fp[p]++
			fn[g]++
		}
	}
	if m.N == 0 {
		return m
	}
	m.Accuracy = float64(correct) / float64(m.N)
	var sum float64
	for c := range classes {
		cm := ClassMetrics{Support: tp[c] + fn[c]}
		if d := tp[c] + fp[c]; d > 0 {
			cm.Precision = float64(tp[c]) / float64(d)
		}
		if d := tp[c] + fn[c]; d > 0 {
			cm.Recall = float64(tp[c]) / float64(d)
		}
		if cm.Precision+cm.Recall > 0 {
			cm.F1 = 2 * cm.Precision * cm.Recall / (cm.Precision + cm.Recall)
		}
		m.PerClass[c] = cm
		sum += cm.F1
	}
	m.MacroF1 = sum / float64(len(classes))
	return m
}

// StratifiedSplit splits example indices into train and test so that each label keeps its
// share in both (at least one test example per label with two or more examples). The
// split depends only on labels, testFraction and seed.
func StratifiedSplit(labels []string, testFraction float64, seed uint64) (train, test []int) {
	for _, idx := range shuffledByLabel(labels, seed) {
		n := int(float64(len(idx))*testFraction + 0.5)
		if n == 0 && len(idx) >= 2 {
			n = 1
		}
		test = append(test, idx[:n]...)
		train = append(train, idx[n:]...)
	}
	sort.Ints(train)
	sort.Ints(test)
	return train, test
}

// StratifiedFolds deals example indices into k folds, label by label, round-robin.
func StratifiedFolds(labels []string, k int, seed uint64) [][]int {
	folds := make([][]int, k)
	j := 0
	for _, idx := range shuffledByLabel(labels, seed) {
		for _, i := range idx {
			folds[j%k] = append(folds[j%k], i)
			j++
		}
	}
	for _, f := range folds {
		sort.Ints(f)
	}
	return folds
}

// shuffledByLabel groups indices by label (labels sorted) and shuffles each group with a
// seeded PCG, so the result is the same on every machine and Go version.
func shuffledByLabel(labels []string, seed uint64) [][]int {
	groups := map[string][]int{}
	for i, l := range labels {
		groups[l] = append(groups[l], i)
	}
	keys := make([]string, 0, len(groups))
	for l := range groups {
		keys = append(keys, l)
	}
	sort.Strings(keys)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([][]int, 0, len(keys))
	for _, l := range keys {
		idx := groups[l]
		r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		out = append(out, idx)
	}
	return out
}

// CrossValidate trains on k-1 folds and predicts the k-th, k times, and evaluates all
// out-of-fold predictions together. Use it to choose Options on a training set.
func CrossValidate(seg *textseg.Segmenter, ex []Example, opt Options, k int, seed uint64) Metrics {
	return crossValidate(tokenizeAll(seg, ex), ex, opt, k, seed)
}

func crossValidate(tks []tokenized, ex []Example, opt Options, k int, seed uint64) Metrics {
	c := intern(termsAll(tks, opt))
	folds := StratifiedFolds(categoryLabels(ex), k, seed)
	inner := opt
	inner.CalibrationFolds = 0 // calibration does not change the top category
	gold := make([]string, 0, len(ex))
	pred := make([]string, 0, len(ex))
	for f, test := range folds {
		var train []int
		for j, g := range folds {
			if j != f {
				train = append(train, g...)
			}
		}
		m, voc := trainCorpusVocab(pick(ex, train), c.subset(train), inner)
		scores := make([]float64, len(m.Categories))
		for _, i := range test {
			m.Category.scores(voc.vector(c.docs[i]), opt.Prior, scores)
			gold = append(gold, ex[i].CategoryID)
			pred = append(pred, m.Categories[ranked(scores)[0]].ID)
		}
	}
	return Evaluate(gold, pred)
}

// pick returns the examples at idx.
func pick(ex []Example, idx []int) []Example {
	out := make([]Example, len(idx))
	for i, j := range idx {
		out[i] = ex[j]
	}
	return out
}

// Evaluate predicts the top category of each labelled example (ignoring the threshold)
// and compares it with the label: the figure `hotline suggest train` can print for a
// held-aside set.
func (s *Suggester) Evaluate(ex []Example) Metrics {
	return Evaluate(categoryLabels(ex), s.Predict(ex))
}
