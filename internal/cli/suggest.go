package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/suggest"
)

func runSuggest(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "train" {
		return runSuggestTrain(ctx, e, args[1:])
	}
	fs := e.flagSet("suggest", "suggest --subject S --text T [--address A] | suggest train", `
Suggest a category and department for a ticket's text (智能派单) with the newest model in
the database, and print the answer of POST /api/v1/suggest (JSON). Below the confidence
threshold the answer says it abstains instead of guessing.

  hotline suggest train   trains a model on the closed and imported tickets in the
                          database and stores it there (serve also retrains periodically)`)
	var d dbFlags
	d.register(fs)
	subject := fs.String("subject", "", "the ticket's subject")
	text := fs.String("text", "", "the ticket's description")
	address := fs.String("address", "", "the ticket's address (used by rules only)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if strings.TrimSpace(*subject) == "" && strings.TrimSpace(*text) == "" {
		return usagef("--subject or --text is required")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := kb.For(st).Suggest(ctx, suggest.Input{Subject: *subject, Text: *text, Address: *address})
	if err != nil {
		return err
	}
	out := struct {
		Suggestions   []suggest.Suggestion `json:"suggestions"`
		Abstained     bool                 `json:"abstained"`
		TopConfidence float64              `json:"top_confidence"`
		Threshold     float64              `json:"threshold"`
		Message       string               `json:"message,omitempty"`
	}{res.Suggestions, res.Abstained, res.TopConfidence, suggest.DefaultThreshold, ""}
	if out.Suggestions == nil {
		out.Suggestions = []suggest.Suggestion{}
	}
	if res.Abstained {
		out.Message = "没有足够把握给出建议，请人工选择分类和部门 (confidence below the threshold)"
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func runSuggestTrain(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("suggest train", "suggest train [flags]", `
Train the dispatch-suggestion model on every closed ticket and every imported ticket that
has a category, and store it in the database (the newest three are kept). Running servers
pick the new model up within 30 seconds.`)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return &usageError{msg: err.Error(), cmd: "suggest train"}
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := kb.For(st).Train(ctx)
	if err != nil {
		return &subError{cmd: "suggest train", err: err}
	}
	fmt.Fprintf(e.stdout, "trained on %d tickets, %d categories, in %s\n", res.Examples, res.Categories, res.Took.Round(1e6))
	return nil
}
