// Package suggest is dispatch suggestion (智能派单): a classifier trained on the city's own
// closed tickets proposes the category and the department of a new ticket with a
// confidence, explicit rules (category × region → department) override the department
// when they match, and below a confidence threshold it abstains instead of guessing.
//
// The classifier is naive Bayes (complement by default, multinomial as an option) over
// TF-IDF weighted words (optionally word bigrams), with softmax temperatures fitted by
// cross-validation on the training set so that confidences behave like probabilities. It is pure Go and deterministic: the same tickets
// and options give the same model, byte for byte.
package suggest

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"

	"github.com/hotline-dev/hotline/internal/textseg"
)

// Example is one labelled ticket for training or evaluation.
type Example struct {
	Subject string
	Text    string
	// CategoryID is the ticket's (leaf) category; CategoryPath its names from the root
	// (["城乡建设", "市容环卫", "占道经营"]); CategoryIDPath its IDs from the root, used to match
	// rules on parent categories (nil means [CategoryID]).
	CategoryID     string
	CategoryPath   []string
	CategoryIDPath []string
	// DepartmentID is the department that handled it; empty if unknown.
	DepartmentID string
	// SubjectTokens and TextTokens, when not nil, are the search-mode tokens
	// (textseg.Segmenter.Tokens) of Subject and Text, e.g. kept with the search index;
	// training then skips segmentation, which is most of its cost.
	SubjectTokens, TextTokens []string
}

// Category describes a class the model can predict.
type Category struct {
	ID     string
	Path   []string
	IDPath []string
}

// Options control training. The zero value is not useful; start from DefaultOptions.
type Options struct {
	Alpha            float64 // additive smoothing of term counts
	Bigrams          bool    // add adjacent-token pairs as features
	SubjectWeight    int     // times the subject's terms are counted
	MinDF            int     // drop terms seen in fewer training tickets
	Prior            bool    // include the class prior (favours frequent categories)
	Complement       bool    // complement naive Bayes instead of multinomial
	CalibrationFolds int     // k-fold CV on the training set to fit confidence; 0 disables
	Seed             uint64  // for the calibration folds
}

// DefaultOptions are the settings chosen by cross-validation on the training part of the
// reference data (see TestHeldOutMacroF1), never on its held-out part.
func DefaultOptions() Options {
	return Options{Alpha: 0.3, Bigrams: false, SubjectWeight: 1, MinDF: 2, Prior: false, Complement: true, CalibrationFolds: 3, Seed: 1}
}

// Model is a trained dispatch model. Its fields are exported for encoding only.
type Model struct {
	Version    int
	Options    Options
	Terms      []string
	IDF        []float64
	Categories []Category // aligned with Category.Labels
	Category   *NaiveBayes
	CatTemp    float64
	// Department is nil when no training ticket had a department.
	Department *NaiveBayes
	DeptTemp   float64
	// CatDept[c] counts the departments that handled category c in training.
	CatDept   [][]Posting
	TrainedOn int

	once  sync.Once
	vocab map[string]int32
}

const modelVersion = 1

// ErrNoExamples is returned when there is nothing to train on.
var ErrNoExamples = errors.New("suggest: no labelled examples")

// Train fits a model. Tickets without a category are ignored. Segmentation runs on all
// cores; the model does not depend on how many.
func Train(seg *textseg.Segmenter, examples []Example, opt Options) (*Model, error) {
	var ex []Example
	for _, e := range examples {
		if e.CategoryID != "" {
			ex = append(ex, e)
		}
	}
	if len(ex) == 0 {
		return nil, ErrNoExamples
	}
	docs := termsAll(tokenizeAll(seg, ex), opt)
	return trainCorpus(ex, intern(docs), opt), nil
}

// trainCorpus trains on already segmented and interned tickets (cross-validation does
// both once for all folds).
func trainCorpus(ex []Example, c corpus, opt Options) *Model {
	m, _ := trainCorpusVocab(ex, c, opt)
	return m
}

