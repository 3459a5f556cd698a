package textseg

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func seg(t testing.TB) *Segmenter {
	t.Helper()
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ＡＢＣ１２３", "abc123"},
		{"PM2.5超标", "pm2.5超标"},
		{"尊敬的书记：_x000D_ 你好", "尊敬的书记: 你好"},
		{"a_x000D__x000D_b", "a b"},
		{"  前后\t\n空白　 ", "前后 空白"},
		{"全角（括号）！", "全角(括号)!"},
		{"Éclair", "éclair"},
		{"", ""},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The search index must contain the two-character words agents type, even when the
// segmenter keeps a longer word whole.
func TestTokensFindTwoCharacterWords(t *testing.T) {
	s := seg(t)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"楼下烧烤店噪音扰民严重，夜间施工", []string{"噪音", "扰民", "噪音扰民", "烧烤", "夜间施工"}},
		{"小区物业乱收停车费", []string{"物业", "停车", "停车费", "小区"}},
		{"物业公司不作为", []string{"物业", "物业公司"}},
		{"A3区城管局", []string{"a3区", "城管", "城管局"}},
		{"ＡＢＣ公司拖欠工资_x000D_", []string{"abc", "拖欠工资", "工资"}},
	} {
		got := s.Tokens(tc.text)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("Tokens(%q) = %q, missing %q", tc.text, got, w)
			}
		}
		for _, tok := range got {
			if s.IsStop(tok) || strings.ContainsAny(tok, " ，。_") {
				t.Errorf("Tokens(%q) has stop word or punctuation %q", tc.text, tok)
			}
		}
	}
}

func TestQueryTokens(t *testing.T) {
	s := seg(t)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"噪音", []string{"噪音"}},
		{"停车 停车", []string{"停车"}},
		{"您好，物业的噪音", []string{"物业", "噪音"}},
		{"，。！", nil},
	} {
		got := s.QueryTokens(tc.q)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("QueryTokens(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestQuery(t *testing.T) {
	s := seg(t)
	for _, tc := range []struct {
		q       string
		want    Query
		fts, pg string
		ftsAny  string
	}{
		{"噪音", Query{{Word: "噪音"}}, `"噪音"`, `'噪音'`, `"噪音"`},
		{"执法局 噪音", Query{{Word: "执法局", Parts: []string{"执法", "局"}}, {Word: "噪音"}},
			`("执法局" OR ("执法" AND "局")) AND "噪音"`, `('执法局' | ('执法' & '局')) & '噪音'`,
			`("执法局" OR ("执法" AND "局")) OR "噪音"`},
		{"的", Query{}, "", "", ""},
	} {
		got := s.Query(tc.q)
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("Query(%q) = %+v, want %+v", tc.q, got, tc.want)
		}
		if tc.q == "执法局 噪音" {
			if h := got.HighlightTerms(); !reflect.DeepEqual(h, []string{"执法局", "执法", "噪音"}) {
				t.Errorf("HighlightTerms = %q", h)
			}
			if h := Highlight("城管执法队说执法", got.HighlightTerms()); h != "城管<mark>执法</mark>队说<mark>执法</mark>" {
				t.Errorf("Highlight with HighlightTerms = %q", h)
			}
		}
		if got.FTS5() != tc.fts || got.TSQuery() != tc.pg || got.FTS5Any() != tc.ftsAny {
			t.Errorf("Query(%q): FTS5 %s, TSQuery %s, FTS5Any %s", tc.q, got.FTS5(), got.TSQuery(), got.FTS5Any())
		}
	}
}

func TestAddWords(t *testing.T) {
	s, err := New() // own instance: the words must not leak into other tests
	if err != nil {
		t.Fatal(err)
	}
	const text = "芙蓉南路翠湖苑小区门口"
	if slices.Contains(s.Words(text), "翠湖苑") {
		t.Fatalf("precondition: 翠湖苑 already a word in %q", s.Words(text))
	}
	if err := s.AddWords(Word{Text: "翠湖苑", Pos: "ns"}, Word{Text: "芙蓉南路"}); err != nil {
		t.Fatal(err)
	}
	got := s.Words(text)
	for _, w := range []string{"翠湖苑", "芙蓉南路"} {
		if !slices.Contains(got, w) {
			t.Errorf("after AddWords, Words(%q) = %q, missing %q", text, got, w)
		}
	}
	s.AddStopWords("门口")
	if slices.Contains(s.Tokens(text), "门口") {
		t.Errorf("stop word 门口 still a token: %q", s.Tokens(text))
	}

	// Removal undoes an added word; a built-in word is reported and stays.
	builtIn, err := s.RemoveWords("翠湖苑", "小区")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(builtIn, []string{"小区"}) {
		t.Errorf("RemoveWords built in = %q, want [小区]", builtIn)
	}
	if got := s.Words(text); slices.Contains(got, "翠湖苑") || !slices.Contains(got, "芙蓉南路") || !slices.Contains(got, "小区") {
		t.Errorf("after RemoveWords(翠湖苑), Words(%q) = %q", text, got)
	}
	if s.Known("翠湖苑") || !s.Known("小区") {
		t.Errorf("Known after removal: 翠湖苑 %v, 小区 %v", s.Known("翠湖苑"), s.Known("小区"))
	}
	if err := s.AddWords(Word{Text: "翠湖苑"}); err != nil { // added again after removal
		t.Fatal(err)
	}
	if got := s.Words(text); !slices.Contains(got, "翠湖苑") {
		t.Errorf("re-added 翠湖苑 missing: %q", got)
	}
}

