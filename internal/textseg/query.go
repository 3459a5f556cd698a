package textseg

import "strings"

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
