package storeports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/store"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// Voice is a running call centre with its ports on the store: the handle the HTTP API and
// `hotline serve` hold.
type Voice struct {
	Server    *callcenter.Server
	Store     *store.Store
	Plan      *Plan
	Blacklist *Blacklist
	Events    *Hub
	DataDir   string

	log      *slog.Logger
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	once     sync.Once
	stopOnce sync.Once

	mu        sync.Mutex
	seen      map[string]int64 // agent → requested_seq applied
	directory string           // directoryPrint of the agents last loaded

	stopping chan struct{} // closed when the server is stopping (see Stopping)
}

// Stopping is closed once the context Start was given is done (SIGTERM in serve) or Close is
// called: long-lived streams (the HTTP event stream) end on it, so the HTTP server's graceful
// shutdown is not held open by them.
func (v *Voice) Stopping() <-chan struct{} { return v.stopping }

// Options tune Start beyond the call centre's Config.
type Options struct {
	// Plan is the base plan (queues, menus, default routes); nil is callcenter.DefaultPlan().
	Plan *callcenter.StaticPlan
	// Poll is how often agent state requests and plan changes are read; default 2 s.
	Poll time.Duration
	// CDR replaces the store as CDR sink (tests use it to take the database away).
	CDR callcenter.CDRSink
}

// Start builds the ports on st, starts the call centre (SIP on cfg.SIPAddr, recordings
// under cfg.DataDir/recordings/YYYY/MM/DD/) and a loop that applies agent states requested
// through the database (`hotline agent state`, another node's API) within Poll.
func Start(ctx context.Context, st *store.Store, cfg callcenter.Config, opt Options, log *slog.Logger) (*Voice, error) {
	if log == nil {
		log = slog.Default()
	}
	if opt.Poll <= 0 {
		opt.Poll = 2 * time.Second
	}
	if cfg.AdvertisedIP == "" {
		cfg.AdvertisedIP = AdvertisedIP(cfg.SIPAddr)
	}
	v := &Voice{Store: st, Plan: NewPlan(st, opt.Plan), Blacklist: &Blacklist{Store: st}, Events: &Hub{},
		DataDir: cfg.DataDir, log: log, seen: map[string]int64{}, stopping: make(chan struct{})}
	rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
	if err := v.Plan.Refresh(rctx); err != nil {
		log.Warn("voice: number plan not loaded, using the defaults", "error", err)
	}
	if err := v.Blacklist.Refresh(rctx); err != nil {
		log.Warn("voice: blacklist not loaded", "error", err)
	}
	if agents, err := st.VoiceAgents(rctx); err == nil {
		for _, a := range agents {
			v.seen[a.Ext] = a.RequestedSeq
		}
		v.directory = directoryPrint(agents)
	}
	rcancel()
	var sink callcenter.CDRSink = CDRSink{Store: st}
	if opt.CDR != nil {
		sink = opt.CDR
	}
	srv, err := callcenter.New(cfg, callcenter.Ports{CDR: sink, Agents: Agents{Store: st}, Plan: v.Plan,
		Blacklist: v.Blacklist, Citizens: Citizens{Store: st}, Tickets: Tickets{Store: st}, Events: v.Events}, log)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(ctx); err != nil {
		srv.Close()
		return nil, err
	}
	v.Server = srv
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	v.cancel = cancel
	go func() {
		select {
		case <-ctx.Done():
		case <-lctx.Done():
		}
		v.stopOnce.Do(func() { close(v.stopping) })
	}()
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		t := time.NewTicker(opt.Poll)
		defer t.Stop()
		n := 0
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
			v.ApplyRequestedStates(lctx)
			if n++; n%15 == 0 { // plan and blacklist every 15 polls (30 s by default)
				c, cancel := context.WithTimeout(lctx, 5*time.Second)
				v.Plan.Refresh(c)
				v.Blacklist.Refresh(c)
				cancel()
			}
		}
	}()
	return v, nil
}

// AdvertisedIP picks the address put in SDP and Contact: the listen host when it is one,
// else the address of the interface that reaches the outside, else 127.0.0.1.
func AdvertisedIP(sipAddr string) string {
	host, _, _ := net.SplitHostPort(sipAddr)
	if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
		return ip.String()
	}
	if c, err := net.Dial("udp", "192.0.2.1:9"); err == nil { // no packet is sent
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).IP.String()
	}
	return "127.0.0.1"
}

// ApplyRequestedStates applies agent states asked for through the database since the last
// look. A request for an agent the call centre does not know yet (just added: the directory
// is reread every minute) stays pending until it does.
func (v *Voice) ApplyRequestedStates(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	agents, err := v.Store.VoiceAgents(ctx)
	if err != nil {
		return
	}
	// The poll reads every agent anyway: when the directory itself changed (an agent added
	// or edited with hotline agent add, or through another node), reload it now, so the
	// new agent can take calls within a poll rather than within the server's minute.
	v.mu.Lock()
	defer v.mu.Unlock()
	if dir := directoryPrint(agents); dir != v.directory {
		v.Server.ReloadAgents(ctx)
		v.directory = dir
	}
	for _, a := range agents {
		if a.RequestedSeq <= v.seen[a.Ext] {
			continue
		}
		st, err := ParseState(a.RequestedState)
		if err == nil {
			err = v.Server.SetAgentState(a.Ext, st)
		}
		switch {
		case errors.Is(err, acd.ErrUnknownAgent):
			continue // retried on the next poll
		case err != nil:
			v.log.Warn("voice: requested agent state not applied", "ext", a.Ext, "state", a.RequestedState, "error", err)
		default:
			v.log.Info("voice: agent state applied", "ext", a.Ext, "state", a.RequestedState)
		}
		v.seen[a.Ext] = a.RequestedSeq
	}
}

