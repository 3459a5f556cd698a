package textseg

import "testing"

func TestRankWindow(t *testing.T) {
	w := []float64{4, 1, 2}
	doc := func(subject, body, address string) []string { return []string{subject, body, address} }
	q := Query{{Word: "噪音"}}
	s := q.RankWindow([][]string{
		doc("施工 噪音", "晚上 吵", ""),       // in the subject
		doc("施工", "晚上 噪音 吵", ""),       // in the body
		doc("施工", "晚上 噪音 噪音 吵 噪音", ""), // in the body three times
		doc("施工", "晚上 吵", ""),          // not at all
	}, w)
	if !(s[0] > s[2] && s[2] > s[1] && s[1] > 0 && s[3] == 0) {
		t.Errorf("subject > body×3 > body > none: %v", s)
	}

	// A word matched only through its parts counts less than the word itself.
	q = Query{{Word: "执法局", Parts: []string{"执法", "局"}}}
	s = q.RankWindow([][]string{doc("城管 执法 局", "", ""), doc("执法局 执法 局", "", "")}, w)
	if !(s[1] > s[0] && s[0] > 0) {
		t.Errorf("whole word > parts: %v", s)
	}

	// Any-word fallback: the rarer word of the window weighs more.
	q = Query{{Word: "小区"}, {Word: "电梯"}}
	s = q.RankWindow([][]string{doc("小区", "", ""), doc("小区", "", ""), doc("小区", "", ""), doc("电梯", "", "")}, w)
	if !(s[3] > s[0]) {
		t.Errorf("rare word not above common one: %v", s)
	}
	if got := q.RankWindow(nil, w); len(got) != 0 {
		t.Errorf("empty window: %v", got)
	}
}
