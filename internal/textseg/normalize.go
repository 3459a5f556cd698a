package textseg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// excelCR is how spreadsheet exports escape a carriage return inside a cell; the city's
// exported tickets are full of it and it must never reach the index or the classifier.
const excelCR = "_x000D_"

// Normalize folds full-width forms to half-width, lower-cases Latin letters, drops the
// _x000D_ artefacts and control characters, and collapses runs of white space. Search,
// classification and duplicate detection all see text through this one function so that
// "ＡＢＣ１２３" and "abc123" are the same words.
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	normalizeInto(text, func(r rune, _, _ int) { b.WriteRune(r) })
	return b.String()
}

// normalizeInto walks text and emits each normalised rune with the byte span [start,end)
// of the original text it came from, so that the highlighter can map matches back.
func normalizeInto(text string, emit func(r rune, start, end int)) {
	lastSpace := true // drop leading white space
	pendingSpace, spaceAt := false, 0
	for i := 0; i < len(text); {
		if strings.HasPrefix(text[i:], excelCR) || strings.HasPrefix(text[i:], "_x000A_") {
			if !lastSpace && !pendingSpace {
				pendingSpace, spaceAt = true, i
			}
			i += len(excelCR)
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		start := i
		i += size
		r = foldRune(r)
		if r == utf8.RuneError && size <= 1 {
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			if !lastSpace && !pendingSpace {
				pendingSpace, spaceAt = true, start
			}
			continue
		}
		if pendingSpace {
			emit(' ', spaceAt, spaceAt)
			pendingSpace = false
		}
		emit(r, start, i)
		lastSpace = false
	}
}

// foldRune maps one rune to its normal form.
func foldRune(r rune) rune {
	switch {
	case r == '\u3000': // ideographic space
		return ' '
	case r >= '\uFF01' && r <= '\uFF5E': // full-width ASCII block
		r -= 0xFEE0
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if unicode.Is(unicode.Latin, r) {
		return unicode.ToLower(r)
	}
	return r
}

// isWordRune reports whether r can be part of an index token. Both FTS5's unicode61
// tokenizer and PostgreSQL's default parser split on everything else, so a token made only
// of these runes is seen as exactly one token by both databases.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