// trainCorpusVocab also returns the vocabulary, to vectorize other tickets of the corpus.
func trainCorpusVocab(ex []Example, c corpus, opt Options) (*Model, vocabulary) {
	m := &Model{Version: modelVersion, Options: opt, TrainedOn: len(ex)}
	voc := buildVocab(c, max(opt.MinDF, 1))
	m.Terms, m.IDF = voc.terms, voc.idf
	vecs := make([]vector, len(c.docs))
	for i, d := range c.docs {
		vecs[i] = voc.vector(d)
	}

	catIdx, cats := labelIndex(ex, func(e Example) string { return e.CategoryID })
	for _, id := range cats {
		m.Categories = append(m.Categories, Category{ID: id})
	}
	for i, e := range ex {
		c := &m.Categories[catIdx[i]]
		if c.Path == nil && len(e.CategoryPath) > 0 {
			c.Path = e.CategoryPath
		}
		if c.IDPath == nil && len(e.CategoryIDPath) > 0 {
			c.IDPath = e.CategoryIDPath
		}
	}
	for i := range m.Categories {
		c := &m.Categories[i]
		if c.Path == nil {
			c.Path = []string{c.ID}
		}
		if c.IDPath == nil {
			c.IDPath = []string{c.ID}
		}
	}
	m.Category = trainNB(vecs, catIdx, cats, len(m.Terms), opt.Alpha, opt.Complement)
	m.CatTemp = 1

	deptIdx, depts := labelIndex(ex, func(e Example) string { return e.DepartmentID })
	if len(depts) > 0 {
		m.Department = trainNB(vecs, deptIdx, depts, len(m.Terms), opt.Alpha, opt.Complement)
		m.DeptTemp = 1
		m.CatDept = make([][]Posting, len(cats))
		counts := map[[2]int]int{}
		for i := range ex {
			if deptIdx[i] >= 0 {
				counts[[2]int{catIdx[i], deptIdx[i]}]++
			}
		}
		keys := make([][2]int, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
		})
		for _, k := range keys {
			m.CatDept[k[0]] = append(m.CatDept[k[0]], Posting{Class: int32(k[1]), Delta: float32(counts[k])})
		}
	}

	if opt.CalibrationFolds >= 2 && len(ex) >= 2*opt.CalibrationFolds {
		m.CatTemp, m.DeptTemp = calibrate(ex, vecs, catIdx, deptIdx, cats, depts, len(m.Terms), opt)
	}
	return m, voc
}

