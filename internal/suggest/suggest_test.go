package suggest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// small is a hand-made training set with categories on two levels and departments.
func small() []Example {
	var ex []Example
	add := func(catID string, idPath, path []string, dept string, texts ...string) {
		for _, t := range texts {
			ex = append(ex, Example{Subject: t, Text: t + "，请尽快处理。", CategoryID: catID, CategoryIDPath: idPath, CategoryPath: path, DepartmentID: dept})
		}
	}
	add("noise", []string{"env", "noise"}, []string{"环境保护", "噪声污染"}, "eco",
		"楼下烧烤店噪音扰民", "工地夜间施工噪音太大", "广场舞音响噪音扰民", "酒吧噪音扰民到凌晨", "装修噪音影响休息")
	add("parking", []string{"traffic", "parking"}, []string{"交通运输", "停车管理"}, "police",
		"小区门口乱停车", "停车场乱收停车费", "人行道上违规停车", "共享单车乱停乱放", "消防通道被车辆占用停车")
	add("wage", []string{"labour", "wage"}, []string{"劳动和社会保障", "劳动报酬"}, "hrss",
		"公司拖欠工资三个月", "工地老板拖欠农民工工资", "被辞退不给工资", "拖欠加班工资", "欠薪不还请求帮助")
	return ex
}

