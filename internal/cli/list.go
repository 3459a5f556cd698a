package cli

import (
	"context"

	"github.com/hotline-dev/hotline/internal/store"
)

// openForList parses a list command that takes only the database flags and opens the
// store it names, without migrating it.
func openForList(ctx context.Context, e *env, args []string, name, usage, help string) (*store.Store, error) {
	fs := e.flagSet(name, usage, help)
	var d dbFlags
	d.register(fs)
	if err := e.parse(fs, args); err != nil {
		return nil, err
	}
	if err := noArgs(fs); err != nil {
		return nil, err
	}
	return d.open(ctx, false)
}
