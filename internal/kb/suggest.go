package kb

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/suggest"
)

// RulesSetting is the settings key holding the editable dispatch rules (派单规则) as a JSON
// list of suggest.Rule. Categories with a department are rules too (the category's usual
// department, any region); explicit rules are more specific or have a priority.
const RulesSetting = "dispatch.rules"

// ErrNoModel means no model was trained yet: run hotline suggest train.
var ErrNoModel = errors.New("no dispatch model yet: run hotline suggest train (or wait for serve to train one)")

// Suggestions answers suggestion requests from the newest model stored in the database,
// reloading it when a newer one appears (checked at most every 30 s).
type Suggestions struct {
	st *store.Store

	mu      sync.Mutex
	sug     *suggest.Suggester
	modelID int64
	checked time.Time
}

// TrainResult describes a training run.
type TrainResult struct {
	Examples   int           `json:"examples"`
	Categories int           `json:"categories"`
	Took       time.Duration `json:"took"`
}

// Train fits a model on the closed and imported tickets with a category and stores it.
func (x *Suggestions) Train(ctx context.Context) (TrainResult, error) {
	start := time.Now()
	ex, err := Examples(ctx, x.st)
	if err != nil {
		return TrainResult{}, err
	}
	seg, err := Segmenter()
	if err != nil {
		return TrainResult{}, err
	}
	m, err := suggest.Train(seg, ex, suggest.DefaultOptions())
	if err != nil {
		return TrainResult{}, err
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		return TrainResult{}, err
	}
	if err := x.st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveSuggestModel(ctx, buf.Bytes(), m.TrainedOn) }); err != nil {
		return TrainResult{}, err
	}
	x.mu.Lock()
	x.checked = time.Time{} // load it on the next request
	x.mu.Unlock()
	return TrainResult{Examples: m.TrainedOn, Categories: len(m.Categories), Took: time.Since(start)}, nil
}

// Examples reads the training tickets with their category paths. Stored search tokens are
// used when they hold the description alone (no reply), which spares most segmentation.
func Examples(ctx context.Context, st *store.Store) ([]suggest.Example, error) {
	cats, err := st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]org.Category{}
	for _, c := range cats {
		byID[c.ID] = c
	}
	paths := map[string][2][]string{}
	path := func(id string) ([]string, []string) {
		if p, ok := paths[id]; ok {
			return p[0], p[1]
		}
		var names, ids []string
		for c, ok := byID[id]; ok && len(ids) < 10; c, ok = byID[c.ParentID] {
			names = append([]string{c.Name}, names...)
			ids = append([]string{c.ID}, ids...)
		}
		paths[id] = [2][]string{names, ids}
		return names, ids
	}
	rows, err := st.TrainingTickets(ctx)
	if err != nil {
		return nil, err
	}
	ex := make([]suggest.Example, 0, len(rows))
	for _, r := range rows {
		names, ids := path(r.CategoryID)
		e := suggest.Example{Subject: r.Subject, Text: r.Description, CategoryID: r.CategoryID,
			CategoryPath: names, CategoryIDPath: ids, DepartmentID: r.DepartmentID}
		if sameTokenisation(r.Dict) && !r.HasReply { // a row from before a dictionary edit is close enough to learn from
			e.SubjectTokens, e.TextTokens = strings.Fields(r.SubjectTokens), strings.Fields(r.BodyTokens)
		}
		ex = append(ex, e)
	}
	return ex, nil
}

// Suggest ranks categories and departments for a new ticket's text.
func (x *Suggestions) Suggest(ctx context.Context, in suggest.Input) (suggest.Result, error) {
	s, err := x.suggester(ctx)
	if err != nil {
		return suggest.Result{}, err
	}
	return s.Suggest(in), nil
}

func (x *Suggestions) suggester(ctx context.Context) (*suggest.Suggester, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.sug != nil && time.Since(x.checked) < 30*time.Second {
		return x.sug, nil
	}
	info, err := x.st.LatestSuggestModelInfo(ctx)
	if errors.Is(err, store.ErrNotFound) {
		// No model yet: train one now if there is anything to learn from (the first
		// request waits; later ones use it).
		if n, cerr := x.st.CountTrainingTickets(ctx); cerr != nil || n == 0 {
			return nil, ErrNoModel
		}
		x.mu.Unlock()
		_, terr := x.Train(ctx)
		x.mu.Lock()
		if terr != nil {
			return nil, terr
		}
		info, err = x.st.LatestSuggestModelInfo(ctx)
	}
	if err != nil {
		return nil, err
	}
	if x.sug != nil && info.ID == x.modelID {
		x.checked = time.Now()
		return x.sug, nil
	}
	b, err := x.st.SuggestModel(ctx, info.ID)
	if err != nil {
		return nil, err
	}
	m, err := suggest.Load(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	seg, err := Segmenter()
	if err != nil {
		return nil, err
	}
	rules, err := loadRules(ctx, x.st)
	if err != nil {
		return nil, err
	}
	x.sug = &suggest.Suggester{Model: m, Seg: seg, Rules: rules}
	x.modelID, x.checked = info.ID, time.Now()
	return x.sug, nil
}

func loadRules(ctx context.Context, st *store.Store) (*suggest.Rules, error) {
	var rules []suggest.Rule
	if _, err := st.Setting(ctx, RulesSetting, &rules); err != nil {
		return nil, err
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		if c.DepartmentID != "" {
			rules = append(rules, suggest.Rule{ID: "category:" + c.ID, CategoryID: c.ID, DepartmentID: c.DepartmentID, Priority: -1})
		}
	}
	return suggest.NewRules(rules), nil
}
