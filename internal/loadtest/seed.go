// Package loadtest measures Hotline under load (hotline bench): it seeds a database with a
// year of realistic tickets fast, creates tickets over HTTP from many clients, times list
// queries, and measures the database's own raw insert rate as the reference.
package loadtest

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/citizen"
	"github.com/hotline-dev/hotline/internal/demo"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// SeedOptions tune Seed.
type SeedOptions struct {
	Tickets  int
	Batch    int       // tickets per transaction; default 5000
	Seed     uint64    // random seed; the same seed and count give the same tickets
	Now      time.Time // end of the year of tickets; default now
	Progress io.Writer // a progress line now and then; nil for none
	// Tokens, when set, gives each ticket's search words (kb.SeedTokens), written with the
	// ticket so the full-text index is built by the load (no hotline search reindex after).
	// Called from one goroutine.
	Tokens func(*ticket.Ticket) store.TicketTokens
}

// SeedResult is what Seed wrote.
type SeedResult struct {
	Tickets, Events, Citizens int
	Elapsed                   time.Duration // with the index build and the statistics
	IndexBuild                time.Duration // building the secondary indexes after loading into empty tables
	Analyze                   time.Duration // gathering the planner's statistics at the end (PostgreSQL)
	PerSecond                 float64       // tickets per second over Elapsed
	States                    map[ticket.State]int
}

// The phone numbers of seeded citizens start with this, apart from real-looking demo ones.
const seedPhonePrefix = "170"

// seeder holds the organisation the tickets are drawn from.
type seeder struct {
	rnd      *mrand.Rand
	idRnd    *mrand.Rand // ids only; not seeded
	now      time.Time
	cats     []org.Category // leaves with a department
	regions  []org.Region   // communities (or the deepest level present)
	bounds   map[string][4]float64
	msgs     []demo.Message
	citizens []*citizen.Citizen
	newCits  map[int]bool // pool indexes not yet in the database
	days     map[string]int
	prev     string // the last number given, the main ticket of the next merged one
}

