package textseg

import (
	"html"
	"strings"
)

// Highlight returns text as HTML-escaped markup with every occurrence of a query term
// wrapped in <mark>…</mark>. Terms are matched on the normalised text (so ＰＭ２.５ in the
// ticket is found by pm2 and full-width letters by half-width ones) but the original
// characters are shown. Matching is by substring, so the term 停车 also marks the first two
// characters of 停车场, as the index does.
func Highlight(text string, terms []string) string {
	return highlight(text, terms, 0)
}

// Snippet is Highlight limited to about maxRunes characters around the first match, with
// "…" where text was cut; for result lists.
func Snippet(text string, terms []string, maxRunes int) string {
	return highlight(text, terms, maxRunes)
}

type span struct{ start, end int } // byte offsets in the original text

func highlight(text string, terms []string, maxRunes int) string {
	var norm []rune
	var spans []span
	normalizeInto(text, func(r rune, start, end int) {
		norm = append(norm, r)
		spans = append(spans, span{start, end})
	})
	marked := make([]bool, len(norm))
	first := -1
	for _, t := range terms {
		tr := []rune(strings.ReplaceAll(Normalize(t), " ", ""))
		if len(tr) == 0 {
			continue
		}
		for i := 0; i+len(tr) <= len(norm); i++ {
			if runesEqual(norm[i:i+len(tr)], tr) {
				for j := i; j < i+len(tr); j++ {
					marked[j] = true
				}
				if first < 0 || i < first {
					first = i
				}
			}
		}
	}

	lo, hi := 0, len(norm) // window in normalised runes
	if maxRunes > 0 && len(norm) > maxRunes {
		if first > maxRunes/4 {
			lo = first - maxRunes/4
		}
		hi = lo + maxRunes
		if hi > len(norm) {
			hi, lo = len(norm), len(norm)-maxRunes
		}
	}
	if lo >= hi {
		return ""
	}

	var b strings.Builder
	if lo > 0 {
		b.WriteString("…")
	}
	pos := spans[lo].start // next original byte to copy
	for i := lo; i < hi; i++ {
		if marked[i] && (i == lo || !marked[i-1]) {
			b.WriteString(display(text[pos:spans[i].start]))
			b.WriteString("<mark>")
			pos = spans[i].start
		}
		if marked[i] && (i == hi-1 || !marked[i+1]) {
			b.WriteString(display(text[pos:spans[i].end]))
			b.WriteString("</mark>")
			pos = spans[i].end
		}
	}
	end := len(text)
	if hi < len(norm) {
		end = spans[hi-1].end
	}
	if pos < end {
		b.WriteString(display(text[pos:end]))
	}
	if hi < len(norm) {
		b.WriteString("…")
	}
	return b.String()
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// display escapes original text for HTML, dropping the _x000D_ artefacts.
func display(s string) string {
	return html.EscapeString(strings.ReplaceAll(strings.ReplaceAll(s, excelCR, ""), "_x000A_", ""))
}
