// Package textseg turns Chinese hotline text into words (分词) for search, dispatch
// suggestions, duplicate detection and hot words. It wraps gse with the general simplified
// Chinese dictionary embedded in the gse module (nothing is read from disk or the network)
// plus the city's own dictionary (城市词典), and removes stop words (停用词).
package textseg

import (
	"bufio"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

//go:embed citydict.txt
var cityDict string

//go:embed stopwords.txt
var extraStopWords string

// Word is one dictionary entry. Freq decides how strongly the segmenter prefers the word
// over splitting it; zero means DefaultFreq.
type Word struct {
	Text string
	Freq float64
	Pos  string // part of speech, e.g. "ns" place name, "nt" organisation; optional
}

// DefaultFreq is high enough that a city word beats the general dictionary's split of it
// (typical two-character words there have frequencies of a few hundred).
const DefaultFreq = 2000

// maxSubword bounds the length of the dictionary words looked for inside a longer word in
// search mode; longer department names are still indexed whole.
const maxSubword = 6

// Segmenter segments text. It is safe for concurrent use; AddWords may be called while
// other goroutines segment.
type Segmenter struct {
	mu  sync.RWMutex
	gse gse.Segmenter
	// added holds the words AddWords inserted that were in neither gse's dictionary nor
	// citydict.txt: only those can be removed again.
	added map[string]bool
}

// New loads the embedded general dictionary, the city dictionary and the stop words.
// Loading takes about two seconds, so processes should share one Segmenter (see Default).
func New() (*Segmenter, error) {
	g, err := gse.NewEmbed("zh_s")
	if err != nil {
		return nil, fmt.Errorf("textseg: load embedded dictionary: %w", err)
	}
	if err := g.LoadStopEmbed(); err != nil {
		return nil, fmt.Errorf("textseg: load embedded stop words: %w", err)
	}
	s := &Segmenter{gse: g, added: map[string]bool{}}
	words, err := ParseDictionary(cityDict)
	if err != nil {
		return nil, fmt.Errorf("textseg: city dictionary: %w", err)
	}
	if err := s.addWords(false, words); err != nil {
		return nil, err
	}
	for _, w := range lines(extraStopWords) {
		s.gse.AddStop(w)
	}
	return s, nil
}

var (
	defaultOnce sync.Once
	defaultSeg  *Segmenter
	defaultErr  error
)

// Default returns the process-wide Segmenter, loading it on first use.
func Default() (*Segmenter, error) {
	defaultOnce.Do(func() { defaultSeg, defaultErr = New() })
	return defaultSeg, defaultErr
}

// ParseDictionary reads entries "word [freq [pos]]", one a line; blank lines and lines
// starting with # are ignored. It is the format of the embedded city dictionary and of an
// operator's upload.
func ParseDictionary(text string) ([]Word, error) {
	var words []Word
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		w := Word{Text: f[0]}
		if len(f) > 1 {
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("line %d: bad frequency %q", n, f[1])
			}
			w.Freq = v
		}
		if len(f) > 2 {
			w.Pos = f[2]
		}
		words = append(words, w)
	}
	return words, sc.Err()
}

func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// AddWords adds words to the dictionary (e.g. the editable city dictionary kept in the
// database). Adding is slow (about half a second for any batch size), so add in batches.
// Words are normalised first so they match normalised text. A word already in
// the dictionary keeps its frequency. Texts indexed before the call keep their old tokens
// until they are re-indexed.
func (s *Segmenter) AddWords(words ...Word) error { return s.addWords(true, words) }

// NormalizeWord is the form a dictionary word is stored and looked up in.
func NormalizeWord(w string) string { return strings.ReplaceAll(Normalize(w), " ", "") }

func (s *Segmenter) addWords(record bool, words []Word) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	added := false
	for _, w := range words {
		t := NormalizeWord(w.Text)
		if t == "" {
			continue
		}
		freq := w.Freq
		if freq <= 0 {
			freq = DefaultFreq
		}
		if f, _, ok := s.gse.Dict.Find([]byte(t)); ok && f > 0 {
			continue // already known: keeps its frequency, and stays when removed
		}
		if err := s.gse.AddToken(t, freq, w.Pos); err != nil {
			return fmt.Errorf("textseg: add word %q: %w", w.Text, err)
		}
		if record {
			s.added[t] = true
		}
		added = true
	}
	if added {
		// The shortest-path segmenter uses per-word distances derived from the total
		// frequency; recompute them (about half a second) so new words compete fairly.
		s.gse.CalcToken()
	}
	return nil
}

