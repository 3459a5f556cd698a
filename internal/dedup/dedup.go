// Package dedup scores likely duplicates (重复件) of a newly registered ticket: the same
// citizen, the same place, similar words, recently. It is pure: the store fetches the
// recent tickets near the place or from the same phone (BoundingBox helps), and Find
// scores and explains them.
package dedup

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/hotline-dev/hotline/internal/textseg"
)

// Point is a WGS-84 position.
type Point struct{ Lat, Lng float64 }

// Ticket is what duplicate detection needs to know about a ticket.
type Ticket struct {
	ID         string
	Phone      string
	Address    string
	Location   *Point // nil when unknown
	Subject    string
	Text       string
	CategoryID string
	CreatedAt  time.Time
}

// Options tune the scoring; DefaultOptions are sensible for a city.
//
// The score reads "the same matter, at the same place or from the same caller, recently":
//
//	matter = (1-CategoryWeight)·min(1, text/TextSaturation) + CategoryWeight·[same category]
//	link   = max(place, [same phone]), place = 1 at the same point or address, ½ at Radius
//	score  = matter · (Unlinked + (1-Unlinked)·link) · (1 - 0.3·age/Window)
//
// so two reports of the same problem by different neighbours score high, and one caller's
// unrelated requests or different matters at one address score zero.
type Options struct {
	Radius         float64       // metres within which two places are "the same place"
	Window         time.Duration // only tickets at most this much older (or newer) count
	MinScore       float64       // candidates below are dropped
	TextSaturation float64       // text similarity at which the words count as the same
	CategoryWeight float64       // share of the matter decided by an equal category
	Unlinked       float64       // factor for similar text with neither place nor caller in common
	Limit          int           // maximum candidates; 0 = all
}

// DefaultOptions: 200 m, 30 days.
func DefaultOptions() Options {
	return Options{Radius: 200, Window: 30 * 24 * time.Hour, MinScore: 0.4,
		TextSaturation: 0.6, CategoryWeight: 0.25, Unlinked: 0.4, Limit: 10}
}

// Reason is one piece of evidence, for the agent to see why a ticket was proposed.
type Reason struct {
	Kind   string  `json:"kind"` // same_phone, same_address, near, similar_text, same_category
	Value  float64 `json:"value"`
	Detail string  `json:"detail"`
}

// Candidate is a likely duplicate.
type Candidate struct {
	TicketID string   `json:"ticket_id"`
	Score    float64  `json:"score"` // 0..1
	Reasons  []Reason `json:"reasons"`
}

// Find scores the candidates against t and returns those at or above MinScore, best first
// (ties: more recent, then smaller ID). A candidate with the same ID as t is skipped.
func Find(t Ticket, candidates []Ticket, opt Options) []Candidate {
	p := prepare(t)
	var out []Candidate
	for _, c := range candidates {
		if c.ID == t.ID {
			continue
		}
		if cand, ok := score(p, prepare(c), opt); ok {
			out = append(out, cand)
		}
	}
	created := map[string]time.Time{}
	for _, c := range candidates {
		created[c.ID] = c.CreatedAt
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if ta, tb := created[a.TicketID], created[b.TicketID]; !ta.Equal(tb) {
			return ta.After(tb)
		}
		return a.TicketID < b.TicketID
	})
	if opt.Limit > 0 && len(out) > opt.Limit {
		out = out[:opt.Limit]
	}
	return out
}

type prepared struct {
	Ticket
	phone, address string
	shingles       map[string]bool
}

func prepare(t Ticket) prepared {
	return prepared{Ticket: t, phone: NormalizePhone(t.Phone), address: NormalizeAddress(t.Address),
		shingles: shingles(t.Subject + " " + t.Text)}
}

