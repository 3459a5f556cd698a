package callcenter_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/hotline-dev/hotline/internal/acd"
	"github.com/hotline-dev/hotline/internal/callcenter"
)

// The work-order core implements the ports on its database; these stand-ins show the
// shape.
type cdrTable struct{}

func (cdrTable) WriteCDR(ctx context.Context, c callcenter.CDR) error { return nil } // INSERT … ON CONFLICT (call_id) DO NOTHING

type agentTable struct{}

func (agentTable) Agents(ctx context.Context) ([]callcenter.AgentInfo, error) {
	return []callcenter.AgentInfo{{Ext: "1001", Name: "张三", Password: "secret", Skills: map[string]int{"12345": 2}, Order: 1}}, nil
}

func (agentTable) AgentStateChanged(ctx context.Context, ext string, st acd.AgentState, at time.Time) error {
	return nil
}

// How `hotline serve` runs the call centre next to the HTTP server.
func Example() {
	f, err := os.Open("testdata/plan.yaml")
	if err != nil {
		panic(err)
	}
	plan, err := callcenter.LoadPlan(f) // or callcenter.DefaultPlan()
	f.Close()
	if err != nil {
		panic(err)
	}
	srv, err := callcenter.New(callcenter.Config{
		DataDir:      "./data",    // recordings/, voicemail/, spool/
		SIPAddr:      ":5060",     // UDP and TCP
		AdvertisedIP: "127.0.0.1", // in SDP and Contact
		RTPPortMin:   20000, RTPPortMax: 29999,
	}, callcenter.Ports{
		CDR:       cdrTable{},
		Agents:    agentTable{},
		Plan:      plan,
		Blacklist: &callcenter.ListBlacklist{}, // optional ports may stay nil
	}, slog.Default())
	if err != nil {
		panic(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		panic(err)
	}
	defer srv.Close()
	// The HTTP API reads srv.LiveCalls(), srv.Queues(), srv.Agents(), registers
	// srv.Collector() for /metrics, and drives srv.SetAgentState, srv.Transfer,
	// srv.Supervise, srv.Hangup and srv.CallBack (with Config.Trunk set).
}
