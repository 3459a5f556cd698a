package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// The voice API on a node without SIP: stored data works, live views answer 503. The live
// views with a running call centre are tested with sipp in internal/callcenter/storeports.
func TestVoiceAPIWithoutSIP(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := apitest.New(t, b.Open(t))
			ctx := context.Background()
			admin, agent, handler := e.Tokens["admin"], e.Tokens["agent"], e.Tokens["handler_a1"]
			now := time.Now().UTC().Truncate(time.Millisecond)
			err := e.Store.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.SaveVoiceAgent(ctx, &store.VoiceAgent{Ext: "1001", Name: "张三", Password: "p", Skills: map[string]int{"12345": 1}}); err != nil {
					return err
				}
				for _, c := range []*store.CallRecord{
					{CallID: "c1", Caller: "13800000001", Called: "12345", Start: now.Add(-time.Minute), End: now, Agent: "1001", Answered: &now, TalkSeconds: 30},
					{CallID: "c2", Caller: "13800000002", Called: "12345", Start: now, End: now, Abandoned: true, Queue: "q12345"},
				} {
					if _, err := tx.InsertCallRecord(ctx, c); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if st := e.Do("GET", "/api/v1/voice/calls", agent, nil, nil); st != http.StatusServiceUnavailable {
				t.Errorf("live calls without SIP: %d", st)
			}
			var agents []struct{ Ext, State string }
			if st := e.Do("GET", "/api/v1/voice/agents", agent, nil, &agents); st != 200 || len(agents) != 1 || agents[0].State != "signed-out" {
				t.Errorf("agents: %d %+v", st, agents)
			}
			var page store.CallRecordPage
			if st := e.Do("GET", "/api/v1/voice/cdrs?abandoned=true", agent, nil, &page); st != 200 || len(page.Records) != 1 || page.Records[0].CallID != "c2" {
				t.Errorf("abandoned: %d %+v", st, page)
			}
			if st := e.Do("GET", "/api/v1/voice/cdrs?agent=1001&from="+now.Add(-time.Hour).Format(time.RFC3339), agent, nil, &page); st != 200 || len(page.Records) != 1 {
				t.Errorf("by agent: %d %+v", st, page)
			}
			if st := e.Do("GET", "/api/v1/voice/cdrs?from=yesterday", agent, nil, nil); st != 400 {
				t.Errorf("bad from: %d", st)
			}
			var eb struct {
				Fields map[string]string `json:"fields"`
			}
			if st := e.Do("GET", "/api/v1/voice/cdrs?cursor=!!", agent, nil, &eb); st != 400 || eb.Fields["cursor"] == "" {
				t.Errorf("bad cursor: status %d %v, want 400 naming the cursor", st, eb.Fields)
			}
			if st := e.Do("GET", "/api/v1/voice/cdrs", handler, nil, nil); st != 403 {
				t.Errorf("department handler reads CDRs: %d", st)
			}
			if st := e.Do("GET", "/api/v1/voice/cdrs/nope", agent, nil, nil); st != 404 {
				t.Errorf("missing CDR: %d", st)
			}
			if st := e.Do("GET", "/api/v1/voice/cdrs/c1/recording", agent, nil, nil); st != 404 {
				t.Errorf("recording without one: %d", st)
			}
			if st := e.Do("GET", "/api/v1/voice/callbacks", agent, nil, &page); st != 200 || len(page.Records) != 1 || page.Records[0].CallID != "c2" {
				t.Errorf("call-back list: %d %+v", st, page)
			}
			if st := e.Do("POST", "/api/v1/voice/callbacks/c2/done", agent, nil, nil); st != 204 {
				t.Errorf("call back done: %d", st)
			}
			if st := e.Do("GET", "/api/v1/voice/callbacks", agent, nil, &page); st != 200 || len(page.Records) != 0 {
				t.Errorf("call-back list after: %d %+v", st, page)
			}

			// Blacklist CRUD.
			if st := e.Do("PUT", "/api/v1/voice/blacklist/170", agent, map[string]any{"prefix": true, "reason": "虚拟号段"}, nil); st != 403 {
				t.Errorf("agent edits the blacklist: %d", st)
			}
			if st := e.Do("PUT", "/api/v1/voice/blacklist/170", admin, map[string]any{"prefix": true}, nil); st != 400 {
				t.Errorf("no reason: %d", st)
			}
			if st := e.Do("PUT", "/api/v1/voice/blacklist/17x", admin, map[string]any{"reason": "x"}, nil); st != 400 {
				t.Errorf("bad number: %d", st)
			}
			if st := e.Do("PUT", "/api/v1/voice/blacklist/170", admin, map[string]any{"prefix": true, "reason": "虚拟号段"}, nil); st != 200 {
				t.Errorf("blacklist: %d", st)
			}
			var list []store.BlacklistEntry
			if st := e.Do("GET", "/api/v1/voice/blacklist", admin, nil, &list); st != 200 || len(list) != 1 || !list[0].Prefix || list[0].CreatedBy != "admin" {
				t.Errorf("blacklist list: %d %+v", st, list)
			}
			if st := e.Do("DELETE", "/api/v1/voice/blacklist/170", admin, nil, nil); st != 204 {
				t.Errorf("unblacklist: %d", st)
			}
			if st := e.Do("DELETE", "/api/v1/voice/blacklist/170", admin, nil, nil); st != 404 {
				t.Errorf("unblacklist twice: %d", st)
			}

			// Numbers.
			if st := e.Do("PUT", "/api/v1/voice/numbers/12345", agent, map[string]any{"queue": "q12345"}, nil); st != 403 {
				t.Errorf("agent edits numbers: %d", st)
			}
			if st := e.Do("PUT", "/api/v1/voice/numbers/12345", admin, map[string]any{"name": "热线", "queue": "q12345", "greeting": "greeting"}, nil); st != 200 {
				t.Errorf("save number: %d", st)
			}
			var nums []store.HotlineNumber
			if st := e.Do("GET", "/api/v1/voice/numbers", agent, nil, &nums); st != 200 || len(nums) != 1 || nums[0].Queue != "q12345" {
				t.Errorf("numbers: %d %+v", st, nums)
			}

			// An agent drives only their own seat: none until an administrator links one.
			if st := e.Do("PUT", "/api/v1/voice/agents/1001/state", agent, map[string]string{"state": "ready"}, nil); st != 403 {
				t.Errorf("agent without an extension sets 1001: %d", st)
			}
			var users []struct{ ID, Username string }
			if st := e.Do("GET", "/api/v1/users", admin, nil, &users); st != 200 {
				t.Fatalf("users: %d", st)
			}
			var agentID, handlerID string
			for _, u := range users {
				switch u.Username {
				case "agent":
					agentID = u.ID
				case "handler_a1":
					handlerID = u.ID
				}
			}
			if st := e.Do("PATCH", "/api/v1/users/"+handlerID, e.Tokens["deptadmin_a1"], map[string]string{"agent_ext": "1001"}, nil); st != 403 {
				t.Errorf("a department admin assigns a seat: %d", st)
			}
			var eb2 struct {
				Fields map[string]string `json:"fields"`
			}
			if st := e.Do("PATCH", "/api/v1/users/"+agentID, admin, map[string]string{"agent_ext": "9999", "display_name": "改了"}, &eb2); st != 400 {
				t.Errorf("link to an unknown extension: %d", st)
			}
			if u, _ := e.Store.UserByUsername(ctx, "agent"); u.AgentExt != "" || u.DisplayName == "改了" {
				t.Errorf("a refused link changed the user: %+v", u)
			}
			if st := e.Do("PATCH", "/api/v1/users/"+agentID, agent, map[string]string{"agent_ext": "1001"}, nil); st != 403 && st != 404 {
				t.Errorf("an agent links their own extension: %d", st)
			}
			if u, _ := e.Store.UserByUsername(ctx, "agent"); u.AgentExt != "" {
				t.Errorf("an agent linked their own extension: %+v", u)
			}
			if st := e.Do("PATCH", "/api/v1/users/"+agentID, admin, map[string]string{"agent_ext": "1001"}, nil); st != 200 {
				t.Fatalf("link agent to 1001: %d", st)
			}
			var who struct {
				AgentExt string `json:"agent_ext"`
			}
			if st := e.Do("GET", "/api/v1/auth/me", agent, nil, &who); st != 200 || who.AgentExt != "1001" {
				t.Errorf("me: %d %+v", st, who)
			}
			if st := e.Do("POST", "/api/v1/users", admin, map[string]any{"username": "agent2", "password": "agent2-password", "role": "agent", "agent_ext": "1001"}, &eb2); st != 400 || !strings.Contains(eb2.Fields["agent_ext"], "agent") {
				t.Errorf("a second user on 1001: %d %v", st, eb2.Fields)
			}
			if _, err := e.Store.UserByUsername(ctx, "agent2"); err == nil {
				t.Error("the refused user was created")
			}
			if st := e.Do("POST", "/api/v1/users", admin, map[string]any{"username": "agent3", "password": "agent3-password", "role": "agent", "agent_ext": "77"}, &eb2); st != 400 || eb2.Fields["agent_ext"] == "" {
				t.Errorf("a user on an unknown extension: %d %v", st, eb2.Fields)
			}
			if st := e.Do("PUT", "/api/v1/voice/agents/1002/state", agent, map[string]string{"state": "ready"}, nil); st != 403 {
				t.Errorf("agent sets another seat: %d", st)
			}

			// 示闲 without a running call centre: recorded for the nodes that run one.
			if st := e.Do("PUT", "/api/v1/voice/agents/1001/state", agent, map[string]string{"state": "sleepy"}, nil); st != 400 {
				t.Errorf("bad state: %d", st)
			}
			if st := e.Do("PUT", "/api/v1/voice/agents/1001/state", agent, map[string]string{"state": "ready"}, nil); st != 200 {
				t.Errorf("set state: %d", st)
			}
			if a, err := e.Store.VoiceAgent(ctx, "1001"); err != nil || a.RequestedState != "ready" || a.RequestedSeq != 1 {
				t.Errorf("state request not stored: %v %+v", err, a)
			}
			if st := e.Do("PUT", "/api/v1/voice/agents/9999/state", admin, map[string]string{"state": "ready"}, nil); st != 404 {
				t.Errorf("unknown agent: %d", st)
			}

			// A ticket registered from a call is linked to it; an unknown call is refused and
			// registers nothing.
			before, _ := e.Store.CountTickets(ctx)
			if st := e.Do("POST", "/api/v1/tickets", agent, map[string]any{"phone": "13800000001", "subject": "来电登记", "call_id": "nope"}, &eb2); st != 400 || eb2.Fields["call_id"] == "" {
				t.Errorf("ticket from an unknown call: %d %v", st, eb2.Fields)
			}
			if n, _ := e.Store.CountTickets(ctx); n != before {
				t.Errorf("a refused ticket was saved: %d → %d", before, n)
			}
			var tk struct{ Number string }
			if st := e.Do("POST", "/api/v1/tickets", agent, map[string]any{"phone": "13800000001", "subject": "来电登记", "call_id": "c1"}, &tk); st != 201 {
				t.Fatalf("ticket from call c1: %d", st)
			}
			if st := e.Do("GET", "/api/v1/voice/cdrs?ticket="+tk.Number, agent, nil, &page); st != 200 || len(page.Records) != 1 || page.Records[0].CallID != "c1" {
				t.Errorf("calls of %s: %d %+v", tk.Number, st, page)
			}
		})
	}
}