func TestSuggestRanksAndExplains(t *testing.T) {
	s := seg(t)
	m, err := Train(s, small(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	sg := &Suggester{Model: m, Seg: s, Threshold: 0.5, Rules: NewRules([]Rule{
		{ID: "r-a3-parking", CategoryID: "traffic", RegionID: "a3", DepartmentID: "a3-traffic-police"},
	})}
	for _, tc := range []struct {
		in         Input
		wantCat    string
		wantPath   []string
		wantDept   string
		wantSource string
	}{
		{Input{Subject: "烧烤店噪音", Text: "每天晚上噪音扰民"}, "noise", []string{"环境保护", "噪声污染"}, "eco", "model"},
		{Input{Subject: "乱停车", Text: "小区门口车辆乱停"}, "parking", []string{"交通运输", "停车管理"}, "police", "model"},
		{Input{Subject: "乱停车", Text: "小区门口车辆乱停", RegionPath: []string{"a", "a3"}}, "parking", nil, "a3-traffic-police", "rule"},
		{Input{Subject: "拖欠工资", Text: "老板拖欠我们工资"}, "wage", nil, "hrss", "model"},
	} {
		r := sg.Suggest(tc.in)
		if r.Abstained || len(r.Suggestions) == 0 {
			t.Errorf("%q: abstained (top %.3f)", tc.in.Subject, r.TopConfidence)
			continue
		}
		top := r.Suggestions[0]
		if top.CategoryID != tc.wantCat || top.DepartmentID != tc.wantDept || top.DepartmentSource != tc.wantSource {
			t.Errorf("%q: top = %+v, want %s/%s (%s)", tc.in.Subject, top, tc.wantCat, tc.wantDept, tc.wantSource)
		}
		if tc.wantPath != nil && !reflect.DeepEqual(top.CategoryPath, tc.wantPath) {
			t.Errorf("%q: path %q, want %q", tc.in.Subject, top.CategoryPath, tc.wantPath)
		}
		var sum float64
		for i, x := range r.Suggestions {
			if x.Confidence < 0 || x.Confidence > 1 || (i > 0 && x.Confidence > r.Suggestions[i-1].Confidence) {
				t.Errorf("%q: confidences not ranked in 0..1: %+v", tc.in.Subject, r.Suggestions)
			}
			sum += x.Confidence
		}
		if sum > 1.001 {
			t.Errorf("%q: confidences sum to %.4f > 1", tc.in.Subject, sum)
		}
	}
}

func TestSuggestAbstains(t *testing.T) {
	s := seg(t)
	m, err := Train(s, small(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	sg := &Suggester{Model: m, Seg: s, Threshold: 0.5}
	// Nothing in this text was seen in training: every category is equally likely.
	r := sg.Suggest(Input{Subject: "咨询", Text: "请问明天天气怎么样"})
	if !r.Abstained || len(r.Suggestions) != 0 {
		t.Errorf("expected abstention, got %+v", r)
	}
	if r.TopConfidence <= 0 || r.TopConfidence >= 0.5 {
		t.Errorf("top confidence %.3f, want in (0, 0.5)", r.TopConfidence)
	}
}

func TestTrainIsDeterministicAndSurvivesSaveLoad(t *testing.T) {
	s := seg(t)
	ex := loadComplaints(t)
	var blobs [2]bytes.Buffer
	var models [2]*Model
	for i := range blobs {
		m, err := Train(s, ex, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Save(&blobs[i]); err != nil {
			t.Fatal(err)
		}
		models[i] = m
	}
	if !bytes.Equal(blobs[0].Bytes(), blobs[1].Bytes()) {
		t.Fatal("two trainings on the same data gave different models")
	}
	loaded, err := Load(bytes.NewReader(blobs[0].Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	a := &Suggester{Model: models[0], Seg: s, Threshold: 0.01, Limit: 7}
	b := &Suggester{Model: loaded, Seg: s, Threshold: 0.01, Limit: 7}
	for _, e := range ex[:20] {
		in := Input{Subject: e.Subject, Text: e.Text}
		if ra, rb := a.Suggest(in), b.Suggest(in); !reflect.DeepEqual(ra, rb) {
			t.Fatalf("loaded model answers differently:\n%+v\n%+v", ra, rb)
		}
	}
	if _, err := Load(strings.NewReader("not a model")); err == nil {
		t.Error("garbage loaded as a model")
	}
	if _, err := Train(s, []Example{{Subject: "无类别"}}, DefaultOptions()); err != ErrNoExamples {
		t.Errorf("training without labels: err = %v", err)
	}
}

func TestEvaluate(t *testing.T) {
	gold := []string{"a", "a", "b", "b", "c"}
	pred := []string{"a", "b", "b", "b", "a"}
	m := Evaluate(gold, pred)
	// a: P 1/2 R 1/2 F1 .5; b: P 2/3 R 1 F1 .8; c: 0.
	if m.Accuracy != 0.6 || fmt.Sprintf("%.4f", m.MacroF1) != "0.4333" {
		t.Errorf("accuracy %.4f macro-F1 %.4f, want 0.6 and 0.4333", m.Accuracy, m.MacroF1)
	}
}

func TestStratifiedSplitIsStableAndStratified(t *testing.T) {
	labels := make([]string, 0, 100)
	for i := 0; i < 100; i++ {
		labels = append(labels, []string{"x", "x", "x", "y", "z"}[i%5])
	}
	tr1, te1 := StratifiedSplit(labels, 0.2, 42)
	tr2, te2 := StratifiedSplit(labels, 0.2, 42)
	if !reflect.DeepEqual(te1, te2) || !reflect.DeepEqual(tr1, tr2) {
		t.Fatal("same seed, different split")
	}
	if _, te3 := StratifiedSplit(labels, 0.2, 43); reflect.DeepEqual(te1, te3) {
		t.Error("different seed, same split")
	}
	count := map[string]int{}
	for _, i := range te1 {
		count[labels[i]]++
	}
	if count["x"] != 12 || count["y"] != 4 || count["z"] != 4 || len(tr1)+len(te1) != 100 {
		t.Errorf("test counts %v, train %d", count, len(tr1))
	}
	folds := StratifiedFolds(labels, 5, 1)
	seen := map[int]bool{}
	for _, f := range folds {
		if len(f) != 20 {
			t.Errorf("fold size %d, want 20", len(f))
		}
		for _, i := range f {
			if seen[i] {
				t.Fatalf("index %d in two folds", i)
			}
			seen[i] = true
		}
	}
}

// synthetic builds n tickets by recombining sentences of the reference complaints inside
// their top-level category, spread over 5 sub-categories each and a department per
// (sub-category, district): a stand-in for a city's 100 k closed tickets.
func synthetic(t testing.TB, n int) []Example {
	base := loadComplaints(t)
	sentences := map[string][]string{}
	var cats []string
	for _, e := range base {
		if sentences[e.CategoryID] == nil {
			cats = append(cats, e.CategoryID)
		}
		for _, s := range strings.FieldsFunc(e.Subject+"。"+e.Text, func(r rune) bool { return r == '。' || r == '！' || r == '？' }) {
			if len([]rune(s)) >= 6 {
				sentences[e.CategoryID] = append(sentences[e.CategoryID], s)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	ex := make([]Example, n)
	for i := range ex {
		top := cats[r.IntN(len(cats))]
		ss := sentences[top]
		sub := r.IntN(5)
		var b strings.Builder
		for k := 0; k < 3+r.IntN(4); k++ {
			b.WriteString(ss[r.IntN(len(ss))])
			b.WriteString("。")
		}
		ex[i] = Example{
			Subject:      ss[r.IntN(len(ss))],
			Text:         b.String(),
			CategoryID:   fmt.Sprintf("%s/%d", top, sub),
			CategoryPath: []string{top, fmt.Sprintf("子类%d", sub)},
			DepartmentID: fmt.Sprintf("dept-%s-%d-%d", top, sub, r.IntN(9)),
		}
	}
	return ex
}

// BenchmarkTrain100k trains on 100 k synthetic tickets, segmenting them (the cost when
// tokens are not kept with the search index). cpu-s is the process CPU time, which on a
// shared machine says more than the wall time.
//
//	go test ./internal/suggest -run '^$' -bench Train100k -benchtime 1x
func BenchmarkTrain100k(b *testing.B) {
	benchmarkTrain(b, synthetic(b, 100_000))
}

// BenchmarkTrain100kPresegmented is the same with the tokens given, as when they come
// from the search index.
func BenchmarkTrain100kPresegmented(b *testing.B) {
	s := seg(b)
	ex := synthetic(b, 100_000)
	for i, tk := range tokenizeAll(s, ex) {
		ex[i].SubjectTokens, ex[i].TextTokens = tk.subject, tk.text
	}
	benchmarkTrain(b, ex)
}

func benchmarkTrain(b *testing.B, ex []Example) {
	s := seg(b)
	var chars int
	for _, e := range ex {
		chars += len([]rune(e.Subject)) + len([]rune(e.Text))
	}
	b.ResetTimer()
	for b.Loop() {
		t0, c0 := time.Now(), cpuTime()
		m, err := Train(s, ex, DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "s/train")
		b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s/train")
		b.ReportMetric(float64(len(m.Terms)), "terms")
		b.ReportMetric(float64(len(m.Categories)), "categories")
		b.ReportMetric(float64(len(m.Department.Labels)), "departments")
	}
	b.ReportMetric(float64(chars)/float64(len(ex)), "chars/ticket")
}

// BenchmarkSuggest is one suggestion (segmentation, scoring of 35 categories and of
// every department, rules) with a model trained on 20 k synthetic tickets, over the 298
// reference messages in turn; it reports the median and 95th percentile latency.
//
//	go test ./internal/suggest -run '^$' -bench Suggest$
func BenchmarkSuggest(b *testing.B) {
	s := seg(b)
	m, err := Train(s, synthetic(b, 20_000), DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	sg := &Suggester{Model: m, Seg: s, Threshold: 0.01,
		Rules: NewRules([]Rule{{ID: "r1", CategoryID: "城乡建设/1", RegionID: "a3", DepartmentID: "a3-urban"}})}
	var inputs []Input
	for _, e := range loadComplaints(b) {
		inputs = append(inputs, Input{Subject: e.Subject, Text: e.Text, RegionPath: []string{"a", "a3"}})
	}
	var lat []time.Duration
	i := 0
	for b.Loop() {
		t0 := time.Now()
		sg.Suggest(inputs[i%len(inputs)])
		lat = append(lat, time.Since(t0))
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds()), "p95-µs")
}
