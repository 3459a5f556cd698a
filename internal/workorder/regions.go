package workorder

import (
	"context"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
)

// refTTL bounds how long a node works with reference data (regions, categories) another
// node has since changed; a change made through this node is seen at once.
const refTTL = 30 * time.Second

// refCache keeps reference data every registration reads: parsing every GeoJSON boundary
// on each registration with a map point was most of its cost, and reading the category
// (with its custom fields) a tenth of the rest.
type refCache[T any] struct {
	load func(ctx context.Context, st *store.Store) (T, error)

	mu     sync.Mutex
	val    T
	ok     bool
	loaded time.Time
}

func (c *refCache[T]) get(ctx context.Context, st *store.Store) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && time.Since(c.loaded) < refTTL {
		return c.val, nil
	}
	v, err := c.load(ctx, st)
	if err != nil {
		return v, err
	}
	c.val, c.ok, c.loaded = v, true, time.Now()
	return v, nil
}

func (c *refCache[T]) forget() {
	c.mu.Lock()
	c.ok = false
	c.mu.Unlock()
}

// regionRefs is the region tree as registration needs it: ids and a point locator.
type regionRefs struct {
	ids map[string]bool
	loc *org.Locator
}

func newRegionCache() *refCache[regionRefs] {
	return &refCache[regionRefs]{load: func(ctx context.Context, st *store.Store) (regionRefs, error) {
		regions, err := st.Regions(ctx)
		if err != nil {
			return regionRefs{}, err
		}
		ids := make(map[string]bool, len(regions))
		for _, r := range regions {
			ids[r.ID] = true
		}
		return regionRefs{ids: ids, loc: org.NewLocator(regions)}, nil
	}}
}

func newCategoryCache() *refCache[map[string]*org.Category] {
	return &refCache[map[string]*org.Category]{load: func(ctx context.Context, st *store.Store) (map[string]*org.Category, error) {
		all, err := st.Categories(ctx)
		if err != nil {
			return nil, err
		}
		m := make(map[string]*org.Category, len(all))
		for i := range all {
			m[all[i].ID] = &all[i]
		}
		return m, nil
	}}
}

func newDepartmentCache() *refCache[*org.Tree[org.Department]] {
	return &refCache[*org.Tree[org.Department]]{load: func(ctx context.Context, st *store.Store) (*org.Tree[org.Department], error) {
		all, err := st.Departments(ctx)
		if err != nil {
			return nil, err
		}
		return org.NewTree(all), nil
	}}
}

// departmentTree returns the cached department tree (a department user's scope is its
// subtree, computed on every request).
func (s *Service) departmentTree(ctx context.Context) (*org.Tree[org.Department], error) {
	if s.departments == nil {
		return newDepartmentCache().get(ctx, s.Store)
	}
	return s.departments.get(ctx, s.Store)
}

// regionRefs returns the cached regions; a Service not made by New reads them each time.
func (s *Service) regionRefs(ctx context.Context) (regionRefs, error) {
	if s.regions == nil {
		return newRegionCache().get(ctx, s.Store)
	}
	return s.regions.get(ctx, s.Store)
}

// category returns a category by id, from the cache or, when the cache does not know it
// (created on another node a moment ago), from the database.
func (s *Service) category(ctx context.Context, id string) (*org.Category, error) {
	if s.categories != nil {
		m, err := s.categories.get(ctx, s.Store)
		if err != nil {
			return nil, err
		}
		if c, ok := m[id]; ok {
			return c, nil
		}
	}
	return s.Store.CategoryByID(ctx, id)
}

// regionExists reports whether a region exists, from the cache or the database.
func (s *Service) regionExists(ctx context.Context, id string) (bool, error) {
	refs, err := s.regionRefs(ctx)
	if err != nil {
		return false, err
	}
	if refs.ids[id] {
		return true, nil
	}
	return s.Store.RegionExists(ctx, id)
}
