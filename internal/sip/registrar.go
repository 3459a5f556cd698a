package sip

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// Binding is one registered contact of an extension (several phones may share one).
type Binding struct {
	Contact   sip.Uri
	Expires   time.Time
	Source    string // address the REGISTER came from, used when the contact is unroutable
	Transport string
}

// PasswordFunc returns the SIP password of an extension, false if the extension is unknown.
type PasswordFunc func(ext string) (password string, ok bool)

// Registrar is the location service for agent extensions: REGISTER with digest
// authentication (RFC 3261 §10, §22), several contacts per extension, expiry.
type Registrar struct {
	Realm         string
	Password      PasswordFunc
	DefaultExpiry time.Duration
	MinExpiry     time.Duration
	MaxExpiry     time.Duration
	NonceTTL      time.Duration
	Now           func() time.Time
	OnChange      func(ext string, bindings []Binding) // after every successful REGISTER
	Log           *slog.Logger

	mu       sync.Mutex
	nonces   map[string]time.Time
	bindings map[string]map[string]Binding // ext → contact URI string → binding
}

func (r *Registrar) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Registrar) init() {
	if r.nonces == nil {
		r.nonces = map[string]time.Time{}
		r.bindings = map[string]map[string]Binding{}
	}
	if r.DefaultExpiry == 0 {
		r.DefaultExpiry = time.Hour
	}
	if r.MinExpiry == 0 {
		r.MinExpiry = 30 * time.Second
	}
	if r.MaxExpiry == 0 {
		r.MaxExpiry = 2 * time.Hour
	}
	if r.NonceTTL == 0 {
		r.NonceTTL = 5 * time.Minute
	}
	if r.Log == nil {
		r.Log = slog.Default()
	}
}

func (r *Registrar) newNonce(now time.Time) string {
	b := make([]byte, 16)
	rand.Read(b)
	n := hex.EncodeToString(b)
	for k, t := range r.nonces {
		if now.Sub(t) > r.NonceTTL {
			delete(r.nonces, k)
		}
	}
	r.nonces[n] = now
	return n
}

// Authenticate checks the Authorization header of req for ext. When it is missing, stale
// or wrong it returns the response to send (401 with a fresh challenge, or 403).
func (r *Registrar) Authenticate(req *sip.Request, ext string) *sip.Response {
	// The lock covers only the nonces: Password calls out of the registrar and must not
	// run under it.
	r.mu.Lock()
	r.init()
	now := r.now()
	r.mu.Unlock()
	challenge := func() *sip.Response {
		r.mu.Lock()
		nonce := r.newNonce(now)
		r.mu.Unlock()
		chal := digest.Challenge{Realm: r.Realm, Nonce: nonce, Algorithm: "MD5", QOP: []string{"auth"}}
		res := sip.NewResponseFromRequest(req, sip.StatusUnauthorized, "Unauthorized", nil)
		res.AppendHeader(sip.NewHeader("WWW-Authenticate", chal.String()))
		return res
	}
	h := req.GetHeader("Authorization")
	if h == nil {
		return challenge()
	}
	cred, err := digest.ParseCredentials(h.Value())
	if err != nil {
		return sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Authorization header", nil)
	}
	r.mu.Lock()
	issued, known := r.nonces[cred.Nonce]
	r.mu.Unlock()
	if !known || now.Sub(issued) > r.NonceTTL || cred.Realm != r.Realm {
		return challenge() // stale or foreign nonce: ask again rather than refuse
	}
	password, ok := r.Password(ext)
	if !ok || cred.Username != ext {
		return sip.NewResponseFromRequest(req, sip.StatusForbidden, "Forbidden", nil)
	}
	chal := &digest.Challenge{Realm: r.Realm, Nonce: cred.Nonce, Algorithm: cred.Algorithm, Opaque: cred.Opaque}
	if cred.QOP != "" {
		chal.QOP = []string{cred.QOP}
	}
	want, err := digest.Digest(chal, digest.Options{
		Method: req.Method.String(), URI: cred.URI, Username: ext, Password: password,
		Cnonce: cred.Cnonce, Count: cred.Nc,
	})
	if err != nil || want.Response != cred.Response {
		return sip.NewResponseFromRequest(req, sip.StatusForbidden, "Forbidden", nil)
	}
	return nil
}

// HandleRegister answers one REGISTER.
func (r *Registrar) HandleRegister(req *sip.Request, tx sip.ServerTransaction) {
	res := r.register(req)
	if err := tx.Respond(res); err != nil {
		r.Log.Debug("register: respond", "error", err)
	}
}

func (r *Registrar) register(req *sip.Request) *sip.Response {
	to := req.To()
	if to == nil || to.Address.User == "" {
		return sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Missing To user", nil)
	}
	ext := to.Address.User
	if res := r.Authenticate(req, ext); res != nil {
		return res
	}
	defaultExp := -1
	if h := req.GetHeader("Expires"); h != nil {
		if n, err := strconv.Atoi(h.Value()); err == nil && n >= 0 {
			defaultExp = n
		}
	}
	r.mu.Lock()
	now := r.now()
	set := r.bindings[ext]
	if set == nil {
		set = map[string]Binding{}
		r.bindings[ext] = set
	}
	for k, b := range set {
		if !now.Before(b.Expires) {
			delete(set, k)
		}
	}
	for _, h := range req.GetHeaders("Contact") {
		c, ok := h.(*sip.ContactHeader)
		if !ok {
			continue
		}
		if c.Address.Wildcard {
			if defaultExp != 0 {
				r.mu.Unlock()
				return sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Wildcard contact needs Expires: 0", nil)
			}
			clear(set)
			continue
		}
		exp := defaultExp
		if v, ok := c.Params.Get("expires"); ok {
			if n, err := strconv.Atoi(v); err == nil && n >= 0 {
				exp = n
			}
		}
		d := r.DefaultExpiry
		if exp >= 0 {
			d = time.Duration(exp) * time.Second
		}
		key := c.Address.String()
		if d == 0 {
			delete(set, key)
			continue
		}
		if d < r.MinExpiry {
			r.mu.Unlock()
			res := sip.NewResponseFromRequest(req, 423, "Interval Too Brief", nil)
			res.AppendHeader(sip.NewHeader("Min-Expires", strconv.Itoa(int(r.MinExpiry/time.Second))))
			return res
		}
		d = min(d, r.MaxExpiry)
		set[key] = Binding{Contact: *c.Address.Clone(), Expires: now.Add(d), Source: req.Source(), Transport: req.Transport()}
	}
	current := r.sorted(set)
	r.mu.Unlock()

	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)
	for _, b := range current {
		c := &sip.ContactHeader{Address: b.Contact, Params: sip.NewParams()}
		c.Params.Add("expires", strconv.Itoa(int(b.Expires.Sub(now).Round(time.Second)/time.Second)))
		res.AppendHeader(c)
	}
	if r.OnChange != nil {
		r.OnChange(ext, current)
	}
	return res
}

func (r *Registrar) sorted(set map[string]Binding) []Binding {
	out := make([]Binding, 0, len(set))
	for _, b := range set {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Binding) int {
		switch {
		case a.Contact.String() < b.Contact.String():
			return -1
		case a.Contact.String() > b.Contact.String():
			return 1
		}
		return 0
	})
	return out
}

// Contacts returns the live bindings of ext.
func (r *Registrar) Contacts(ext string) []Binding {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	now := r.now()
	var live []Binding
	for _, b := range r.sorted(r.bindings[ext]) {
		if now.Before(b.Expires) {
			live = append(live, b)
		}
	}
	return live
}