// Seed writes opt.Tickets tickets spread over the year before opt.Now, with their events and
// citizens, in transactions of opt.Batch tickets. An empty database first receives the demo
// organisation (regions, departments, categories) so tickets have somewhere to go.
func Seed(ctx context.Context, st *store.Store, opt SeedOptions) (res *SeedResult, retErr error) {
	if opt.Tickets <= 0 {
		return nil, fmt.Errorf("tickets must be positive")
	}
	if opt.Batch <= 0 {
		opt.Batch = 5000
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	start := time.Now()
	s, err := newSeeder(ctx, st, opt)
	if err != nil {
		return nil, err
	}
	res = &SeedResult{States: map[ticket.State]int{}}
	// Deferred first, so it runs last, once the indexes are back: the planner's statistics
	// of what was loaded (PostgreSQL; see Store.AnalyzeAfterLoad), then the timing of it all.
	defer func() {
		if retErr == nil {
			t0 := time.Now()
			retErr = st.AnalyzeAfterLoad(context.WithoutCancel(ctx), "tickets", "ticket_events", "citizens")
			res.Analyze = time.Since(t0)
		}
		res.Elapsed = time.Since(start)
		res.PerSecond = float64(res.Tickets) / res.Elapsed.Seconds()
	}()
	// Into empty tables, the secondary indexes are built once at the end instead of being
	// kept up to date row by row: the load runs several times faster, the result is the same.
	if n, err := st.CountTickets(ctx); err == nil && n == 0 {
		defs, err := st.DropSecondaryIndexes(ctx, "tickets", "ticket_events")
		if err != nil {
			return nil, err
		}
		defer func() {
			t0 := time.Now()
			if err := st.CreateIndexes(context.WithoutCancel(ctx), defs); err != nil && retErr == nil {
				retErr = err
			}
			res.IndexBuild = time.Since(t0)
		}()
	}
	times := s.spread(opt.Tickets, opt.Now)
	lastProgress := time.Now()
	// Batches are made in one goroutine while the previous one is written: the generator
	// and the database each get a core.
	type batch struct {
		ts      []*ticket.Ticket
		evs     []ticket.Event
		tokens  []store.TicketTokens // nil without opt.Tokens
		touched map[string]int
	}
	batches := make(chan batch, 1)
	genCtx, stopGen := context.WithCancel(ctx)
	defer stopGen()
	go func() {
		defer close(batches)
		for lo := 0; lo < len(times); lo += opt.Batch {
			b := batch{touched: map[string]int{}}
			for _, at := range times[lo:min(lo+opt.Batch, len(times))] {
				t, e := s.ticket(at)
				local := at.In(ticket.Location)
				day := local.Format("20060102")
				s.days[day]++
				t.Number = ticket.Number(local, s.days[day])
				if t.State == ticket.Merged && s.prev != "" {
					t.MergedInto = s.prev
				}
				s.prev = t.Number
				b.touched[day] = s.days[day]
				b.ts = append(b.ts, t)
				b.evs = append(b.evs, e...)
				if opt.Tokens != nil {
					b.tokens = append(b.tokens, opt.Tokens(t))
				}
			}
			select {
			case batches <- b:
			case <-genCtx.Done():
				return
			}
		}
	}()
	// PostgreSQL takes two writers at once (one core each for the backends); SQLite has one.
	workers := 1
	if st.Driver() == "postgres" {
		workers = 2
	}
	var mu sync.Mutex
	var firstErr error
	committed := map[string]int{} // the highest number written per day
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				err := st.InTx(ctx, func(tx *store.Tx) error {
					if err := tx.BulkCache(ctx, 256); err != nil {
						return err
					}
					return tx.BulkInsertTickets(ctx, b.ts, b.evs, b.tokens)
				})
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					stopGen()
					continue // drain, so the generator is never stuck
				}
				for day, n := range b.touched {
					committed[day] = max(committed[day], n)
				}
				for _, t := range b.ts {
					res.States[t.State]++
				}
				res.Tickets += len(b.ts)
				res.Events += len(b.evs)
				if opt.Progress != nil && (time.Since(lastProgress) > time.Second || res.Tickets == len(times)) {
					lastProgress = time.Now()
					fmt.Fprintf(opt.Progress, "\rseeded %d/%d tickets (%.0f/s)", res.Tickets, opt.Tickets,
						float64(res.Tickets)/time.Since(start).Seconds())
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// The day counters move past the numbers written, also after a failure, so later
	// registrations never collide with seeded tickets. One transaction, after the writers:
	// two creating the same day's sequence at once would collide in PostgreSQL's catalogue.
	err = st.InTx(ctx, func(tx *store.Tx) error {
		for _, day := range sortedDays(committed) {
			if err := tx.RaiseDailySeq(ctx, day, committed[day]); err != nil {
				return err
			}
		}
		return nil
	})
	if firstErr != nil {
		return res, firstErr
	}
	if err != nil {
		return res, err
	}
	if opt.Progress != nil {
		fmt.Fprintln(opt.Progress)
	}
	// The callers go in last, when their ticket counts are known.
	var newCits []*citizen.Citizen
	for i, c := range s.citizens {
		if s.newCits[i] && c.TicketCount > 0 {
			if c.TicketCount >= citizen.RepeatCallerThreshold {
				c.Tags = []string{citizen.TagRepeatCaller}
			}
			newCits = append(newCits, c)
		}
	}
	for lo := 0; lo < len(newCits); lo += opt.Batch {
		batch := newCits[lo:min(lo+opt.Batch, len(newCits))]
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertCitizens(ctx, batch) }); err != nil {
			return res, err
		}
	}
	res.Citizens = len(newCits)
	return res, nil
}

