package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/kb"
)

const searchHelp = `Usage: hotline search <what> [flags]

What:
  reindex   segment every ticket not yet indexed with this dictionary version (imported,
            seeded, from before the search migration, or after a dictionary change)
  query     search tickets as a centre user would: hotline search query WORDS
  pending   how many tickets wait for their search words (the indexer's backlog)

Run 'hotline search <what> --help' for its flags.
`

func runSearch(ctx context.Context, e *env, args []string) error {
	return sub(ctx, e, "search", args, map[string]func(context.Context, *env, []string) error{
		"reindex": runSearchReindex,
		"query":   runSearchQuery,
		"pending": runSearchPending,
	}, searchHelp)
}

func runSearchReindex(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("search reindex", "search reindex [--batch 500] [flags]", `
Segment (Chinese word segmentation) every ticket whose search words are missing or were made
with another dictionary version (the city dictionary changed: hotline dictionary), batch by
batch, each batch its own transaction; then every knowledge article. Safe to run while serve
runs and to interrupt: it picks up where it stopped.`)
	var d dbFlags
	d.register(fs)
	batch := fs.Int("batch", 500, "tickets per transaction")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *batch < 1 || *batch > 10000 {
		return usagef("--batch must be from 1 to 10000")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	kb.UseDictionary(st) // segment with the city dictionary's words
	n, err := kb.Reindex(ctx, st, *batch, e.stderr)
	if err != nil {
		return err
	}
	a, err := kb.ReindexArticles(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "indexed %d tickets and %d knowledge articles (dictionary version %s)\n", n, a, kb.CurrentDictVersion())
	return nil
}

func runSearchPending(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("search pending", "search pending [--wait 0s] [flags]", `
Print how many tickets wait for their search words: registered during a burst, or before
any search loaded the segmenter. A running server's indexer writes them in the background.
With --wait, poll until none is left (or the time is up) and say how long that took.`)
	var d dbFlags
	d.register(fs)
	wait := fs.Duration("wait", 0, "poll until no ticket is pending, for at most this long")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *wait < 0 {
		return usagef("--wait must not be negative")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	for {
		n, err := st.CountPendingIndex(ctx)
		if err != nil {
			return err
		}
		if n == 0 || time.Since(start) >= *wait {
			fmt.Fprintf(e.stdout, "%d tickets wait for their search words", n)
			if *wait > 0 {
				fmt.Fprintf(e.stdout, " (after %.1fs)", time.Since(start).Seconds())
			}
			fmt.Fprintln(e.stdout)
			if n > 0 && *wait > 0 {
				return fmt.Errorf("search index still %d tickets behind after %s", n, *wait)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func runSearchQuery(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("search query", "search query [--limit 20] WORDS…", `
Search every ticket (as a dispatcher would) and print the hits as JSON lines: number,
state, subject with <mark> around matches, score.`)
	var d dbFlags
	d.register(fs)
	limit := fs.Int("limit", 20, "hits, at most 200")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(q) == "" {
		return usagef("words to search for are required")
	}
	if *limit < 1 || *limit > 200 {
		return usagef("--limit must be from 1 to 200")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	kb.UseDictionary(st)
	p := access.Principal{UserID: cliActor, Role: access.Dispatcher}
	res, err := kb.SearchTickets(ctx, st, p, kb.SearchQuery{Q: q, Limit: *limit})
	if err != nil {
		return err
	}
	if res.Any {
		fmt.Fprintln(e.stderr, "no ticket has every word; these have some")
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, h := range res.Hits {
		_ = enc.Encode(map[string]any{"number": h.Ticket.Number, "state": h.Ticket.State, "subject_html": h.Subject, "score": h.Score})
	}
	return nil
}
