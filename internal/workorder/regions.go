package workorder

import (
	"context"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
)

// regionTTL bounds how long a node locates points with boundaries another node has since
// changed; a change made through this node is seen at once.
const regionTTL = 30 * time.Second

// regionCache keeps the parsed region boundaries: parsing every GeoJSON boundary on each
// registration with a map point was most of the cost of registering.
type regionCache struct {
	mu     sync.Mutex
	loc    *org.Locator
	loaded time.Time
}

func (c *regionCache) get(ctx context.Context, st *store.Store) (*org.Locator, error) {
	if c == nil { // a Service not made by New
		regions, err := st.Regions(ctx)
		if err != nil {
			return nil, err
		}
		return org.NewLocator(regions), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loc != nil && time.Since(c.loaded) < regionTTL {
		return c.loc, nil
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		return nil, err
	}
	c.loc, c.loaded = org.NewLocator(regions), time.Now()
	return c.loc, nil
}

func (c *regionCache) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.loc = nil
	c.mu.Unlock()
}
