package textseg

import (
	"strings"
	"unicode/utf8"
)

// FTS5Match builds an FTS5 MATCH expression requiring every token (implicit AND). Each
// token is quoted so that words such as "and", "or", "near" or a leading "-" are never read
// as FTS5 operators. An empty result means "no query"; callers should skip the MATCH then.
func FTS5Match(tokens []string) string {
	return fts5Join(tokens, " ")
}

// FTS5MatchAny is FTS5Match with OR: a fallback when the AND query finds nothing.
func FTS5MatchAny(tokens []string) string {
	return fts5Join(tokens, " OR ")
}

func fts5Join(tokens []string, sep string) string {
	parts := make([]string, 0, len(tokens))
	for _, t := range tokens {
		if t == "" {
			continue
		}
		parts = append(parts, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
	}
	return strings.Join(parts, sep)
}

// TSQuery builds a PostgreSQL tsquery text for to_tsquery('simple', $1) requiring every
// token. Tokens are quoted as tsquery lexemes so operator characters stay literal.
func TSQuery(tokens []string) string {
	return tsJoin(tokens, " & ")
}

// TSQueryAny is TSQuery with OR.
func TSQueryAny(tokens []string) string {
	return tsJoin(tokens, " | ")
}

func tsJoin(tokens []string, sep string) string {
	parts := make([]string, 0, len(tokens))
	for _, t := range tokens {
		if t == "" {
			continue
		}
		t = strings.ReplaceAll(t, `\`, `\\`)
		parts = append(parts, `'`+strings.ReplaceAll(t, `'`, `''`)+`'`)
	}
	return strings.Join(parts, sep)
}

// Query is a parsed search: every term must match.
type Query []QueryTerm

// QueryTerm matches a ticket containing Word, or containing all of Parts. Parts is the
// word cut into the dictionary words inside it (执法局 → 执法 · 局), because the same
// characters in a ticket may have been segmented across a longer word (城管执法 · 局) and
// then Word itself is not in the index. Parts is nil when the word cannot be cut.
type QueryTerm struct {
	Word  string
	Parts []string
}

// Query parses a search query in precise mode (see QueryTokens) and adds the parts of
// each word of three or more characters.
func (s *Segmenter) Query(q string) Query {
	words := s.QueryTokens(q)
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(Query, 0, len(words))
	for _, w := range words {
		out = append(out, QueryTerm{Word: w, Parts: s.parts(w)})
	}
	return out
}

// parts cuts w greedily from the left into the longest dictionary words shorter than w,
// single characters where none fits, dropping stop words. Callers hold s.mu.
func (s *Segmenter) parts(w string) []string {
	rs := []rune(w)
	if len(rs) < 3 {
		return nil
	}
	var out []string
	for i := 0; i < len(rs); {
		n := 1
		for size := min(len(rs)-1, len(rs)-i); size >= 2; size-- {
			if freq, _, ok := s.gse.Find(string(rs[i : i+size])); ok && freq > 0 {
				n = size
				break
			}
		}
		if p := string(rs[i : i+n]); !s.gse.IsStop(p) {
			out = append(out, p)
		}
		i += n
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// Words returns the query words.
func (q Query) Words() []string {
	out := make([]string, len(q))
	for i, t := range q {
		out[i] = t.Word
	}
	return out
}

// HighlightTerms returns what Highlight should mark for this query: the words and their
// parts of two or more characters (a single-character part would light up the page).
func (q Query) HighlightTerms() []string {
	var out []string
	for _, t := range q {
		out = append(out, t.Word)
		for _, p := range t.Parts {
			if utf8.RuneCountInString(p) >= 2 {
				out = append(out, p)
			}
		}
	}
	return out
}

// FTS5 is the MATCH expression requiring every term; "" for an empty query.
func (q Query) FTS5() string { return q.fts5(" AND ") }

// FTS5Any is the MATCH expression requiring any term: the fallback when FTS5 finds nothing.
func (q Query) FTS5Any() string { return q.fts5(" OR ") }

func (q Query) fts5(sep string) string {
	var terms []string
	for _, t := range q {
		e := fts5Join([]string{t.Word}, "")
		if len(t.Parts) > 0 {
			e = "(" + e + " OR (" + fts5Join(t.Parts, " AND ") + "))"
		}
		terms = append(terms, e)
	}
	return strings.Join(terms, sep)
}

// TSQuery is the to_tsquery('simple', …) text requiring every term; "" for an empty query.
func (q Query) TSQuery() string { return q.tsquery(" & ") }

// TSQueryAny is the tsquery text requiring any term.
func (q Query) TSQueryAny() string { return q.tsquery(" | ") }

func (q Query) tsquery(sep string) string {
	var terms []string
	for _, t := range q {
		e := tsJoin([]string{t.Word}, "")
		if len(t.Parts) > 0 {
			e = "(" + e + " | (" + tsJoin(t.Parts, " & ") + "))"
		}
		terms = append(terms, e)
	}
	return strings.Join(terms, sep)
}