func newSeeder(ctx context.Context, st *store.Store, opt SeedOptions) (*seeder, error) {
	depts, err := st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	if len(depts) == 0 {
		if _, err := demo.LoadOrganisation(ctx, st); err != nil {
			return nil, err
		}
	}
	var b [16]byte
	_, _ = crand.Read(b[:])
	s := &seeder{rnd: mrand.New(mrand.NewPCG(opt.Seed, 7)), now: opt.Now,
		idRnd: mrand.New(mrand.NewPCG(binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:]))), bounds: map[string][4]float64{},
		msgs: demo.Messages(), newCits: map[int]bool{}}
	cats, err := st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		if c.Level == 3 && c.DepartmentID != "" {
			s.cats = append(s.cats, c)
		}
	}
	if len(s.cats) == 0 {
		return nil, fmt.Errorf("no level-3 category is mapped to a department: load the organisation first (hotline demo)")
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		return nil, err
	}
	deepest := org.LevelCity
	rank := map[org.RegionLevel]int{org.LevelCity: 0, org.LevelDistrict: 1, org.LevelStreet: 2, org.LevelCommunity: 3}
	for _, r := range regions {
		if rank[r.Level] > rank[deepest] {
			deepest = r.Level
		}
	}
	for _, r := range regions {
		if r.Level != deepest {
			continue
		}
		s.regions = append(s.regions, r)
		if ps, err := org.ParseBoundary(r.Boundary); err == nil && len(r.Boundary) > 0 {
			b := [4]float64{180, 90, -180, -90}
			for _, p := range ps[0][0] {
				b[0], b[1], b[2], b[3] = min(b[0], p[0]), min(b[1], p[1]), max(b[2], p[0]), max(b[3], p[1])
			}
			s.bounds[r.ID] = b
		}
	}
	if err := s.loadCitizens(ctx, st, max(1000, opt.Tickets/4)); err != nil {
		return nil, err
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		s.days, err = tx.DailySeqs(ctx)
		return err
	})
	return s, err
}

