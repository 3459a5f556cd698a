// Package portal holds the rules of the citizen portal (市民诉求入口): the anti-abuse
// challenge, mainland phone numbers, the per-client rate limits, and what a citizen is
// shown of a ticket. It does no I/O; httpapi serves it.
package portal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Challenge is a small arithmetic question a person answers at a glance. Its token carries
// the expiry and an HMAC over answer and expiry, so the server keeps nothing until it is used.
type Challenge struct {
	Question  string    `json:"question"` // e.g. "7 + 5 = ?"
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Challenge errors: each is answered 400 and nothing is saved.
var (
	ErrChallengeWrong   = errors.New("the answer to the check question is wrong")
	ErrChallengeExpired = errors.New("the check question has expired; ask for a new one")
	ErrChallengeUsed    = errors.New("the check question was already used; ask for a new one")
	ErrChallengeBad     = errors.New("not a check question this server asked")
)

// Challenges issues and checks challenges under one secret. Used tokens are remembered until
// they expire, so each answers once (per process: a cluster's nodes each remember their own).
type Challenges struct {
	Secret []byte
	TTL    time.Duration

	mu   sync.Mutex
	used map[string]time.Time // nonce → expiry
}

// NewChallenges returns an issuer with a ten-minute lifetime.
func NewChallenges(secret []byte) *Challenges {
	return &Challenges{Secret: secret, TTL: 10 * time.Minute, used: map[string]time.Time{}}
}

// New asks a fresh question at now.
func (c *Challenges) New(now time.Time) Challenge {
	a, b := 2+randInt(18), 2+randInt(9) // 2..19 and 2..10: sums and differences a child can do
	q, ans := fmt.Sprintf("%d + %d = ?", a, b), a+b
	if randInt(2) == 1 {
		q, ans = fmt.Sprintf("%d - %d = ?", a+b, b), a
	}
	exp := now.Add(c.TTL).Truncate(time.Second)
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	body := make([]byte, 8, 8+len(nonce)+sha256.Size)
	binary.BigEndian.PutUint64(body, uint64(exp.Unix()))
	body = append(body, nonce...)
	body = append(body, c.mac(body, strconv.Itoa(ans))...)
	return Challenge{Question: q, Token: base64.RawURLEncoding.EncodeToString(body), ExpiresAt: exp}
}

// Check verifies answer against token at now. Any answer spends the token, right or wrong,
// so a question cannot be guessed at: a wrong answer means asking for a new one.
func (c *Challenges) Check(token, answer string, now time.Time) error {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(token))
	if err != nil || len(raw) != 8+12+sha256.Size {
		return ErrChallengeBad
	}
	body, sum := raw[:20], raw[20:]
	exp := time.Unix(int64(binary.BigEndian.Uint64(body[:8])), 0)
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.used {
		if !now.Before(e) {
			delete(c.used, k) // an expired token is refused by its expiry anyway
		}
	}
	if !now.Before(exp) {
		return ErrChallengeExpired
	}
	if exp.After(now.Add(c.TTL + time.Minute)) {
		return ErrChallengeBad // no token of ours lives that long: forged, and not worth remembering
	}
	nonce := string(body[8:])
	if _, ok := c.used[nonce]; ok {
		return ErrChallengeUsed
	}
	if c.used == nil {
		c.used = map[string]time.Time{}
	}
	c.used[nonce] = exp
	n, err := strconv.Atoi(strings.TrimSpace(answer))
	if err != nil || !hmac.Equal(sum, c.mac(body, strconv.Itoa(n))) {
		return ErrChallengeWrong
	}
	return nil
}

func (c *Challenges) mac(body []byte, answer string) []byte {
	m := hmac.New(sha256.New, c.Secret)
	m.Write([]byte("challenge\x00"))
	m.Write(body)
	m.Write([]byte("\x00" + answer))
	return m.Sum(nil)
}

// LookupToken is what the creator of a ticket gets back to add photos to it: an HMAC over the
// ticket's id, so it needs no storage and names one ticket only.
func LookupToken(secret []byte, ticketID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("lookup\x00" + ticketID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// CheckLookupToken reports whether token was made by LookupToken for ticketID.
func CheckLookupToken(secret []byte, ticketID, token string) bool {
	return hmac.Equal([]byte(LookupToken(secret, ticketID)), []byte(strings.TrimSpace(token)))
}

func randInt(n int64) int {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		return 0
	}
	return int(v.Int64())
}
