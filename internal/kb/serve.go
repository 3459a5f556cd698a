package kb

import (
	"context"
	"log/slog"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Intervals of the background work Serve starts.
var (
	ReindexEvery  = 10 * time.Minute // index tickets written without the hook (import, bench seed)
	IndexerEvery  = time.Second      // look for tickets registered without their words
	RetrainEvery  = 6 * time.Hour    // retrain when the training tickets changed
	DictSyncEvery = time.Minute      // learn city-dictionary edits made by other processes (hotline dictionary add)
)

// Serve wires the text features into a server: the search index hook on the work-order
// service (so every ticket event writes its words in its own transaction), and background
// goroutines, ending with ctx: one indexes tickets written around the service and retrains
// the dispatch model, one writes the words of tickets registered in a burst (indexBacklog). Nothing loads the dictionary until there is text to segment: the
// first check is one ReindexEvery after start. Call it before demo data is loaded.
// The store's editable city dictionary is learned when the segmenter loads, and edits made
// by other processes within DictSyncEvery.
func Serve(ctx context.Context, st *store.Store, svc *workorder.Service, log *slog.Logger) {
	Wire(svc)
	UseDictionary(st)
	go background(ctx, st, ReindexEvery, log)
	go every(ctx, DictSyncEvery, func() { syncDictionary(ctx, st, log) })
	go every(ctx, IndexerEvery, func() { indexBacklog(ctx, st, svc, log) })
}

// every calls fn every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fn()
	}
}

// Batches of the indexer: small while registrations queue up, so that it gives way to them
// but the index never stops moving; large otherwise.
const (
	indexBatchBusy = 50
	indexBatch     = 500
)

// indexBacklog writes the words of tickets registered pending: during a burst of
// registrations (svc.Busy), and before the segmenter loaded if a search has loaded it since.
// Nothing is done before text is in use (the first search catches up; CatchUp).
func indexBacklog(ctx context.Context, st *store.Store, svc *workorder.Service, log *slog.Logger) {
	if !segLoaded.Load() {
		return
	}
	for ctx.Err() == nil {
		busy := svc.Busy()
		limit := indexBatch
		if busy {
			limit = indexBatchBusy
		}
		n, err := indexPending(ctx, st, limit)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("search: indexer", "err", err)
			}
			return
		}
		if n < limit || busy {
			return
		}
	}
}

func syncDictionary(ctx context.Context, st *store.Store, log *slog.Logger) {
	if a, r, err := SyncDictionary(ctx, st); err != nil {
		log.Warn("search: city dictionary", "err", err)
	} else if a+r > 0 {
		log.Info("search: city dictionary changed; tickets indexed before keep their old words until re-indexed",
			"added", a, "removed", r)
	}
}

func background(ctx context.Context, st *store.Store, d time.Duration, log *slog.Logger) {
	var lastTrain time.Time
	if info, err := st.LatestSuggestModelInfo(ctx); err == nil {
		lastTrain = info.TrainedAt
	}
	every(ctx, d, func() {
		if !segLoaded.Load() {
			// Nobody used text yet: pending tickets wait for the first search (CatchUp).
		} else if n, err := Reindex(ctx, st, 500, nil); err != nil {
			log.Warn("search: reindex", "err", err)
		} else if n > 0 {
			log.Info("search: indexed tickets written without the index hook", "tickets", n)
		}
		if !segLoaded.Load() || time.Since(lastTrain) < RetrainEvery {
			// Retrain only where text is in use; the first suggestion trains if no model exists.
			return
		}
		lastTrain = time.Now()
		n, err := st.CountTrainingTickets(ctx)
		if err != nil || n == 0 {
			return
		}
		if info, err := st.LatestSuggestModelInfo(ctx); err == nil && info.Examples == n {
			return
		}
		res, err := For(st).Train(ctx)
		if err != nil {
			log.Warn("suggest: retrain", "err", err)
			return
		}
		log.Info("suggest: retrained", "examples", res.Examples, "categories", res.Categories, "took", res.Took)
	})
}
