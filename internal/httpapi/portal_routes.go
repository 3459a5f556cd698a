package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/portal"
)

// PortalConfig sets the citizen portal's per-IP limits. Zero takes the default; a negative
// value turns that limit off.
type PortalConfig struct {
	SubmitsPerHour   int // new tickets per client IP per hour (default 10)
	LookupsPerMinute int // everything else per client IP per minute (default 60)
}

// portalState is what the portal handlers share: the secret (loaded from the settings table
// on first use, so every node signs alike), the challenge issuer and the rate limiters.
type portalState struct {
	submits, lookups *portal.Limiter

	mu         sync.Mutex
	secret     []byte
	challenges *portal.Challenges
}

// portalSecretKey is the settings row holding the HMAC key of challenges and look-up tokens.
const portalSecretKey = "portal.secret"

func newPortalState(c PortalConfig) *portalState {
	limit := func(n, def int, per time.Duration) *portal.Limiter {
		switch {
		case n == 0:
			n = def
		case n < 0:
			n = 0 // Limiter: no limit
		}
		return portal.NewLimiter(n, per)
	}
	return &portalState{submits: limit(c.SubmitsPerHour, 10, time.Hour), lookups: limit(c.LookupsPerMinute, 60, time.Minute)}
}

// keys returns the portal's secret and challenge issuer, making the secret the first time.
func (a *api) portalKeys(ctx context.Context) ([]byte, *portal.Challenges, error) {
	ps := a.portal
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.secret != nil {
		return ps.secret, ps.challenges, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, nil, err
	}
	s := hex.EncodeToString(b)
	if err := a.st.InitSetting(ctx, portalSecretKey, &s, "system"); err != nil {
		return nil, nil, err
	}
	secret, err := hex.DecodeString(s)
	if err != nil || len(secret) < 16 {
		return nil, nil, fmt.Errorf("portal: the %s setting is not a hex key", portalSecretKey)
	}
	ps.secret, ps.challenges = secret, portal.NewChallenges(secret)
	return ps.secret, ps.challenges, nil
}

// limited answers 429 once the client's bucket is empty, and serves h otherwise.
func (a *api) limited(l *portal.Limiter, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.Allow(clientIP(r), time.Now()) {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(l.Per.Seconds())/max(1, l.Burst))))
			a.fail(w, r, &httpError{status: http.StatusTooManyRequests, msg: "too many requests from your address; try again later"})
			return
		}
		h(w, r)
	})
}

// portalCitizen is the principal of someone on the portal who knows phone: the portal acts for
// them, and they see the tickets registered with that number only.
func portalCitizen(phone string) access.Principal {
	return access.Principal{UserID: "portal", Username: "portal", Role: access.Citizen, Phone: phone}
}

func (a *api) registerPortalRoutes() {
	const p = "/api/v1/portal"
	sub, look := a.portal.submits, a.portal.lookups
	a.add(route{Method: "GET", Path: p + "/challenge", Summary: "A check question (人机验证) to answer when submitting; its token is good once, for 10 minutes",
		Tag: "portal", Public: true, Response: portal.Challenge{}, handler: a.limited(look, a.portalChallenge)})
	a.add(route{Method: "GET", Path: p + "/categories", Summary: "The categories a citizen may choose, as a tree (those needing staff-only fields are left out)",
		Tag: "portal", Public: true, Response: []portalCategory{}, handler: a.limited(look, a.portalCategories)})
	a.add(route{Method: "GET", Path: p + "/regions", Summary: "Region outlines (city, districts, streets) for the portal's map",
		Tag: "portal", Public: true, Response: []portalRegion{}, handler: a.limited(look, a.portalRegions)})
	a.add(route{Method: "GET", Path: p + "/request-types", Summary: "Request types (受理类型) with their Chinese names",
		Tag: "portal", Public: true, Response: []named{}, handler: a.limited(look, a.portalRequestTypes)})
	a.add(route{Method: "POST", Path: p + "/tickets", Summary: "Submit a request (市民诉求); answers the ticket number and a token for adding photos",
		Description: "Limited per client IP (429). A wrong, expired or reused challenge is 400 and saves nothing.",
		Tag:         "portal", Public: true, Request: portalSubmit{}, Response: portalCreated{}, Status: http.StatusCreated,
		handler: a.limited(sub, a.portalCreate)})
	a.add(route{Method: "GET", Path: p + "/tickets/{number}", Summary: "Progress of a request for the citizen: 404 unless phone is the one it was registered with",
		Tag: "portal", Public: true, Query: []param{{Name: "phone", Type: "string", Description: "the phone number given with the request"}},
		Response: portalProgress{}, handler: a.limited(look, a.portalGet)})
	a.add(route{Method: "POST", Path: p + "/tickets/{number}/attachments", Summary: "Add a photo (multipart fields phone, lookup_token, then file; images up to 5 MB, at most 6) until a department accepts the request",
		Tag: "portal", Public: true, Multipart: true, Response: portalPhoto{}, Status: http.StatusCreated, handler: a.limited(look, a.portalPhoto)})
	a.add(route{Method: "POST", Path: p + "/tickets/{number}/rating", Summary: "Rate the result (满意/基本满意/不满意): recorded as the callback (回访); unsatisfied reopens the request",
		Description: "409 unless the request waits for its callback.",
		Tag:         "portal", Public: true, Request: portalRating{}, Response: portalProgress{}, handler: a.limited(look, a.portalRate)})
}
