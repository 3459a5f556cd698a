package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/textseg"
)

const dictionaryHelp = `Usage: hotline dictionary <what> [flags]

The city dictionary (城市词典): place names, department names and hotline terms that word
segmentation must keep whole, on top of the built-in dictionaries.

What:
  add      add words: hotline dictionary add WORD… or --file FILE ("word [frequency [pos]]" lines)
  list     list the words, newest first
  remove   remove words: hotline dictionary remove WORD…

A running serve learns edits within a minute. Tickets and articles indexed before keep their
old words until 'hotline search reindex' (or the API's POST /api/v1/dictionary/reindex)
re-segments them. Run 'hotline dictionary <what> --help' for its flags.
`

func runDictionary(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "dictionary", args, map[string]func(context.Context, *env, []string) error{
		"add": runDictionaryAdd, "list": runDictionaryList, "remove": runDictionaryRemove,
	}, dictionaryHelp)
}

func runDictionaryAdd(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("dictionary add", "dictionary add [--freq F] [--pos P] WORD… | --file FILE", `
Add words to the city dictionary. A word is 2 to 20 letters or digits. --freq is the weight
against splitting the word (0: the default, 2000); --pos a part-of-speech tag (ns place,
nt organisation). With --file, each line is "word [frequency [pos]]"; # starts a comment.
Words already there are reported and skipped.`)
	var d dbFlags
	d.register(fs)
	freq := fs.Float64("freq", 0, "frequency (weight); 0 = default")
	pos := fs.String("pos", "", "part of speech, e.g. ns, nt")
	file := fs.String("file", "", "file of words, one a line")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	var words []store.DictWord
	for _, w := range fs.Args() {
		words = append(words, store.DictWord{Word: w, Frequency: *freq, Pos: *pos})
	}
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		parsed, err := textseg.ParseDictionary(string(b))
		if err != nil {
			return usagef("%s: %v", *file, err)
		}
		for _, w := range parsed {
			words = append(words, store.DictWord{Word: w.Text, Frequency: w.Freq, Pos: w.Pos})
		}
	}
	if len(words) == 0 {
		return usagef("words to add are required (arguments or --file)")
	}
	for i := range words { // every word checked before any is stored
		if fe := kb.CheckWord(&words[i]); len(fe) > 0 {
			var parts []string
			for f, why := range fe {
				parts = append(parts, f+": "+why)
			}
			return usagef("%q: %s", words[i].Word, strings.Join(parts, "; "))
		}
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	added := 0
	for i := range words {
		w := &words[i]
		w.CreatedBy = cliActor
		err := st.InTx(ctx, func(tx *store.Tx) error { return tx.AddDictionaryWord(ctx, w) })
		if errors.Is(err, store.ErrConflict) {
			fmt.Fprintf(e.stderr, "%s: already in the dictionary\n", w.Word)
			continue
		}
		if err != nil {
			return err
		}
		added++
	}
	fmt.Fprintf(e.stdout, "added %d words; run 'hotline search reindex' to re-segment texts indexed before\n", added)
	return nil
}

func runDictionaryList(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("dictionary list", "dictionary list [--q TEXT] [--limit N]", `
List the city dictionary, newest first: word, frequency (0 = default), part of speech, who
added it and when.`)
	var d dbFlags
	d.register(fs)
	q := fs.String("q", "", "only words containing this text")
	limit := fs.Int("limit", 0, "at most this many words (0: all)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *limit < 0 {
		return usagef("--limit must not be negative")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	words, total, err := st.DictionaryWords(ctx, store.DictionaryFilter{Q: *q, Limit: *limit})
	if err != nil {
		return err
	}
	for _, w := range words {
		fmt.Fprintf(e.stdout, "%s\t%g\t%s\t%s\t%s\n", w.Word, w.Frequency, w.Pos, w.CreatedBy, w.CreatedAt.Format("2006-01-02 15:04"))
	}
	fmt.Fprintf(e.stderr, "%d of %d words\n", len(words), total)
	return nil
}

func runDictionaryRemove(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("dictionary remove", "dictionary remove WORD…", `
Remove words from the city dictionary. A running serve forgets them within a minute, except
words its built-in dictionaries also have (those stay words).`)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("words to remove are required")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	var missing []string
	removed := 0
	for _, w := range fs.Args() {
		w = textseg.NormalizeWord(w)
		err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RemoveDictionaryWord(ctx, w) })
		if errors.Is(err, store.ErrNotFound) {
			missing = append(missing, w)
			continue
		}
		if err != nil {
			return err
		}
		removed++
	}
	fmt.Fprintf(e.stdout, "removed %d words; run 'hotline search reindex' to re-segment texts indexed before\n", removed)
	if len(missing) > 0 {
		return fmt.Errorf("not in the dictionary: %s", strings.Join(missing, " "))
	}
	return nil
}
