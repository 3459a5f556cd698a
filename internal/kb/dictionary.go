package kb

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/textseg"
)

// The editable city dictionary (城市词典): words kept in the database that the process-wide
// segmenter learns on top of gse's dictionary and citydict.txt. The segmenter is one per
// process, so one store is its source (UseDictionary; serve's store).
var (
	dictSource  atomic.Pointer[store.Store]
	dictMu      sync.Mutex
	dictApplied = map[string]store.DictWord{} // learned words by normalised text
	dictVersion atomic.Value                  // string: CurrentDictVersion
)

// UseDictionary makes st the source of the editable dictionary: the segmenter learns its
// words when it loads, and SyncDictionary keeps them current.
func UseDictionary(st *store.Store) { dictSource.Store(st) }

// CurrentDictVersion is DictVersion and, when the segmenter has learned editable words, a
// hash of them: what a row's tokens are stamped with.
func CurrentDictVersion() string {
	if v, ok := dictVersion.Load().(string); ok && v != "" {
		return v
	}
	return DictVersion
}

// sameTokenisation reports whether tokens stamped v came from this tokenisation, whatever
// the editable dictionary was then.
func sameTokenisation(v string) bool {
	return v == DictVersion || strings.HasPrefix(v, DictVersion+".")
}

// Errors of dictionary edits.
var (
	ErrWordExists  = errors.New("the word is already in the city dictionary")
	ErrWordMissing = errors.New("the word is not in the city dictionary")
)

// SyncDictionary makes the segmenter's learned words those of st: new ones are added in
// one batch (≈0.5 s), removed ones taken out. It does nothing while the segmenter is not
// loaded (it learns everything when it loads). It returns how many words changed.
func SyncDictionary(ctx context.Context, st *store.Store) (added, removed int, err error) {
	if !segLoaded.Load() {
		return 0, 0, nil
	}
	seg, err := textseg.Default()
	if err != nil {
		return 0, 0, err
	}
	words, _, err := st.DictionaryWords(ctx, store.DictionaryFilter{})
	if err != nil {
		return 0, 0, err
	}
	dictMu.Lock()
	defer dictMu.Unlock()
	want := make(map[string]store.DictWord, len(words))
	var add []textseg.Word
	for _, w := range words {
		want[w.Word] = w
		if old, ok := dictApplied[w.Word]; !ok || old.Frequency != w.Frequency || old.Pos != w.Pos {
			add = append(add, textseg.Word{Text: w.Word, Freq: w.Frequency, Pos: w.Pos})
		}
	}
	var gone []string
	for w := range dictApplied {
		if _, ok := want[w]; !ok {
			gone = append(gone, w)
		}
	}
	if len(gone) > 0 {
		if _, err := seg.RemoveWords(gone...); err != nil {
			return 0, 0, err
		}
	}
	if len(add) > 0 {
		if err := seg.AddWords(add...); err != nil {
			return 0, 0, err
		}
	}
	dictApplied = want
	dictVersion.Store(versionOf(want))
	return len(add), len(gone), nil
}

func versionOf(words map[string]store.DictWord) string {
	if len(words) == 0 {
		return DictVersion
	}
	keys := make([]string, 0, len(words))
	for k := range words {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := fnv.New64a()
	for _, k := range keys {
		w := words[k]
		fmt.Fprintf(h, "%s\t%s\t%s\n", k, strconv.FormatFloat(w.Frequency, 'g', -1, 64), w.Pos)
	}
	return DictVersion + "." + strconv.FormatUint(h.Sum64(), 36)
}

// CheckWord normalises a dictionary word and says what is wrong with it, if anything.
func CheckWord(w *store.DictWord) map[string]string {
	fe := map[string]string{}
	w.Word = textseg.NormalizeWord(w.Word)
	n := utf8.RuneCountInString(w.Word)
	switch {
	case n < 2:
		fe["word"] = "at least two characters"
	case n > 20:
		fe["word"] = "at most 20 characters"
	default:
		for _, r := range w.Word {
			// Tokens are letters and digits only (textseg); anything else would split.
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				fe["word"] = "letters and digits only (汉字, a-z, 0-9)"
				break
			}
		}
	}
	if w.Frequency < 0 || w.Frequency > 1e7 {
		fe["frequency"] = "from 0 (default weight) to 10000000"
	}
	if len(w.Pos) > 8 || strings.IndexFunc(w.Pos, func(r rune) bool { return !(r >= 'a' && r <= 'z') }) >= 0 {
		fe["pos"] = "a short part-of-speech tag in lower-case letters, e.g. ns, nt, n"
	}
	return fe
}

// FieldErrors are a dictionary edit's invalid fields.
type FieldErrors map[string]string

func (f FieldErrors) Error() string { return "invalid dictionary word" }

// AddWord stores a word of the city dictionary and, when the segmenter is loaded, teaches
// it at once. Texts indexed before keep their old words until re-indexed (StartReindex).
func AddWord(ctx context.Context, st *store.Store, p access.Principal, w store.DictWord) (*store.DictWord, error) {
	if !p.Has(access.ManageDictionary) {
		return nil, ErrForbidden
	}
	if fe := CheckWord(&w); len(fe) > 0 {
		return nil, FieldErrors(fe)
	}
	w.CreatedBy = p.UserID
	if _, err := Segmenter(); err != nil { // learned at once: load it now (≈2 s the first time)
		return nil, err
	}
	err := st.InTx(ctx, func(tx *store.Tx) error { return tx.AddDictionaryWord(ctx, &w) })
	if errors.Is(err, store.ErrConflict) {
		return nil, ErrWordExists
	}
	if err != nil {
		return nil, err
	}
	if _, _, err := SyncDictionary(ctx, st); err != nil {
		return &w, err
	}
	return &w, nil
}

