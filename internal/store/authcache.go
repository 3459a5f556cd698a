package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// authTTL bounds how long a node trusts a session or API key it has looked up. A change
// made through this node (logout, password change, disabling a user, revoking a key) is
// seen at once; one made through another node or the CLI within authTTL.
const authTTL = 5 * time.Second

// maxAuthEntries bounds the cache; when full it is emptied (a centre has hundreds of
// staff sessions, not millions).
const maxAuthEntries = 10000

// authCache keeps recent session and API-key lookups: every API request authenticates,
// and the lookup was a tenth of a ticket registration's cost.
type authCache struct {
	// gen changes with every write to users, sessions or API keys, before that write and
	// again after its commit; an entry read under another generation is not used, so no
	// lookup that raced a change can outlive it.
	gen atomic.Uint64

	mu      sync.Mutex
	entries map[string]authEntry
}

type authEntry struct {
	gen   uint64
	until time.Time
	user  *User
	key   *APIKey
}

func (c *authCache) get(hash string) (authEntry, bool) {
	c.mu.Lock()
	e, ok := c.entries[hash]
	c.mu.Unlock()
	if !ok || e.gen != c.gen.Load() || time.Now().After(e.until) {
		return authEntry{}, false
	}
	return e, true
}

func (c *authCache) put(hash string, gen uint64, e authEntry) {
	e.gen, e.until = gen, time.Now().Add(authTTL)
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxAuthEntries {
		c.entries = map[string]authEntry{}
	}
	c.entries[hash] = e
	c.mu.Unlock()
}

// changed invalidates every entry.
func (c *authCache) changed() { c.gen.Add(1) }

// authChanged records, inside a transaction, that it writes users, sessions or keys: the
// cache is invalidated now and again once the transaction has ended.
func (tx *Tx) authChanged() {
	tx.s.auth.changed()
	if tx.touchedAuth != nil {
		*tx.touchedAuth = true
	}
}

// SessionUser returns the user of a live session.
func (s *Store) SessionUser(ctx context.Context, tokenHash string, at time.Time) (*User, error) {
	if e, ok := s.auth.get("s" + tokenHash); ok {
		u := *e.user
		return &u, nil
	}
	gen := s.auth.gen.Load()
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+prefixed("u.", userColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`,
		tokenHash, ms(at)))
	if err != nil {
		return nil, err
	}
	cached := *u
	s.auth.put("s"+tokenHash, gen, authEntry{user: &cached})
	return u, nil
}

// APIKeyByHash finds a live (not revoked) key by the hash of its secret.
func (s *Store) APIKeyByHash(ctx context.Context, keyHash string) (*APIKey, error) {
	if e, ok := s.auth.get("k" + keyHash); ok {
		k := *e.key
		return &k, nil
	}
	gen := s.auth.gen.Load()
	k, err := scanAPIKey(s.db.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = $1 AND revoked = $2`, keyHash, false))
	if err != nil {
		return nil, err
	}
	cached := *k
	s.auth.put("k"+keyHash, gen, authEntry{key: &cached})
	return k, nil
}
