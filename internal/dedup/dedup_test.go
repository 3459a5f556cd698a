package dedup

import (
	"math"
	"testing"
	"time"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b Point
		want float64 // metres
		tol  float64
	}{
		{"same point", Point{28.2, 112.9}, Point{28.2, 112.9}, 0, 0.001},
		{"one degree of latitude", Point{28, 112.9}, Point{29, 112.9}, 111195, 50},
		{"Changsha to Beijing", Point{28.2282, 112.9388}, Point{39.9042, 116.4074}, 1340000, 15000},
		{"100 m east at 28°N", Point{28, 113}, Point{28, 113 + 100/(111195*math.Cos(28*math.Pi/180))}, 100, 0.5},
	} {
		if got := Distance(tc.a, tc.b); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("%s: %.1f m, want %.1f±%.1f", tc.name, got, tc.want, tc.tol)
		}
	}
}

func TestBoundingBoxContainsRadius(t *testing.T) {
	p := Point{28.2, 112.9}
	minLat, maxLat, minLng, maxLng := BoundingBox(p, 500)
	for _, q := range []Point{{minLat, p.Lng}, {maxLat, p.Lng}, {p.Lat, minLng}, {p.Lat, maxLng}} {
		if d := Distance(p, q); d < 499 || d > 501 {
			t.Errorf("box edge %v at %.1f m, want 500", q, d)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		f        func(string) string
		in, want string
	}{
		{NormalizePhone, "+86 138-0000-1234", "13800001234"},
		{NormalizePhone, "008613800001234", "13800001234"},
		{NormalizePhone, "１３８００００１２３４", "13800001234"},
		{NormalizePhone, "0731-8888 6666", "073188886666"},
		{NormalizePhone, "110", ""},
		{NormalizeAddress, "雨花区 韶山路１２号（东门）", "雨花区韶山路12号东门"},
	} {
		if got := tc.f(tc.in); got != tc.want {
			t.Errorf("normalise %q = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextSimilarity(t *testing.T) {
	same := TextSimilarity("楼下烧烤店噪音扰民", "楼下烧烤店噪音扰民！")
	close := TextSimilarity("楼下烧烤店每天晚上噪音扰民", "烧烤店晚上噪音太大扰民")
	far := TextSimilarity("楼下烧烤店噪音扰民", "公司拖欠工资三个月")
	if same != 1 || !(close > 0.3 && close < 1) || far != 0 {
		t.Errorf("same %.3f close %.3f far %.3f", same, close, far)
	}
	if TextSimilarity("", "噪音") != 0 {
		t.Error("empty text similar")
	}
}

func TestFind(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	here := &Point{28.2000, 112.9000}
	near := &Point{28.2005, 112.9000} // ≈56 m
	far := &Point{28.2100, 112.9000}  // ≈1.1 km
	newT := Ticket{ID: "new", Phone: "13800001234", Address: "雨花区韶山路12号", Location: here,
		Subject: "烧烤店噪音扰民", Text: "楼下烧烤店每天晚上营业到凌晨，噪音扰民", CategoryID: "noise", CreatedAt: now}
	cands := []Ticket{
		{ID: "new", Subject: "烧烤店噪音扰民", CreatedAt: now}, // itself: skipped
		{ID: "same-place-same-words", Location: near, Subject: "烧烤噪音", Text: "楼下烧烤店晚上噪音扰民到凌晨", CategoryID: "noise", CreatedAt: now.Add(-24 * time.Hour)},
		{ID: "same-caller", Phone: "+86 138 0000 1234", Location: far, Subject: "又是烧烤店", Text: "烧烤店噪音扰民还没解决", CreatedAt: now.Add(-72 * time.Hour)},
		{ID: "same-address-other-matter", Address: "雨花区 韶山路12号", Subject: "路灯坏了", Text: "小区门口路灯不亮", CreatedAt: now.Add(-2 * time.Hour)},
		{ID: "too-old", Location: here, Subject: "烧烤店噪音扰民", Text: "楼下烧烤店每天晚上营业到凌晨，噪音扰民", CategoryID: "noise", CreatedAt: now.Add(-40 * 24 * time.Hour)},
		{ID: "far-other", Location: far, Subject: "拖欠工资", Text: "公司拖欠工资", CreatedAt: now},
	}
	got := Find(newT, cands, DefaultOptions())
	ids := []string{}
	for _, c := range got {
		ids = append(ids, c.TicketID)
	}
	want := []string{"same-place-same-words", "same-caller"}
	if len(ids) != len(want) || ids[0] != want[0] || ids[1] != want[1] {
		t.Fatalf("candidates %v (%+v), want %v", ids, got, want)
	}
	kinds := func(c Candidate) map[string]bool {
		m := map[string]bool{}
		for _, r := range c.Reasons {
			m[r.Kind] = true
		}
		return m
	}
	if k := kinds(got[0]); !k["near"] || !k["similar_text"] || !k["same_category"] || k["same_phone"] {
		t.Errorf("reasons of %s: %+v", got[0].TicketID, got[0].Reasons)
	}
	if k := kinds(got[1]); !k["same_phone"] || !k["similar_text"] || k["near"] {
		t.Errorf("reasons of %s: %+v", got[1].TicketID, got[1].Reasons)
	}
	for _, c := range got {
		if c.Score < DefaultOptions().MinScore || c.Score > 1 {
			t.Errorf("%s score %.3f out of range", c.TicketID, c.Score)
		}
	}

	// However low the threshold, another matter at the same address or an unrelated
	// ticket is never a duplicate; similar words without place or caller in common are,
	// weakly.
	opt := DefaultOptions()
	opt.MinScore = 0
	unlinked := Ticket{ID: "unlinked", Subject: "烧烤店噪音扰民", Text: "楼下烧烤店每天晚上营业到凌晨，噪音扰民", CreatedAt: now}
	all := Find(newT, append(cands, unlinked), opt)
	ids = ids[:0]
	for _, c := range all {
		ids = append(ids, c.TicketID)
	}
	if len(all) != 3 || all[2].TicketID != "unlinked" || all[2].Score > 0.5 {
		t.Errorf("with MinScore 0: %v %+v", ids, all)
	}
	opt.Limit = 1
	if one := Find(newT, cands, opt); len(one) != 1 || one[0].TicketID != "same-place-same-words" {
		t.Errorf("with Limit 1: %+v", one)
	}
}
