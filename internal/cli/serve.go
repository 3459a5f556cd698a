package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/demo"
	"github.com/hotline-dev/hotline/internal/httpapi"
	"github.com/hotline-dev/hotline/internal/kb"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workorder"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := e.flagSet("serve", "serve [flags]", `
Run the hotline server: the web app, the JSON API (/api/v1), Open311 (/open311/v2),
/healthz and /metrics on --http. The database is migrated on start; a database made by a
newer hotline is refused. With --demo, an empty database first receives the demo city,
users and tickets. SIGINT or SIGTERM stop the server gracefully.`)
	var d dbFlags
	d.register(fs)
	addr := fs.String("http", ":8080", "HTTP listen address")
	sip := fs.String("sip", ":5060", "SIP listen address, UDP and TCP; off runs no call centre")
	withDemo := fs.Bool("demo", false, "load the demo data when the database is empty")
	debugAddr := fs.String("debug-addr", "", "listen address for Go's profiler (/debug/pprof), e.g. 127.0.0.1:6060; keep it off public interfaces (default: off)")
	mapTiles := fs.String("map-tiles", "", "map tile URL template for the web app, e.g. https://gis.example.gov.cn/tiles/{z}/{x}/{y}.png (default: no tiles; maps show regions and points)")
	mapAttribution := fs.String("map-attribution", "", "attribution shown on the map for --map-tiles")
	var portalCfg httpapi.PortalConfig
	fs.IntVar(&portalCfg.SubmitsPerHour, "portal-submits", 10, "citizen portal: requests one client IP may submit per hour (-1: no limit)")
	fs.IntVar(&portalCfg.LookupsPerMinute, "portal-lookups", 60, "citizen portal: look-ups, ratings and photos per client IP per minute (-1: no limit)")
	var gw gatewayFlags
	gw.register(fs)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	tuneGC(ctx)
	if err := checkTileURL(*mapTiles); err != nil {
		return err
	}
	log, err := d.logger(e.stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, d.dsn())
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	version, _ := st.SchemaVersion(ctx)
	log.Info("database ready", "driver", st.Driver(), "schema", version, "migrations_applied", applied)

	svc := workorder.New(st, d.data, log)
	accounts := account.New(st, log)
	// The working-time clock (时限): deadlines on the calendar, timers armed in each event's
	// transaction, and a scheduler that fires warnings, overdue flags and supervision.
	clock, err := sla.Load(ctx, st)
	if err != nil {
		return fmt.Errorf("sla: %w", err)
	}
	host, _ := os.Hostname()
	sched := &sla.Scheduler{Store: st, SLA: clock, Node: host, Log: log}
	clock.OnArm = sched.Notify
	svc.Deadlines, svc.Pause = clock.Deadlines, clock
	svc.Hooks = append(svc.Hooks, clock.Hook)
	kb.Serve(ctx, st, svc, log) // search index hook; background reindex and retraining (issue 5)
	stopNotify, err := startNotifications(ctx, gw, st, svc, clock, log)
	defer stopNotify()
	if err != nil {
		return err
	}
	var workers sync.WaitGroup
	workers.Add(2)
	go func() { defer workers.Done(); sched.Run(ctx) }()
	go func() {
		defer workers.Done()
		clock.Watch(ctx, st, time.Minute, func(err error) { log.Error("sla: reload", "err", err) })
	}()
	defer workers.Wait() // after the HTTP server: ctx is done by then
	// The call centre (issue 3): SIP, ACD, recordings under <data>/recordings.
	voice, err := storeports.Serve(ctx, st, d.data, *sip, *withDemo, log)
	if err != nil {
		return err
	}
	defer voice.Close()
	var ready atomic.Bool
	h := handler(serverDeps{svc: svc, accounts: accounts, st: st, log: log, ready: ready.Load, voice: voice,
		mapConfig: httpapi.MapConfig{TileURL: *mapTiles, Attribution: *mapAttribution},
		portal:    portalCfg, clock: clock})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if *debugAddr != "" {
		// Profiles of a live server (go tool pprof http://ADDR/debug/pprof/profile), on their
		// own listener so they never share the public one.
		dbg := http.NewServeMux()
		dbg.HandleFunc("/debug/pprof/", pprof.Index)
		dbg.HandleFunc("/debug/pprof/profile", pprof.Profile)
		dbg.HandleFunc("/debug/pprof/trace", pprof.Trace)
		dbg.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		dbg.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		dsrv := &http.Server{Addr: *debugAddr, Handler: dbg, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := dsrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Warn("debug listener", "error", err)
			}
		}()
		defer dsrv.Close()
	}
	log.Info("http listening", "addr", ln.Addr().String(), "sip", *sip)

	// /healthz answers 503 until the demo data (if asked for) is in.
	if *withDemo {
		if err := loadDemoIfEmpty(ctx, st, accounts, svc, log); err != nil {
			srv.Close()
			return err
		}
	}
	ready.Store(true)
	log.Info("ready")

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func loadDemoIfEmpty(ctx context.Context, st *store.Store, accounts *account.Accounts, svc *workorder.Service, log *slog.Logger) error {
	empty, err := demo.Empty(ctx, st)
	if err != nil {
		return err
	}
	if !empty {
		log.Info("demo: the database already holds data; nothing loaded")
		return nil
	}
	if _, err := demo.Load(ctx, st, accounts, log, demo.Options{Deadlines: svc.Deadlines, Hooks: svc.Hooks}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// serverDeps is what the HTTP handler is built from.
type serverDeps struct {
	svc      *workorder.Service
	accounts *account.Accounts
	st       *store.Store
	log      *slog.Logger
	ready    func() bool
	voice    *storeports.Voice
	// mapConfig is the web app's map background (--map-tiles).
	mapConfig httpapi.MapConfig
	portal    httpapi.PortalConfig
	clock     *sla.SLA // nil: the calendar API reads the database's calendar
}

// checkTileURL accepts an http(s) URL template with {z}, {x} and {y}, or nothing.
func checkTileURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--map-tiles %q: want an http(s) URL template", s)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(s, p) {
			return usagef("--map-tiles %q: the template needs %s", s, p)
		}
	}
	return nil
}