// RemoveWords takes words added by AddWords out of the dictionary again; text segmented
// afterwards splits them as before. A word that gse's dictionary or citydict.txt already
// had cannot be removed (those are built in); such words are returned. Removal needs no
// recomputation: gse deletes the word from its trie, and the other words' distances are
// unchanged.
func (s *Segmenter) RemoveWords(words ...string) (builtIn []string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range words {
		t := NormalizeWord(w)
		if t == "" {
			continue
		}
		if !s.added[t] {
			if f, _, ok := s.gse.Dict.Find([]byte(t)); ok && f > 0 {
				builtIn = append(builtIn, t)
			}
			continue
		}
		if err := s.gse.RemoveToken(t); err != nil {
			return builtIn, fmt.Errorf("textseg: remove word %q: %w", w, err)
		}
		delete(s.added, t)
	}
	return builtIn, nil
}

// Known reports whether w is a dictionary word (built in or added).
func (s *Segmenter) Known(w string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, _, ok := s.gse.Dict.Find([]byte(NormalizeWord(w)))
	return ok && f > 0
}

// AddStopWords adds words that are never tokens.
func (s *Segmenter) AddStopWords(words ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range words {
		if w = Normalize(w); w != "" {
			s.gse.AddStop(w)
		}
	}
}

// IsStop reports whether w (normalised) is a stop word.
func (s *Segmenter) IsStop(w string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.gse.IsStop(w)
}

// Words segments text in precise mode (精确模式, gse's dictionary shortest path, which is
// about four times faster than its DAG+HMM mode and as good on hotline text): each character belongs to exactly one
// word, order is kept, stop words and punctuation are removed. This is the sequence for
// word bigrams and phrases.
func (s *Segmenter) Words(text string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.words(Normalize(text), nil)
}

// words appends the precise-mode words of normalised text to dst. Callers hold s.mu.
func (s *Segmenter) words(norm string, dst []string) []string {
	for _, w := range s.gse.Slice(norm) {
		dst = s.appendClean(dst, w)
	}
	return dst
}

// appendClean splits a segmenter word on anything that is not a letter or digit (so each
// part is one token for FTS5 and PostgreSQL alike) and appends the parts that are not
// stop words.
func (s *Segmenter) appendClean(dst []string, w string) []string {
	clean := true
	for _, r := range w {
		if !isWordRune(r) {
			clean = false
			break
		}
	}
	if clean {
		if w != "" && !s.gse.IsStop(w) {
			dst = append(dst, w)
		}
		return dst
	}
	for _, part := range strings.FieldsFunc(w, func(r rune) bool { return !isWordRune(r) }) {
		if !s.gse.IsStop(part) {
			dst = append(dst, part)
		}
	}
	return dst
}

// Tokens segments text for indexing in search mode (搜索引擎模式): every precise-mode word,
// and before each word longer than two characters the dictionary words inside it, so that
// 噪音 is a token of 噪音扰民 and 停车 a token of 停车费. Duplicates are kept: they are term
// frequencies for BM25.
func (s *Segmenter) Tokens(text string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	norm := Normalize(text)
	words := s.gse.Slice(norm)
	out := make([]string, 0, len(words)+len(words)/2)
	for _, w := range words {
		out = s.appendSubwords(out, w)
		out = s.appendClean(out, w)
	}
	return out
}

// appendSubwords appends the dictionary words of 2..maxSubword characters found inside w
// (excluding w itself). Callers hold s.mu.
func (s *Segmenter) appendSubwords(dst []string, w string) []string {
	n := utf8.RuneCountInString(w)
	if n <= 2 {
		return dst
	}
	b := []byte(w)
	offs := make([]int, 0, n+1) // byte offset of each rune, then len(b)
	for i := range w {
		offs = append(offs, i)
	}
	offs = append(offs, len(b))
	for size := 2; size < n && size <= maxSubword; size++ {
		for i := 0; i+size <= n; i++ {
			if freq, _, ok := s.gse.Dict.Find(b[offs[i]:offs[i+size]]); ok && freq > 0 {
				dst = s.appendClean(dst, w[offs[i]:offs[i+size]])
			}
		}
	}
	return dst
}

// QueryTokens segments a search query in precise mode and removes duplicates. Because the
// index holds the sub-words of long words, a precise query word matches both the same long
// word and, for a short query word, any indexed word containing it.
func (s *Segmenter) QueryTokens(q string) []string {
	ws := s.Words(q)
	seen := make(map[string]bool, len(ws))
	out := ws[:0]
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// IndexText returns the space-joined search-mode tokens of text: the value to store in an
// FTS5 column (tokenize='unicode61') or to pass to PostgreSQL's to_tsvector('simple', …).
func (s *Segmenter) IndexText(text string) string {
	return strings.Join(s.Tokens(text), " ")
}
