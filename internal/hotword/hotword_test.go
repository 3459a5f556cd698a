package hotword

import (
	"reflect"
	"testing"
)

func texts(ws ...[]string) [][]string { return ws }

func names(ts []Term) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Text)
	}
	return out
}

func TestTop(t *testing.T) {
	docs := texts(
		[]string{"烧烤店", "噪音", "扰民", "噪音", "噪音", "噪音"}, // one loud ticket
		[]string{"工地", "噪音", "扰民"},
		[]string{"广场舞", "噪音", "扰民"},
		[]string{"乱", "停车", "小区"},
		[]string{"乱", "停车", "2026"},
		[]string{"停车费", "物业"},
	)
	opt := DefaultOptions()
	opt.MaxPhrase = 2
	got := Top(docs, opt)
	want := []Term{
		{Text: "噪音", Docs: 3, Count: 6, Score: 3},
		{Text: "噪音扰民", Docs: 3, Count: 3, Score: 3},
		{Text: "扰民", Docs: 3, Count: 3, Score: 3},
		{Text: "乱停车", Docs: 2, Count: 2, Score: 2},
		{Text: "停车", Docs: 2, Count: 2, Score: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Top =\n%+v\nwant\n%+v", got, want)
	}

	opt.Stop = map[string]bool{"扰民": true}
	opt.Limit = 2
	if got := names(Top(docs, opt)); !reflect.DeepEqual(got, []string{"噪音", "乱停车"}) {
		t.Errorf("with stop word and limit: %q", got)
	}
	opt = DefaultOptions()
	opt.MaxPhrase = 1
	if got := names(Top(docs, opt)); !reflect.DeepEqual(got, []string{"噪音", "扰民", "停车"}) {
		t.Errorf("words only: %q", got)
	}
}

func TestJoin(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"噪音", "扰民"}, "噪音扰民"},
		{[]string{"pm2.5", "超标"}, "pm2.5超标"},
		{[]string{"wifi", "signal"}, "wifi signal"},
	} {
		if got := join(tc.in); got != tc.want {
			t.Errorf("join(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRising(t *testing.T) {
	var background, week [][]string
	for i := 0; i < 100; i++ {
		background = append(background, []string{"停车", "物业"})
		if i < 5 {
			background = append(background, []string{"供暖", "不热"})
		}
	}
	for i := 0; i < 20; i++ {
		week = append(week, []string{"停车", "物业"})
	}
	for i := 0; i < 10; i++ {
		week = append(week, []string{"供暖", "不热"}) // 1/3 of the week against 5/105 before
	}
	week = append(week, []string{"新词", "暴雨"}, []string{"暴雨", "积水"}, []string{"暴雨", "积水"})
	opt := DefaultOptions()
	opt.MaxPhrase = 1
	got := Rising(week, background, opt)
	if n := names(got); !reflect.DeepEqual(n, []string{"不热", "供暖", "暴雨", "积水"}) {
		t.Fatalf("Rising = %q (%+v)", n, got)
	}
	if g := got[0]; g.Docs != 10 || g.BackgroundDocs != 5 || g.Lift != 5.952 { // (10.5/34) / (5.5/106)
		t.Errorf("不热 figures %+v", g)
	}
	for _, term := range got {
		if term.Text == "停车" || term.Text == "物业" || term.Lift <= 1 {
			t.Errorf("steady term in Rising: %+v", term)
		}
	}
}