// directoryPrint is what the call centre's agent directory holds of the agents, as one
// comparable string.
func directoryPrint(agents []*store.VoiceAgent) string {
	var b strings.Builder
	for _, a := range agents {
		groups := make([]string, 0, len(a.Skills))
		for g, l := range a.Skills {
			groups = append(groups, g+":"+strconv.Itoa(l))
		}
		slices.Sort(groups)
		fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%d\x00%s\n", a.Ext, a.Name, a.Password, a.Order, strings.Join(groups, ","))
	}
	return b.String()
}

// SetAgentState changes an agent's state on this node at once (示闲/示忙/签出).
func (v *Voice) SetAgentState(ext, state string) error {
	st, err := ParseState(state)
	if err != nil {
		return err
	}
	return v.Server.SetAgentState(ext, st)
}

// ParseState reads the states an agent may ask for.
func ParseState(s string) (acd.AgentState, error) {
	switch strings.ToLower(s) {
	case "ready", "示闲":
		return acd.Ready, nil
	case "not-ready", "notready", "示忙":
		return acd.NotReady, nil
	case "signed-out", "signout", "签出":
		return acd.SignedOut, nil
	}
	return 0, fmt.Errorf("agent state %q: want ready, not-ready or signed-out", s)
}

// Close stops the call centre (hanging up calls and writing their CDRs) and the loops.
func (v *Voice) Close() error {
	if v == nil {
		return nil
	}
	var err error
	v.once.Do(func() {
		if v.cancel != nil {
			v.cancel()
		}
		v.wg.Wait()
		if v.Server != nil {
			err = v.Server.Close()
		}
	})
	return err
}

// DemoAgentPassword is the SIP password of a demo agent: 1001pass for 1001.
func DemoAgentPassword(ext string) string { return ext + "pass" }

// SeedDemo creates agents 1001–1010 (password <ext>pass; 1001–1006 on 12345, 1007–1008 also
// on 12315, 1009–1010 on the other integrated lines) when there are no agents, and the
// default hotline numbers when there are none. It is safe to run on every start.
func SeedDemo(ctx context.Context, st *store.Store) error {
	have, err := st.VoiceAgents(ctx)
	if err != nil {
		return err
	}
	// 1001 and 1002 are the seats of the demo logins agent (李娜) and monitor (王芳).
	names := []string{"李娜", "王芳", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄涛", "周丽", "吴强"}
	others := map[string]int{}
	for _, h := range callcenter.HotlineNumbers {
		if h.Number != "12345" && h.Number != "12315" {
			others[h.Number] = 2
		}
	}
	nums, err := st.HotlineNumbers(ctx)
	if err != nil {
		return err
	}
	return st.InTx(ctx, func(tx *store.Tx) error {
		for i := range 10 {
			ext := fmt.Sprint(1001 + i)
			if len(have) > 0 {
				break
			}
			skills := map[string]int{"12345": 3 - i%3}
			switch {
			case i >= 6 && i < 8:
				skills["12315"] = 2
			case i >= 8:
				for k, l := range others {
					skills[k] = l
				}
				skills["12315"] = 1
			}
			if err := tx.SaveVoiceAgent(ctx, &store.VoiceAgent{Ext: ext, Name: names[i], Password: DemoAgentPassword(ext),
				Skills: skills, Order: i + 1}); err != nil {
				return err
			}
		}
		for _, h := range callcenter.HotlineNumbers {
			if len(nums) > 0 {
				break
			}
			greeting := "greeting"
			if h.Number != "12345" {
				greeting += "-" + h.Number
			}
			if err := tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: h.Number, Name: h.Name, Queue: "q" + h.Number,
				SkillGroup: h.Number, Greeting: greeting, UpdatedBy: "demo"}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Serve is what `hotline serve` calls: with --demo it first seeds the demo agents and
// numbers, then starts the call centre on sipAddr (UDP and TCP) with recordings, voicemail
// and the CDR spool under dataDir. An empty sipAddr or "off" runs no call centre (nil, nil).
func Serve(ctx context.Context, st *store.Store, dataDir, sipAddr string, demo bool, log *slog.Logger) (*Voice, error) {
	if sipAddr == "" || sipAddr == "off" {
		return nil, nil
	}
	if demo {
		if err := SeedDemo(ctx, st); err != nil {
			return nil, fmt.Errorf("voice demo: %w", err)
		}
	}
	v, err := Start(ctx, st, callcenter.Config{DataDir: dataDir, SIPAddr: sipAddr}, Options{}, log)
	if err != nil {
		return nil, fmt.Errorf("voice: %w", err)
	}
	return v, nil
}
