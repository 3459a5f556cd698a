package storeports

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

func TestPorts(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			if err := SeedDemo(ctx, st); err != nil {
				t.Fatal(err)
			}
			if err := SeedDemo(ctx, st); err != nil { // again: nothing changes
				t.Fatal(err)
			}
			agents, err := Agents{Store: st}.Agents(ctx)
			if err != nil || len(agents) != 10 || agents[0].Ext != "1001" || agents[0].Password != "1001pass" || agents[0].Skills["12345"] == 0 {
				t.Fatalf("agents: %v %+v", err, agents)
			}

			// Periods: the official calendar decides working days.
			p := NewPlan(st, nil)
			if err := p.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			loc := p.Schedule.Location
			for at, want := range map[string]callcenter.Period{
				"2026-10-01 10:00": callcenter.Holiday,   // 国庆, a Thursday
				"2026-10-10 10:00": callcenter.WorkHours, // 调休上班, a Saturday
				"2026-10-12 10:00": callcenter.WorkHours, // Monday
				"2026-10-12 12:30": callcenter.Lunch,
				"2026-10-12 20:00": callcenter.Night,
				"2026-10-17 10:00": callcenter.Holiday, // Saturday
			} {
				tm, _ := time.ParseInLocation("2006-01-02 15:04", at, loc)
				if got := p.Period(tm); got != want {
					t.Errorf("%s: %s, want %s", at, got, want)
				}
			}
			r, ok := p.Route("12345")
			if !ok || r.Default.Kind != callcenter.ActQueue || r.Default.Target != "q12345" {
				t.Fatalf("12345 route: %+v", r)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				return tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: "96110", Name: "反诈", Queue: "q12345", Greeting: "greeting"})
			}); err != nil {
				t.Fatal(err)
			}
			p.Refresh(ctx)
			if r, ok := p.Route("96110"); !ok || r.Default.Target != "q12345" {
				t.Fatalf("new number: %+v", r)
			}

			// Blacklist.
			bl := &Blacklist{Store: st}
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				return tx.SaveBlacklistEntry(ctx, &store.BlacklistEntry{Number: "170", Prefix: true, Reason: "号段"})
			}); err != nil {
				t.Fatal(err)
			}
			if blocked, reason, err := bl.Blocked(ctx, "17011112222", time.Now()); !blocked || reason != "号段" || err != nil {
				t.Fatalf("blocked: %v %s %v", blocked, reason, err)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.TouchCitizen(ctx, "13811112222", "")
				if err != nil {
					return err
				}
				c.Blacklisted, c.BlacklistReason = true, "骚扰"
				return tx.SaveCitizen(ctx, c)
			}); err != nil {
				t.Fatal(err)
			}
			if blocked, reason, err := bl.Blocked(ctx, "13811112222", time.Now()); !blocked || reason != "骚扰" || err != nil {
				t.Fatalf("blacklisted citizen: %v %s %v", blocked, reason, err)
			}
			if blocked, _, err := bl.Blocked(ctx, "13811113333", time.Now()); blocked || err != nil {
				t.Fatalf("unknown citizen blocked: %v %v", blocked, err)
			}

			// CDRs: idempotent.
			now := time.Now().UTC().Truncate(time.Millisecond)
			cdr := callcenter.CDR{CallID: "x1", Caller: "13800000000", Called: "12345", Start: now, Answered: now.Add(time.Second),
				End: now.Add(time.Minute), Agent: "1001", TalkSeconds: 59, HangupSide: "caller", HangupReason: "bye"}
			sink := CDRSink{Store: st}
			for range 2 {
				if err := sink.WriteCDR(ctx, cdr); err != nil {
					t.Fatal(err)
				}
			}
			rec, err := st.CallRecord(ctx, "x1")
			if err != nil || rec.Agent != "1001" || rec.Answered == nil || rec.Enqueued != nil {
				t.Fatalf("cdr: %v %+v", err, rec)
			}
			if s := StatusText("processing"); s != "办理中" {
				t.Fatal(s)
			}
		})
	}
}
