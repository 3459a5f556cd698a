package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

func TestVoice(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			now := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
			st.SetClock(func() time.Time { return now })

			// Agents: add, change, request and record states.
			err := st.InTx(ctx, func(tx *store.Tx) error {
				for _, a := range []*store.VoiceAgent{
					{Ext: "1002", Name: "李四", Password: "p2", Skills: map[string]int{"12345": 1}, Order: 2},
					{Ext: "1001", Name: "张三", Password: "p1", Skills: map[string]int{"12345": 3, "12315": 1}, Order: 1},
				} {
					if err := tx.SaveVoiceAgent(ctx, a); err != nil {
						return err
					}
				}
				return tx.SaveVoiceAgent(ctx, &store.VoiceAgent{Ext: "1002", Name: "李四", Password: "new", Skills: map[string]int{"12345": 2}, Order: 2})
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RequestVoiceAgentState(ctx, "1001", "ready") }); err != nil {
				t.Fatal(err)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RequestVoiceAgentState(ctx, "9999", "ready") }); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown agent: %v", err)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RecordVoiceAgentState(ctx, "1001", "ready", now) }); err != nil {
				t.Fatal(err)
			}
			agents, err := st.VoiceAgents(ctx)
			if err != nil || len(agents) != 2 {
				t.Fatalf("agents: %v %d", err, len(agents))
			}
			a := agents[0]
			if a.Ext != "1001" || a.Skills["12345"] != 3 || a.State != "ready" || !a.SignedIn || a.RequestedState != "ready" || a.RequestedSeq != 1 || !a.StateAt.Equal(now) {
				t.Fatalf("agent 1001: %+v", a)
			}
			if agents[1].Password != "new" || agents[1].Skills["12345"] != 2 || agents[1].State != "signed-out" {
				t.Fatalf("agent 1002: %+v", agents[1])
			}
			hist, err := st.VoiceAgentStates(ctx, "1001", now.Add(-time.Hour), now.Add(time.Hour))
			if err != nil || len(hist) != 1 || hist[0].State != "ready" {
				t.Fatalf("history: %v %+v", err, hist)
			}
			if _, err := st.VoiceAgent(ctx, "0000"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing agent: %v", err)
			}

			// Numbers.
			err = st.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: "12345", Name: "热线", Queue: "q12345", SkillGroup: "12345", Greeting: "greeting"}); err != nil {
					return err
				}
				return tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: "12315", Queue: "q12315", Route: []byte(`{"number":"12315"}`)})
			})
			if err != nil {
				t.Fatal(err)
			}
			nums, err := st.HotlineNumbers(ctx)
			if err != nil || len(nums) != 2 || nums[0].Number != "12315" || string(nums[0].Route) != `{"number":"12315"}` || nums[1].Route != nil {
				t.Fatalf("numbers: %v %+v", err, nums)
			}

			// Blacklist: exact, prefix, expiry.
			past := now.Add(-time.Minute)
			err = st.InTx(ctx, func(tx *store.Tx) error {
				for _, e := range []*store.BlacklistEntry{
					{Number: "170", Prefix: true, Reason: "虚拟号段"},
					{Number: "13800000000", Reason: "骚扰"},
					{Number: "13900000000", Reason: "过期", Until: &past},
					{Number: "139", Reason: "not a prefix"},
				} {
					if err := tx.SaveBlacklistEntry(ctx, e); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for num, want := range map[string]string{"17012345678": "虚拟号段", "13800000000": "骚扰", "13900000000": "", "13912345678": "", "139": "not a prefix"} {
				e, err := st.BlacklistMatch(ctx, num, now)
				switch {
				case want == "" && !errors.Is(err, store.ErrNotFound):
					t.Errorf("%s: want allowed, got %+v %v", num, e, err)
				case want != "" && (err != nil || e.Reason != want):
					t.Errorf("%s: want %s, got %+v %v", num, want, e, err)
				}
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteBlacklistEntry(ctx, "170") }); err != nil {
				t.Fatal(err)
			}
			if _, err := st.BlacklistMatch(ctx, "17012345678", now); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted prefix still blocks: %v", err)
			}

			// CDRs: idempotent, filters, call-back list.
			ans := now.Add(10 * time.Second)
			cdrs := []*store.CallRecord{
				{CallID: "a", Caller: "13700000001", Called: "12345", Start: now, Period: "work", IVRPath: []string{"main", "agents"},
					IVRVars: map[string]string{"choice": "1"}, Queue: "q12345", Enqueued: &now, Wait: 10 * time.Second, Agent: "1001",
					Answered: &ans, End: now.Add(time.Minute), TalkSeconds: 50, HangupSide: "caller", HangupReason: "bye",
					RecordingPath: "recordings/2026/11/21/a.wav", Transfers: []string{"1002"}},
				{CallID: "b", Caller: "13700000002", Called: "12345", Start: now.Add(time.Second), Queue: "q12345", Wait: 30 * time.Second,
					End: now.Add(31 * time.Second), HangupSide: "caller", HangupReason: "abandoned", Abandoned: true},
				{CallID: "c", Caller: "17000000000", Called: "12345", Start: now.Add(2 * time.Second), End: now.Add(3 * time.Second),
					HangupSide: "system", HangupReason: "blacklist", Blocked: true},
			}
			for _, c := range append(cdrs, cdrs[0]) {
				if err := st.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertCallRecord(ctx, c); return err }); err != nil {
					t.Fatal(err)
				}
			}
			got, err := st.CallRecord(ctx, "a")
			if err != nil || got.Agent != "1001" || got.IVRVars["choice"] != "1" || len(got.IVRPath) != 2 || got.Wait != 10*time.Second ||
				!got.Answered.Equal(ans) || got.Transfers[0] != "1002" || got.RecordingPath == "" {
				t.Fatalf("CDR a: %v %+v", err, got)
			}
			all, err := st.CallRecords(ctx, store.CallRecordFilter{})
			if err != nil || len(all.Records) != 3 || all.Records[0].CallID != "c" {
				t.Fatalf("all: %v %+v", err, all)
			}
			yes := true
			ab, _ := st.CallRecords(ctx, store.CallRecordFilter{Abandoned: &yes})
			if len(ab.Records) != 1 || ab.Records[0].CallID != "b" {
				t.Fatalf("abandoned: %+v", ab)
			}
			byAgent, _ := st.CallRecords(ctx, store.CallRecordFilter{Agent: "1001", From: now, To: now.Add(time.Second)})
			if len(byAgent.Records) != 1 {
				t.Fatalf("agent: %+v", byAgent)
			}
			p1, _ := st.CallRecords(ctx, store.CallRecordFilter{Limit: 2})
			if _, err := st.CallRecords(ctx, store.CallRecordFilter{Before: "!!"}); !errors.Is(err, store.ErrBadCursor) {
				t.Errorf("bad CDR cursor: %v, want ErrBadCursor", err)
			}
			p2, err := st.CallRecords(ctx, store.CallRecordFilter{Limit: 2, Before: p1.NextCursor})
			if err != nil || len(p1.Records) != 2 || len(p2.Records) != 1 || p2.Records[0].CallID != "a" || p2.NextCursor != "" {
				t.Fatalf("pages: %v %+v %+v", err, p1, p2)
			}
			cb, _ := st.CallRecords(ctx, store.CallRecordFilter{CallBack: true})
			if len(cb.Records) != 1 || cb.Records[0].CallID != "b" {
				t.Fatalf("call-back list: %+v", cb)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.MarkCalledBack(ctx, "b", "1001") }); err != nil {
				t.Fatal(err)
			}
			cb, _ = st.CallRecords(ctx, store.CallRecordFilter{CallBack: true})
			if len(cb.Records) != 0 {
				t.Fatalf("called back still listed: %+v", cb)
			}
		})
	}
}
