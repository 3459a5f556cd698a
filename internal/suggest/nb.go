package suggest

import "math"

// NaiveBayes is a multinomial naive Bayes classifier over TF-IDF vectors. Parameters are
// stored sparsely: a class's log-probability for a term it never saw is Base[c], and
// Postings hold the correction for (term, class) pairs seen in training, so the model size
// grows with the data, not with terms × classes (the category tree has hundreds of leaves).
type NaiveBayes struct {
	Labels []string
	Prior  []float64 // log P(class)
	Base   []float64 // log(α / (T_c + α·V)) per class
	// Postings[f] lists the classes that saw term f with Delta = log((n_fc+α)/α).
	Postings [][]Posting
}

// Posting is one (class, weight correction) pair of a term.
type Posting struct {
	Class int32
	Delta float32
}

// trainNB fits the classifier; y[i] is the label index of vecs[i], or -1 to skip it.
// With complement set it fits complement naive Bayes (Rennie et al. 2003): each class is
// scored by how unlike the other classes the text is, which is steadier when classes have
// very different sizes. Both share the sparse form score_c = L1(x)·Base[c] + Σ x_f·Delta_fc
// (+ prior), with Delta = 0 for unseen (term, class) pairs.
func trainNB(vecs []vector, y []int, labels []string, nTerms int, alpha float64, complement bool) *NaiveBayes {
	m := &NaiveBayes{
		Labels:   labels,
		Prior:    make([]float64, len(labels)),
		Base:     make([]float64, len(labels)),
		Postings: make([][]Posting, nTerms),
	}
	byClass := make([][]int, len(labels))
	total := 0
	for i, c := range y {
		if c >= 0 {
			byClass[c] = append(byClass[c], i)
			total++
		}
	}
	// termTotal[f] and grand are the weights of every term over all classes (complement).
	var termTotal []float64
	var grand float64
	if complement {
		termTotal = make([]float64, nTerms)
		for _, docs := range byClass {
			for _, i := range docs {
				v := vecs[i]
				for k, f := range v.idx {
					termTotal[f] += v.val[k]
					grand += v.val[k]
				}
			}
		}
	}
	v := float64(nTerms)
	acc := make([]float64, nTerms)
	var touched []int32
	for c, docs := range byClass {
		// Add-one smoothing on the prior keeps classes seen once from vanishing.
		m.Prior[c] = math.Log(float64(len(docs)+1) / float64(total+len(labels)))
		var sum float64
		touched = touched[:0]
		for _, i := range docs {
			v := vecs[i]
			for k, f := range v.idx {
				if acc[f] == 0 {
					touched = append(touched, f)
				}
				acc[f] += v.val[k]
				sum += v.val[k]
			}
		}
		if complement {
			// -log θ̃_fc = log(N~c + αV) - log(n~fc + α); the class-independent part
			// -log(total_f + α) is dropped, leaving a correction only where c saw f.
			m.Base[c] = math.Log(grand - sum + alpha*v)
		} else {
			m.Base[c] = math.Log(alpha / (sum + alpha*v))
		}
		for _, f := range touched {
			if acc[f] > 0 {
				var d float64
				if complement {
					d = math.Log((termTotal[f] + alpha) / (termTotal[f] - acc[f] + alpha))
				} else {
					d = math.Log((acc[f] + alpha) / alpha)
				}
				m.Postings[f] = append(m.Postings[f], Posting{Class: int32(c), Delta: float32(d)})
			}
			acc[f] = 0
		}
	}
	return m
}

// scores writes the log joint score of every class for v into out (len(Labels)).
func (m *NaiveBayes) scores(v vector, usePrior bool, out []float64) {
	var l1 float64
	for _, x := range v.val {
		l1 += x
	}
	for c := range out {
		out[c] = l1 * m.Base[c]
		if usePrior {
			out[c] += m.Prior[c]
		}
	}
	for k, f := range v.idx {
		if int(f) >= len(m.Postings) {
			continue
		}
		x := v.val[k]
		for _, p := range m.Postings[f] {
			out[p.Class] += x * float64(p.Delta)
		}
	}
}

// softmax turns scores into probabilities at temperature t, in place.
func softmax(s []float64, t float64) {
	if len(s) == 0 {
		return
	}
	if t <= 0 {
		t = 1
	}
	mx := math.Inf(-1)
	for _, x := range s {
		mx = max(mx, x)
	}
	var z float64
	for i, x := range s {
		s[i] = math.Exp((x - mx) / t)
		z += s[i]
	}
	for i := range s {
		s[i] /= z
	}
}

// fitTemperature picks the softmax temperature minimising the negative log-likelihood of
// the true labels over held-out scores. The NLL is convex in 1/T, so a golden-section
// search over 1/T finds it deterministically. To stay fast with thousands of classes and
// 100 k tickets it uses at most calibrationSample tickets (evenly spaced) and, per ticket,
// the calibrationTop best classes plus the true one: classes further down carry no
// probability mass at any temperature the search visits.
func fitTemperature(scores [][]float64, y []int) float64 {
	type row struct {
		s    []float64 // kept scores; s[0] is the true class
		best float64
	}
	step := max(1, len(scores)/calibrationSample)
	var rows []row
	for i := 0; i < len(scores); i += step {
		if y[i] < 0 {
			continue
		}
		s := scores[i]
		kept := []float64{s[y[i]]}
		order := ranked(s)
		for _, c := range order[:min(calibrationTop, len(order))] {
			if c != y[i] {
				kept = append(kept, s[c])
			}
		}
		rows = append(rows, row{kept, s[order[0]]})
	}
	if len(rows) == 0 {
		return 1
	}
	nll := func(beta float64) float64 {
		var total float64
		for _, r := range rows {
			var z float64
			for _, x := range r.s {
				z += math.Exp(beta * (x - r.best))
			}
			total += math.Log(z) - beta*(r.s[0]-r.best)
		}
		return total
	}
	lo, hi := 0.01, 100.0
	const phi = 0.6180339887498949
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := nll(a), nll(b)
	for k := 0; k < 60 && hi-lo > 1e-3; k++ {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = nll(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = nll(b)
		}
	}
	return 1 / ((lo + hi) / 2)
}

const (
	calibrationSample = 5000
	calibrationTop    = 64
)