func score(a, b prepared, opt Options) (Candidate, bool) {
	age := a.CreatedAt.Sub(b.CreatedAt)
	if age < 0 {
		age = -age
	}
	if opt.Window > 0 && age > opt.Window {
		return Candidate{}, false
	}
	c := Candidate{TicketID: b.ID}
	var phone, place, text, cat float64
	if a.phone != "" && a.phone == b.phone {
		phone = 1
		c.Reasons = append(c.Reasons, Reason{Kind: "same_phone", Value: 1, Detail: "同一来电号码"})
	}
	if a.address != "" && a.address == b.address {
		place = 1
		c.Reasons = append(c.Reasons, Reason{Kind: "same_address", Value: 1, Detail: "地址相同"})
	} else if a.Location != nil && b.Location != nil && opt.Radius > 0 {
		if d := Distance(*a.Location, *b.Location); d <= opt.Radius {
			place = 1 - d/(2*opt.Radius) // 1 at the same point, 0.5 at the edge
			c.Reasons = append(c.Reasons, Reason{Kind: "near", Value: round(place), Detail: fmt.Sprintf("相距 %.0f 米", d)})
		}
	}
	if text = similarity(a.shingles, b.shingles); text >= 0.2 {
		c.Reasons = append(c.Reasons, Reason{Kind: "similar_text", Value: round(text), Detail: fmt.Sprintf("内容相似度 %.0f%%", text*100)})
	} else {
		text = 0
	}
	if a.CategoryID != "" && a.CategoryID == b.CategoryID {
		cat = 1
		c.Reasons = append(c.Reasons, Reason{Kind: "same_category", Value: 1, Detail: "同一分类"})
	}
	sat := opt.TextSaturation
	if sat <= 0 {
		sat = 1
	}
	matter := (1-opt.CategoryWeight)*min(1, text/sat) + opt.CategoryWeight*cat
	if text == 0 {
		matter = 0 // an equal category alone is not the same matter
	}
	link := max(place, phone)
	s := matter * (opt.Unlinked + (1-opt.Unlinked)*link)
	if opt.Window > 0 {
		s *= 1 - 0.3*float64(age)/float64(opt.Window) // a day-old ticket counts more than a month-old one
	}
	c.Score = round(s)
	if c.Score <= 0 || c.Score < opt.MinScore {
		return Candidate{}, false
	}
	return c, true
}

// Distance is the great-circle (haversine) distance in metres.
func Distance(a, b Point) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLng := (b.Lng - a.Lng) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// BoundingBox returns the latitude and longitude ranges containing every point within
// radius metres of p, for a cheap indexed pre-filter in SQL before Find.
func BoundingBox(p Point, radius float64) (minLat, maxLat, minLng, maxLng float64) {
	dLat := radius / 111320.0
	cos := math.Cos(p.Lat * math.Pi / 180)
	dLng := 180.0
	if cos > 1e-9 {
		dLng = math.Min(180, radius/(111320.0*cos))
	}
	return p.Lat - dLat, p.Lat + dLat, p.Lng - dLng, p.Lng + dLng
}

// NormalizePhone keeps the digits and drops China's country code, so "+86 138-0000-0000"
// and "13800000000" are the same caller. Numbers shorter than 5 digits are ignored.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range textseg.Normalize(s) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "0086"):
		d = d[4:]
	case strings.HasPrefix(d, "86") && len(d) == 13:
		d = d[2:]
	}
	if len(d) < 5 {
		return ""
	}
	return d
}

// NormalizeAddress folds width and case and drops spaces and punctuation, so that
// "雨花区 韶山路 12号" and "雨花区韶山路１２号" compare equal.
func NormalizeAddress(s string) string {
	var b strings.Builder
	for _, r := range textseg.Normalize(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// shingles are the character bigrams of the normalised text's letters and digits:
// robust for Chinese without a dictionary, and insensitive to word order and punctuation.
func shingles(text string) map[string]bool {
	var rs []rune
	for _, r := range textseg.Normalize(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	set := make(map[string]bool, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		set[string(rs[i:i+2])] = true
	}
	if len(rs) == 1 {
		set[string(rs)] = true
	}
	return set
}

// similarity is the cosine of two shingle sets (|A∩B| / √(|A|·|B|)), 0..1.
func similarity(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	for s := range a {
		if b[s] {
			n++
		}
	}
	return float64(n) / math.Sqrt(float64(len(a))*float64(len(b)))
}

// TextSimilarity compares two texts by their character bigrams, 0..1.
func TextSimilarity(a, b string) float64 {
	return similarity(shingles(a), shingles(b))
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }
