// Package httpapi serves the JSON API under /api/v1, /healthz, /metrics and the OpenAPI
// document generated from the routes registered here. Handlers are thin: they decode, call
// workorder or account, and encode; the rules live in the domain packages.
package httpapi

import (
	"log/slog"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/open311"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Deps is what the HTTP side needs from the rest of the program.
type Deps struct {
	Service  *workorder.Service
	Accounts *account.Accounts
	Store    *store.Store
	Log      *slog.Logger
	// Ready reports whether the node has finished starting (migrations, demo data…);
	// /healthz answers 503 until it does. Nil means ready.
	Ready func() bool
	// Web serves the web app at /; nil leaves / unanswered (404).
	Web http.Handler
	// Metrics is where the HTTP metrics are registered and what /metrics exposes. Nil makes a
	// fresh registry with the Go runtime and process collectors (one per handler, so tests can
	// build many servers in one process).
	Metrics *prometheus.Registry
	// SecureCookie marks the session cookie Secure even when the request arrived over plain
	// HTTP: set it when a proxy in front terminates HTTPS.
	SecureCookie bool
	// Open311 describes this deployment in the GeoReport v2 discovery document.
	Open311 open311.Config
	// Voice is the running call centre (voice_routes.go); nil when this node runs no SIP.
	Voice *Voice
	// Map is the web app's map background; without a tile URL the maps draw regions and
	// points only (no tiles are bundled and none is fetched from anywhere by default).
	Map MapConfig
	// Portal sets the citizen portal's rate limits.
	Portal PortalConfig
	// Clock is the running working-time clock; calendar changes made over the API are put in
	// force on it at once. Nil: the calendar endpoints read the database's calendar.
	Clock *sla.SLA
}

// MapConfig is a slippy-map tile server, e.g. the city's own GIS.
type MapConfig struct {
	TileURL     string `json:"tile_url,omitempty" doc:"tile URL template with {z}, {x} and {y}"`
	Attribution string `json:"attribution,omitempty"`
}

// api carries the dependencies into the handlers.
type api struct {
	svc          *workorder.Service
	accounts     *account.Accounts
	st           *store.Store
	log          *slog.Logger
	ready        func() bool
	secureCookie bool
	metrics      *metrics
	routes       []route
	mux          *http.ServeMux
	handler      http.Handler
	voice        *Voice
	mapConfig    MapConfig
	portal       *portalState
	clock        *sla.SLA

	orgs    orgCache
	docOnce sync.Once
	doc     []byte
	docErr  error
}

// New builds the whole HTTP handler: API, Open311, health, metrics and the web app.
func New(deps Deps) http.Handler { return newAPI(deps).handler }

func newAPI(deps Deps) *api {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Ready == nil {
		deps.Ready = func() bool { return true }
	}
	reg := deps.Metrics
	if reg == nil {
		reg = newRegistry()
	}
	if deps.Voice != nil && deps.Voice.Server != nil {
		reg.MustRegister(deps.Voice.Server.Collector()) // calls, queues and agents on /metrics
	}
	a := &api{svc: deps.Service, accounts: deps.Accounts, st: deps.Store, log: deps.Log, ready: deps.Ready, secureCookie: deps.SecureCookie,
		metrics: newMetrics(reg, deps.Store), mux: http.NewServeMux(), voice: deps.Voice, mapConfig: deps.Map,
		portal: newPortalState(deps.Portal), clock: deps.Clock}
	a.registerRoutes()
	o := open311.New(open311.Deps{Service: deps.Service, Accounts: deps.Accounts, Store: deps.Store, Log: deps.Log,
		Config: deps.Open311, Created: a.metrics.ticketCreated})
	for _, r := range o.Routes() {
		a.add(route{Method: r.Method, Path: r.Path, Summary: r.Summary, Tag: "open311", Public: true,
			Description: r.Description, Raw: true, Form: r.Form, handler: r.Handler})
	}
	a.mux.Handle(apiFallback, http.HandlerFunc(a.notFound))
	a.mux.Handle(open311.Prefix+"/", o.NotFound())
	if deps.Web != nil {
		a.mux.Handle("/", deps.Web)
	}
	a.handler = a.observe(a.mux)
	return a
}