// RemoveWord deletes a word of the city dictionary and takes it out of the segmenter. A
// word that gse's dictionary or citydict.txt also has stays a word: builtIn is then true.
func RemoveWord(ctx context.Context, st *store.Store, p access.Principal, word string) (norm string, builtIn bool, err error) {
	if !p.Has(access.ManageDictionary) {
		return "", false, ErrForbidden
	}
	seg, err := Segmenter()
	if err != nil {
		return "", false, err
	}
	word = textseg.NormalizeWord(word)
	err = st.InTx(ctx, func(tx *store.Tx) error { return tx.RemoveDictionaryWord(ctx, word) })
	if errors.Is(err, store.ErrNotFound) {
		return "", false, ErrWordMissing
	}
	if err != nil {
		return "", false, err
	}
	if _, _, err = SyncDictionary(ctx, st); err != nil {
		return word, false, err
	}
	return word, seg.Known(word), nil
}

// ReindexState is the background re-index of a store.
type ReindexState struct {
	Running  bool   `json:"running"`
	Indexed  int    `json:"indexed"`            // tickets re-segmented by the current or last run
	Pending  int    `json:"pending"`            // tickets not yet segmented with Version
	Version  string `json:"dictionary_version"` // CurrentDictVersion
	LastErr  string `json:"last_error,omitempty"`
	Articles int    `json:"articles"` // articles re-segmented by the current or last run
}

type reindexJob struct {
	running       bool
	again         bool // an edit came while running: run once more
	indexed, arts int
	err           string
}

var (
	jobsMu sync.Mutex
	jobs   = map[*store.Store]*reindexJob{}
)

// StartReindex re-segments, in the background, every ticket and article whose words were
// made with another dictionary (after an edit of the city dictionary), batch by batch. At
// most one run per store; a call during a run makes it go once more at the end.
func StartReindex(st *store.Store, log *slog.Logger) {
	jobsMu.Lock()
	j := jobs[st]
	if j == nil {
		j = &reindexJob{}
		jobs[st] = j
	}
	if j.running {
		j.again = true
		jobsMu.Unlock()
		return
	}
	j.running, j.indexed, j.arts, j.err = true, 0, 0, ""
	jobsMu.Unlock()
	go func() {
		ctx := context.Background()
		for {
			n, err := Reindex(ctx, st, 500, nil)
			a := 0
			if err == nil {
				a, err = ReindexArticles(ctx, st)
			}
			jobsMu.Lock()
			j.indexed += n
			j.arts += a
			if err != nil {
				j.err = err.Error()
				if log != nil {
					log.Warn("search: reindex after a dictionary edit", "err", err)
				}
			}
			if !j.again {
				j.running = false
				jobsMu.Unlock()
				return
			}
			j.again = false
			jobsMu.Unlock()
		}
	}()
}

// Reindexing reports the store's background re-index and how many tickets are left.
func Reindexing(ctx context.Context, st *store.Store) (ReindexState, error) {
	jobsMu.Lock()
	var s ReindexState
	if j := jobs[st]; j != nil {
		s = ReindexState{Running: j.running, Indexed: j.indexed, Articles: j.arts, LastErr: j.err}
	}
	jobsMu.Unlock()
	s.Version = CurrentDictVersion()
	n, err := st.CountTicketsToIndex(ctx, s.Version)
	s.Pending = n
	return s, err
}

// ReindexArticles re-segments every knowledge article (there are few; no version is
// recorded per article), each in its own transaction. It returns how many.
func ReindexArticles(ctx context.Context, st *store.Store) (int, error) {
	seg, err := Segmenter()
	if err != nil {
		return 0, err
	}
	ids, err := st.ArticleIDs(ctx)
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		a, err := st.Article(ctx, id)
		if err != nil {
			return i, err
		}
		tk := articleTokens(seg, a)
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SetArticleTokens(ctx, id, tk) }); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// ListWords pages through the city dictionary.
func ListWords(ctx context.Context, st *store.Store, p access.Principal, f store.DictionaryFilter) ([]store.DictWord, int, error) {
	if !p.Has(access.ManageDictionary) {
		return nil, 0, ErrForbidden
	}
	return st.DictionaryWords(ctx, f)
}

// RequestReindex starts the background re-index (StartReindex) for a principal.
func RequestReindex(ctx context.Context, st *store.Store, p access.Principal, log *slog.Logger) (ReindexState, error) {
	if !p.Has(access.ManageDictionary) {
		return ReindexState{}, ErrForbidden
	}
	StartReindex(st, log)
	return Reindexing(ctx, st)
}

// ReindexStatus is Reindexing for a principal.
func ReindexStatus(ctx context.Context, st *store.Store, p access.Principal) (ReindexState, error) {
	if !p.Has(access.ManageDictionary) {
		return ReindexState{}, ErrForbidden
	}
	return Reindexing(ctx, st)
}