// labelIndex maps each example's label to a dense index (sorted labels; -1 for empty).
func labelIndex(ex []Example, label func(Example) string) ([]int, []string) {
	set := map[string]bool{}
	for _, e := range ex {
		if l := label(e); l != "" {
			set[l] = true
		}
	}
	labels := make([]string, 0, len(set))
	for l := range set {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	pos := make(map[string]int, len(labels))
	for i, l := range labels {
		pos[l] = i
	}
	idx := make([]int, len(ex))
	for i, e := range ex {
		if l := label(e); l != "" {
			idx[i] = pos[l]
		} else {
			idx[i] = -1
		}
	}
	return idx, labels
}

// calibrate fits the softmax temperatures on out-of-fold scores: each fold is scored by
// naive Bayes fitted on the other folds. The folds share the full vocabulary and IDF (both
// unsupervised), so only the cheap counting is repeated. At most calibrationSample tickets,
// evenly spaced, are scored: enough to fit one number.
func calibrate(ex []Example, vecs []vector, catIdx, deptIdx []int, cats, depts []string, nTerms int, opt Options) (catT, deptT float64) {
	k := opt.CalibrationFolds
	folds := StratifiedFolds(categoryLabels(ex), k, opt.Seed)
	fold := make([]int, len(ex))
	for f, idx := range folds {
		for _, i := range idx {
			fold[i] = f
		}
	}
	step := max(1, len(ex)/calibrationSample)
	var cs, ds [][]float64
	var cy, dy []int
	masked := make([]int, len(ex))
	for f := 0; f < k; f++ {
		mask := func(y []int) []int {
			for i := range y {
				masked[i] = y[i]
				if fold[i] == f {
					masked[i] = -1
				}
			}
			return masked
		}
		catNB := trainNB(vecs, mask(catIdx), cats, nTerms, opt.Alpha, opt.Complement)
		var deptNB *NaiveBayes
		if len(depts) > 0 {
			deptNB = trainNB(vecs, mask(deptIdx), depts, nTerms, opt.Alpha, opt.Complement)
		}
		for i := 0; i < len(ex); i += step {
			if fold[i] != f {
				continue
			}
			sc := make([]float64, len(cats))
			catNB.scores(vecs[i], opt.Prior, sc)
			cs, cy = append(cs, sc), append(cy, catIdx[i])
			if deptNB != nil && deptIdx[i] >= 0 {
				sd := make([]float64, len(depts))
				deptNB.scores(vecs[i], opt.Prior, sd)
				ds, dy = append(ds, sd), append(dy, deptIdx[i])
			}
		}
	}
	catT, deptT = 1, 1
	if len(cs) > 0 {
		catT = fitTemperature(cs, cy)
	}
	if len(ds) > 0 {
		deptT = fitTemperature(ds, dy)
	}
	return catT, deptT
}

func categoryLabels(ex []Example) []string {
	out := make([]string, len(ex))
	for i, e := range ex {
		out[i] = e.CategoryID
	}
	return out
}

// Save writes the model with encoding/gob (e.g. into a database blob).
func (m *Model) Save(w io.Writer) error {
	return gob.NewEncoder(w).Encode(m)
}

// Load reads a model written by Save.
func Load(r io.Reader) (*Model, error) {
	var m Model
	if err := gob.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("suggest: decode model: %w", err)
	}
	if m.Version != modelVersion {
		return nil, fmt.Errorf("suggest: model version %d, want %d; retrain", m.Version, modelVersion)
	}
	if m.Category == nil || len(m.Categories) != len(m.Category.Labels) || len(m.IDF) != len(m.Terms) {
		return nil, errors.New("suggest: model is inconsistent; retrain")
	}
	return &m, nil
}

func (m *Model) vocabulary() map[string]int32 {
	m.once.Do(func() {
		m.vocab = make(map[string]int32, len(m.Terms))
		for i, t := range m.Terms {
			m.vocab[t] = int32(i)
		}
	})
	return m.vocab
}

// Input is what is known about a new ticket.
type Input struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	// Address is not read by the model (the reference data has none to learn from); the
	// caller resolves it, or the map point, to RegionPath for the rules.
	Address string `json:"address,omitempty"`
	// RegionPath is the IDs of the ticket's region from the city down; used by rules only.
	RegionPath []string `json:"-"`
}

// Suggestion is one proposed category with its department.
type Suggestion struct {
	CategoryID   string   `json:"category_id"`
	CategoryPath []string `json:"category_path"`
	DepartmentID string   `json:"department_id,omitempty"`
	// Confidence is the model's probability for the category, 0..1.
	Confidence float64 `json:"confidence"`
	// DepartmentSource is "rule" when an explicit rule chose the department (RuleID says
	// which), "model" when the classifier did.
	DepartmentSource     string  `json:"department_source,omitempty"`
	RuleID               string  `json:"rule_id,omitempty"`
	DepartmentConfidence float64 `json:"department_confidence,omitempty"`
}

// Result is the answer to one suggestion request.
type Result struct {
	// Suggestions are ranked by confidence; empty when the suggester abstains.
	Suggestions []Suggestion `json:"suggestions"`
	// Abstained is true when the best confidence was below the threshold: the model does
	// not know, and a person must choose.
	Abstained bool `json:"abstained"`
	// TopConfidence is the best category confidence, also when abstaining.
	TopConfidence float64 `json:"top_confidence"`
}