// loadCitizens makes the pool of callers: the seeded ones already in the database are
// reused, the rest are written with the first batch that needs them.
func (s *seeder) loadCitizens(ctx context.Context, st *store.Store, n int) error {
	existing := map[string]string{}
	rows, err := st.DB().QueryContext(ctx, `SELECT id, phone FROM citizens WHERE phone LIKE '`+seedPhonePrefix+`%'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, phone string
		if err := rows.Scan(&id, &phone); err != nil {
			rows.Close()
			return err
		}
		existing[phone] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林")
	s.citizens = make([]*citizen.Citizen, n)
	for i := range s.citizens {
		phone := fmt.Sprintf("%s%08d", seedPhonePrefix, i)
		c := &citizen.Citizen{Phone: phone, Name: string(surnames[i%len(surnames)]) + []string{"先生", "女士"}[i%2],
			CreatedAt: s.now, UpdatedAt: s.now}
		if id, ok := existing[phone]; ok {
			c.ID = id
		} else {
			c.ID = store.NewID()
			s.newCits[i] = true
		}
		s.citizens[i] = c
	}
	return nil
}

// spread returns n creation times over the year before now, oldest first: more on working
// days than at weekends, most in office hours, few at night — the shape of a hotline's day.
func (s *seeder) spread(n int, now time.Time) []time.Time {
	start := now.AddDate(-1, 0, 0).In(ticket.Location)
	start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, ticket.Location)
	hourW := []float64{1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 8, 10, 10, 9, 6, 6, 9, 10, 10, 9, 7, 6, 5, 4, 3, 2}
	var days []time.Time
	var dayW []float64
	total := 0.0
	for d := start; d.Before(now); d = d.AddDate(0, 0, 1) {
		w := 1.0
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w = 0.6
		}
		days = append(days, d)
		dayW = append(dayW, w)
		total += w
	}
	hourTotal := 0.0
	for _, w := range hourW {
		hourTotal += w
	}
	out := make([]time.Time, 0, n)
	carry := 0.0
	for i, d := range days {
		want := float64(n)*dayW[i]/total + carry
		k := int(want)
		carry = want - float64(k)
		if i == len(days)-1 {
			k = n - len(out)
		}
		day := make([]time.Time, 0, k)
		for j := 0; j < k; j++ {
			x := s.rnd.Float64() * hourTotal
			h := 0
			for ; h < 23 && x >= hourW[h]; h++ {
				x -= hourW[h]
			}
			at := d.Add(time.Duration(h)*time.Hour + time.Duration(s.rnd.Int64N(int64(time.Hour))))
			if at.After(now) {
				at = now.Add(-time.Duration(s.rnd.Int64N(int64(time.Hour))))
			}
			day = append(day, at.UTC().Truncate(time.Millisecond))
		}
		sortTimes(day)
		out = append(out, day...)
	}
	return out
}

func sortedDays(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

func sortTimes(ts []time.Time) {
	// Insertion sort is enough: a day holds a few thousand times at most.
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// id is a UUIDv7 carrying the time it names, so ids sort like the tickets they name. Its
// random part does not come from the seed: seeding twice with one seed must not collide.
func (s *seeder) id(at time.Time) string { return uuidAt(at, s.idRnd) }

func uuidAt(at time.Time, r *mrand.Rand) string {
	var rest [10]byte
	binary.BigEndian.PutUint64(rest[2:], r.Uint64())
	binary.BigEndian.PutUint16(rest[:2], uint16(r.Uint32()))
	return store.IDAt(at, rest[:])
}

type stateWeight struct {
	s ticket.State
	w int
}

// Old tickets are nearly all finished; recent ones are spread along the lifecycle.
var (
	oldStates    = []stateWeight{{ticket.Closed, 900}, {ticket.Cancelled, 30}, {ticket.Merged, 12}, {ticket.Processing, 50}, {ticket.Callback, 8}}
	recentStates = []stateWeight{{ticket.Registered, 60}, {ticket.Dispatched, 120}, {ticket.Returned, 15}, {ticket.Processing, 300},
		{ticket.Replied, 80}, {ticket.Callback, 90}, {ticket.Closed, 300}, {ticket.Cancelled, 20}, {ticket.Merged, 15}}
	channelWeights = []struct {
		c ticket.Channel
		w int
	}{{ticket.ChannelPhone, 700}, {ticket.ChannelWeChat, 100}, {ticket.ChannelPortal, 80}, {ticket.ChannelSMS, 30},
		{ticket.ChannelChat, 30}, {ticket.ChannelVoicemail, 20}, {ticket.ChannelEmail, 20}, {ticket.ChannelOpen311, 10},
		{ticket.ChannelInspector, 10}}
	typeWeights = []struct {
		t ticket.RequestType
		w int
	}{{ticket.Consult, 350}, {ticket.Complaint, 250}, {ticket.Help, 200}, {ticket.Report, 80}, {ticket.Suggestion, 80},
		{ticket.Praise, 20}, {ticket.Other, 20}}
)

func (s *seeder) state(age time.Duration) ticket.State {
	ws := recentStates
	if age > 20*24*time.Hour {
		ws = oldStates
	}
	total := 0
	for _, w := range ws {
		total += w.w
	}
	n := s.rnd.IntN(total)
	for _, w := range ws {
		if n < w.w {
			return w.s
		}
		n -= w.w
	}
	return ws[0].s
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// ticket makes one ticket created at at, with its events.
func (s *seeder) ticket(at time.Time) (*ticket.Ticket, []ticket.Event) {
	r := s.rnd
	m := s.msgs[r.IntN(len(s.msgs))]
	cat := s.cats[r.IntN(len(s.cats))]
	reg := s.regions[r.IntN(len(s.regions))]
	// A few callers call often (重复来电): skew the pick towards the front of the pool.
	u := r.Float64()
	ci := int(float64(len(s.citizens)) * u * u)
	cz := s.citizens[ci]
	cz.TicketCount++
	t := &ticket.Ticket{
		ID: s.id(at), Channel: ticket.ChannelPhone, RequestType: ticket.Complaint, CategoryID: cat.ID,
		RegionID: reg.ID, Subject: truncate(m.Subject, ticket.MaxSubject), Description: truncate(m.Text, 300),
		CitizenID: cz.ID, Phone: cz.Phone, CitizenName: cz.Name, Urgency: ticket.Normal, CreatedAt: at,
	}
	n := r.IntN(1000)
	for _, w := range channelWeights {
		if n < w.w {
			t.Channel = w.c
			break
		}
		n -= w.w
	}
	n = r.IntN(1000)
	for _, w := range typeWeights {
		if n < w.w {
			t.RequestType = w.t
			break
		}
		n -= w.w
	}
	if n := r.IntN(100); n < 2 {
		t.Urgency = ticket.Urgent
	} else if n < 8 {
		t.Urgency = ticket.Expedited
	}
	if b, ok := s.bounds[reg.ID]; ok {
		lng := b[0] + r.Float64()*(b[2]-b[0])
		lat := b[1] + r.Float64()*(b[3]-b[1])
		t.Lng, t.Lat = &lng, &lat
		t.Address = reg.Name + fmt.Sprintf("%d号", 1+r.IntN(300))
	}
	age := s.now.Sub(at)
	t.State = s.state(age)
	if t.RequestType == ticket.Consult && t.State == ticket.Closed && r.IntN(2) == 0 {
		// Half the consultations are answered on the call (直接办结): no department.
		t.Reply = "已按知识库答复市民。"
		closed := at.Add(time.Duration(2+r.IntN(10)) * time.Minute)
		t.ClosedAt, t.UpdatedAt, t.Version = &closed, closed, 2
		return t, []ticket.Event{
			{ID: s.id(at), TicketID: t.ID, Seq: 1, Action: ticket.ActRegister, Actor: "seed", Role: "agent", ToState: ticket.Registered, At: at},
			{ID: s.id(closed), TicketID: t.ID, Seq: 2, Action: ticket.ActCloseOnSpot, Actor: "seed", Role: "agent",
				FromState: ticket.Registered, ToState: ticket.Closed, Note: t.Reply, At: closed},
		}
	}
	evs := []ticket.Event{{ID: s.id(at), TicketID: t.ID, Seq: 1, Action: ticket.ActRegister, Actor: "seed", Role: "agent",
		ToState: ticket.Registered, At: at}}
	t.UpdatedAt, t.Version = at, 1
	if t.State == ticket.Registered {
		return t, evs
	}
	// Everything past registration was dispatched; the final step is kept as a second event
	// (the benchmark needs realistic rows, not every intermediate step).
	dispatched := at.Add(time.Duration(5+r.IntN(120)) * time.Minute)
	t.DepartmentID = cat.DepartmentID
	sign := dispatched.Add(24 * time.Hour)
	handle := dispatched.AddDate(0, 0, 15)
	if t.Urgency == ticket.Urgent {
		sign, handle = dispatched.Add(30*time.Minute), dispatched.Add(2*time.Hour)
	}
	t.SignDeadline, t.HandleDeadline = &sign, &handle
	evs = append(evs, ticket.Event{ID: s.id(dispatched), TicketID: t.ID, Seq: 2, Action: ticket.ActDispatch,
		Actor: "seed", Role: "dispatcher", FromState: ticket.Registered, ToState: ticket.Dispatched, DepartmentID: t.DepartmentID, At: dispatched})
	t.UpdatedAt, t.Version = dispatched, 2
	last := dispatched.Add(time.Duration(1+r.IntN(24*10)) * time.Hour)
	if last.After(s.now) {
		last = s.now
	}
	// The scheduler would have flagged every ticket whose clock ran past its deadline.
	if t.State == ticket.Dispatched || t.State == ticket.Processing {
		t.Overdue = handle.Before(s.now)
	}
	var act ticket.Action
	switch t.State {
	case ticket.Dispatched:
		return t, evs
	case ticket.Returned:
		act = ticket.ActReturn
	case ticket.Processing:
		act = ticket.ActAccept
		t.Supervised = t.Overdue && r.IntN(4) == 0
	case ticket.Replied:
		act, t.Reply = ticket.ActReply, replyText(m, r)
	case ticket.Callback:
		act, t.Reply = ticket.ActApproveReply, replyText(m, r)
	case ticket.Closed:
		act, t.Reply = ticket.ActCallback, replyText(m, r)
		t.Satisfaction = []ticket.Satisfaction{ticket.Satisfied, ticket.Satisfied, ticket.Satisfied, ticket.BasicSatisfied,
			ticket.BasicSatisfied, ticket.Unreachable}[r.IntN(6)]
		t.ClosedAt = &last
	case ticket.Cancelled:
		act, t.ClosedAt, t.DepartmentID = ticket.ActCancel, &last, ""
	case ticket.Merged:
		act, t.ClosedAt, t.DepartmentID = ticket.ActMerge, &last, ""
	}
	ev := ticket.Event{ID: s.id(last), TicketID: t.ID, Seq: 3, Action: act, Actor: "seed", Role: "dispatcher",
		FromState: ticket.Dispatched, ToState: t.State, Note: t.Reply, DepartmentID: t.DepartmentID, At: last}
	if t.Satisfaction != "" {
		ev.Data = map[string]any{"satisfaction": string(t.Satisfaction)}
	}
	t.UpdatedAt, t.Version = last, 3
	return t, append(evs, ev)
}

func replyText(m demo.Message, r *mrand.Rand) string {
	if m.Reply != "" {
		return truncate(m.Reply, 300)
	}
	return []string{"经现场核查，问题已处理完毕。", "已责成属地街道整改到位，并将持续跟踪。", "经核实，已向市民解释相关政策，市民表示理解。"}[r.IntN(3)]
}
