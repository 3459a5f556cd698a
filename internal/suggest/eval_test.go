package suggest

import (
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hotline-dev/hotline/internal/textseg"
)

func seg(t testing.TB) *textseg.Segmenter {
	t.Helper()
	s, err := textseg.Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	complaintsOnce sync.Once
	complaints     []Example
	complaintsErr  error
)

// loadComplaints reads testdata/complaints-train.csv (see testdata/README.md).
func loadComplaints(t testing.TB) []Example {
	t.Helper()
	complaintsOnce.Do(func() {
		f, err := os.Open("testdata/complaints-train.csv")
		if err != nil {
			complaintsErr = err
			return
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			complaintsErr = err
			return
		}
		if strings.Join(rows[0], ",") != "id,subject,time,text,category" {
			complaintsErr = fmt.Errorf("unexpected header %q", rows[0])
			return
		}
		for _, r := range rows[1:] {
			complaints = append(complaints, Example{Subject: r[1], Text: r[3], CategoryID: r[4]})
		}
	})
	if complaintsErr != nil {
		t.Fatal(complaintsErr)
	}
	return complaints
}

// optionGrid is the small search space tried by cross-validation on the training part.
func optionGrid() []Options {
	var grid []Options
	for _, alpha := range []float64{0.01, 0.1, 0.3, 1} {
		for _, bigrams := range []bool{false, true} {
			for _, prior := range []bool{false, true} {
				for _, sw := range []int{1, 2, 3} {
					for _, complement := range []bool{false, true} {
						o := DefaultOptions()
						o.Alpha, o.Bigrams, o.Prior, o.SubjectWeight, o.Complement = alpha, bigrams, prior, sw, complement
						grid = append(grid, o)
					}
				}
			}
		}
	}
	return grid
}

// TestHeldOutMacroF1 measures the classifier honestly on the reference data: a fixed,
// seeded, stratified 80/20 split; options are chosen by 5-fold cross-validation inside
// the 80 % only; the 20 % is scored once, by the chosen options.
//
//	go test ./internal/suggest -run TestHeldOutMacroF1 -v
func TestHeldOutMacroF1(t *testing.T) {
	s := seg(t)
	all := loadComplaints(t)
	trainIdx, testIdx := StratifiedSplit(categoryLabels(all), 0.2, 20261121)
	train, test := pick(all, trainIdx), pick(all, testIdx)

	type scored struct {
		opt Options
		cv  Metrics
	}
	var results []scored
	tks := tokenizeAll(s, train)
	for _, o := range optionGrid() {
		results = append(results, scored{o, crossValidate(tks, train, o, 5, 7)})
	}
	// Best CV macro-F1; ties go to the earlier (simpler) grid entry.
	sort.SliceStable(results, func(i, j int) bool { return results[i].cv.MacroF1 > results[j].cv.MacroF1 })
	for _, r := range results[:5] {
		t.Logf("  CV macro-F1 %.3f  %+v", r.cv.MacroF1, r.opt)
	}
	best := results[0]
	t.Logf("train %d, held-out %d; best of %d option sets by 5-fold CV on train: %+v (CV macro-F1 %.3f, accuracy %.3f)",
		len(train), len(test), len(results), best.opt, best.cv.MacroF1, best.cv.Accuracy)
	def := DefaultOptions()
	for _, r := range results {
		if r.opt == def {
			t.Logf("DefaultOptions CV macro-F1 %.3f", r.cv.MacroF1)
		}
	}

	m, err := Train(s, train, best.opt)
	if err != nil {
		t.Fatal(err)
	}
	sg := &Suggester{Model: m, Seg: s}
	gold := categoryLabels(test)
	got := sg.Evaluate(test)
	t.Logf("HELD-OUT: macro-F1 %.3f, accuracy %.3f (n=%d), calibration temperature %.3f", got.MacroF1, got.Accuracy, got.N, m.CatTemp)
	classes := make([]string, 0, len(got.PerClass))
	for c := range got.PerClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		cm := got.PerClass[c]
		t.Logf("  %-8s support %2d  P %.2f  R %.2f  F1 %.2f", c, cm.Support, cm.Precision, cm.Recall, cm.F1)
	}

	// Coverage and accuracy of the suggestions that are not abstained.
	answered, right := 0, 0
	var confSum float64
	for _, e := range test {
		r := sg.Suggest(Input{Subject: e.Subject, Text: e.Text})
		confSum += r.TopConfidence
		if !r.Abstained {
			answered++
			if r.Suggestions[0].CategoryID == e.CategoryID {
				right++
			}
		}
	}
	t.Logf("threshold %.2f: answered %d/%d, of which correct %d (%.3f)", DefaultThreshold, answered, len(test), right,
		float64(right)/float64(max(answered, 1)))
	t.Logf("calibration: mean top confidence %.3f against accuracy %.3f", confSum/float64(len(test)), got.Accuracy)

	// A majority-class guess scores 1/7 of its own F1; a working model must be far above.
	majority := make([]string, len(gold))
	for i := range majority {
		majority[i] = "劳动和社会保障"
	}
	base := Evaluate(gold, majority)
	t.Logf("majority-class baseline: macro-F1 %.3f, accuracy %.3f", base.MacroF1, base.Accuracy)
	if got.MacroF1 < 0.6 || got.MacroF1 < base.MacroF1+0.4 {
		t.Errorf("held-out macro-F1 %.3f too low (baseline %.3f)", got.MacroF1, base.MacroF1)
	}
}