// Suggester answers suggestion requests with a model, a segmenter (the one the model was
// trained with) and rules. It is safe for concurrent use; replace it whole to swap models.
type Suggester struct {
	Model     *Model
	Seg       *textseg.Segmenter
	Rules     *Rules
	Threshold float64 // abstain when the top confidence is below; DefaultThreshold if 0
	Limit     int     // maximum suggestions; 3 if 0
}

// DefaultThreshold is the confidence below which the suggester abstains.
const DefaultThreshold = 0.4

// Suggest ranks categories and departments for a ticket.
func (s *Suggester) Suggest(in Input) Result {
	m := s.Model
	v := vectorize(terms(tokenize(s.Seg, in.Subject, in.Text), m.Options), m.vocabulary(), m.IDF)
	probs := make([]float64, len(m.Categories))
	m.Category.scores(v, m.Options.Prior, probs)
	softmax(probs, m.CatTemp)
	order := ranked(probs)

	threshold := s.Threshold
	if threshold == 0 {
		threshold = DefaultThreshold
	}
	limit := s.Limit
	if limit <= 0 {
		limit = 3
	}
	res := Result{TopConfidence: probs[order[0]]}
	if res.TopConfidence < threshold {
		res.Abstained = true
		return res
	}

	var deptProbs []float64
	if m.Department != nil {
		deptProbs = make([]float64, len(m.Department.Labels))
		m.Department.scores(v, m.Options.Prior, deptProbs)
		softmax(deptProbs, m.DeptTemp)
	}
	for _, c := range order[:min(limit, len(order))] {
		cat := m.Categories[c]
		sg := Suggestion{CategoryID: cat.ID, CategoryPath: cat.Path, Confidence: round(probs[c])}
		if r, ok := s.Rules.Match(cat.IDPath, in.RegionPath); ok {
			sg.DepartmentID, sg.DepartmentSource, sg.RuleID, sg.DepartmentConfidence = r.DepartmentID, "rule", r.ID, 1
		} else if deptProbs != nil {
			if d, p := m.departmentFor(c, deptProbs); d >= 0 {
				sg.DepartmentID, sg.DepartmentSource, sg.DepartmentConfidence = m.Department.Labels[d], "model", round(p)
			}
		}
		res.Suggestions = append(res.Suggestions, sg)
	}
	return res
}

// departmentFor combines what the text says (P(d|x)) with who handled the category
// before (P(d|c), smoothed) and returns the best department and its share.
func (m *Model) departmentFor(c int, deptProbs []float64) (int, float64) {
	const beta = 0.5
	var n float64
	for _, p := range m.CatDept[c] {
		n += float64(p.Delta)
	}
	joint := make([]float64, len(deptProbs))
	for d, p := range deptProbs {
		joint[d] = p * beta / (n + beta*float64(len(deptProbs)))
	}
	for _, p := range m.CatDept[c] {
		joint[p.Class] += deptProbs[p.Class] * float64(p.Delta) / (n + beta*float64(len(deptProbs)))
	}
	var z float64
	best := -1
	for d, j := range joint {
		z += j
		if best < 0 || j > joint[best] {
			best = d
		}
	}
	if best < 0 || z == 0 {
		return -1, 0
	}
	return best, joint[best] / z
}

// ranked returns class indices by descending probability, ties by index.
func ranked(p []float64) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	return idx
}

// round keeps four decimals so that JSON answers are stable and readable.
func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// Predict returns the top category of each example (for evaluation), ignoring the
// threshold.
func (s *Suggester) Predict(ex []Example) []string {
	out := make([]string, len(ex))
	m := s.Model
	scores := make([]float64, len(m.Categories))
	for i, e := range ex {
		v := vectorize(terms(tokenize(s.Seg, e.Subject, e.Text), m.Options), m.vocabulary(), m.IDF)
		m.Category.scores(v, m.Options.Prior, scores)
		out[i] = m.Categories[ranked(scores)[0]].ID
	}
	return out
}
