package httpapi

import (
	"context"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
)

// orgTTL is how long names of departments, categories, regions and people are reused. Every ticket
// answer shows them, and reading three whole trees per request would cost more than the
// request itself; a rename made on another node shows up here within this time.
const orgTTL = 5 * time.Second

type orgCache struct {
	mu      sync.Mutex
	names   *names
	loaded  time.Time
	loading chan struct{} // closed when the load in flight ends
}

// names returns the organisation trees, loading them at most once per orgTTL (one load at
// a time: concurrent callers wait for it rather than all hitting the database).
func (a *api) names(ctx context.Context) (*names, error) {
	c := &a.orgs
	for {
		c.mu.Lock()
		if c.names != nil && time.Since(c.loaded) < orgTTL {
			n := c.names
			c.mu.Unlock()
			return n, nil
		}
		if wait := c.loading; wait != nil {
			c.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		c.loading = done
		c.mu.Unlock()
		n, err := a.loadNames(ctx)
		c.mu.Lock()
		if err == nil {
			c.names, c.loaded = n, time.Now()
		}
		c.loading = nil
		close(done)
		c.mu.Unlock()
		return n, err
	}
}

// forgetNames makes the next request reload the trees (after a change made here).
func (a *api) forgetNames() {
	a.orgs.mu.Lock()
	a.orgs.names = nil
	a.orgs.mu.Unlock()
}

func (a *api) loadNames(ctx context.Context) (*names, error) {
	depts, err := a.st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := a.st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	regions, err := a.st.Regions(ctx)
	if err != nil {
		return nil, err
	}
	for i := range regions {
		regions[i].Boundary = nil // only names are needed here
	}
	users, err := a.st.Users(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := a.st.APIKeys(ctx)
	if err != nil {
		return nil, err
	}
	people := make(map[string]string, len(users)+len(keys))
	for _, u := range users {
		people[u.ID] = u.DisplayName
		if u.DisplayName == "" {
			people[u.ID] = u.Username
		}
	}
	for _, k := range keys {
		people["apikey:"+k.ID] = k.Name
	}
	return &names{depts: org.NewTree(depts), cats: org.NewTree(cats), regions: org.NewTree(regions), people: people}, nil
}