func TestParseDictionary(t *testing.T) {
	got, err := ParseDictionary("# comment\n\n翠湖苑 300 ns\n城管\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Word{{Text: "翠湖苑", Freq: 300, Pos: "ns"}, {Text: "城管"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := ParseDictionary("城管 many\n"); err == nil {
		t.Error("bad frequency accepted")
	}
}

func TestIndexTextIsSpaceJoinedTokens(t *testing.T) {
	s := seg(t)
	text := "噪音扰民，ＡＢＣ"
	if got, want := s.IndexText(text), strings.Join(s.Tokens(text), " "); got != want {
		t.Errorf("IndexText = %q, want %q", got, want)
	}
}

func TestQuerySyntax(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"fts and", FTS5Match([]string{"噪音", "and", `a"b`}), `"噪音" "and" "a""b"`},
		{"fts or", FTS5MatchAny([]string{"噪音", "", "停车"}), `"噪音" OR "停车"`},
		{"fts empty", FTS5Match(nil), ""},
		{"ts and", TSQuery([]string{"噪音", "it's"}), `'噪音' & 'it''s'`},
		{"ts or", TSQueryAny([]string{"噪音", "停车"}), `'噪音' | '停车'`},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	for _, tc := range []struct {
		text  string
		terms []string
		want  string
	}{
		{"小区停车场乱收停车费", []string{"停车"}, "小区<mark>停车</mark>场乱收<mark>停车</mark>费"},
		{"噪音扰民", []string{"噪音", "扰民"}, "<mark>噪音扰民</mark>"},
		{"ＡＢＣ公司<script>", []string{"abc"}, "<mark>ＡＢＣ</mark>公司&lt;script&gt;"},
		{"你好_x000D_ 噪音", []string{"噪音"}, "你好 <mark>噪音</mark>"},
		{"没有匹配", []string{"噪音"}, "没有匹配"},
	} {
		if got := Highlight(tc.text, tc.terms); got != tc.want {
			t.Errorf("Highlight(%q, %q) = %q, want %q", tc.text, tc.terms, got, tc.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	text := strings.Repeat("前", 50) + "噪音" + strings.Repeat("后", 50)
	got := Snippet(text, []string{"噪音"}, 20)
	want := "…" + strings.Repeat("前", 5) + "<mark>噪音</mark>" + strings.Repeat("后", 13) + "…"
	if got != want {
		t.Errorf("Snippet = %q, want %q", got, want)
	}
	if got := Snippet("短文本", []string{"噪音"}, 20); got != "短文本" {
		t.Errorf("short Snippet = %q", got)
	}
}

var sample = strings.Repeat("尊敬的领导：您好！我是A3区雨花街道某小区的业主，小区楼下烧烤店每天夜间营业到凌晨两点，"+
	"油烟和噪音扰民严重，物业公司不管，小区停车场还乱收停车费，希望有关部门尽快处理。_x000D_ ", 1)

func BenchmarkTokens(b *testing.B) {
	s := seg(b)
	b.SetBytes(int64(len(sample)))
	b.ReportAllocs()
	for b.Loop() {
		s.Tokens(sample)
	}
}

func BenchmarkQueryTokens(b *testing.B) {
	s := seg(b)
	for b.Loop() {
		s.QueryTokens("小区物业乱收停车费")
	}
}

func BenchmarkHighlight(b *testing.B) {
	terms := []string{"噪音", "停车", "物业"}
	b.SetBytes(int64(len(sample)))
	for b.Loop() {
		Highlight(sample, terms)
	}
}

// Segmenting while the dictionary grows must be safe (run with -race) and must see each
// word either before or after it was added, never a broken dictionary.
func TestConcurrentAddWordsAndTokens(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	const text = "翠湖苑小区门口噪音扰民"
	done := make(chan bool)
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			if toks := s.Tokens(text); !slices.Contains(toks, "噪音") {
				t.Errorf("Tokens during AddWords = %q", toks)
				return
			}
		}
	}()
	if err := s.AddWords(Word{Text: "翠湖苑"}); err != nil {
		t.Fatal(err)
	}
	<-done
	if toks := s.Tokens(text); !slices.Contains(toks, "翠湖苑") {
		t.Errorf("after AddWords, Tokens = %q", toks)
	}
}
