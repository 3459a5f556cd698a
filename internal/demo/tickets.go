package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// Seed fixes every random choice of the demo.
const Seed = 12345

type loader struct {
	st          *store.Store
	accounts    *account.Accounts
	svc         *workorder.Service
	org         *Org
	principals  map[string]access.Principal // by username
	handlerHash string                      // the password hash of handler12345, shared by the extra handlers
	rnd         *rand.Rand                  // the choices made before the runs start
	now         time.Time
	leaves      []string   // category paths of three levels, sorted
	mu          sync.Mutex // counters and principals, for the runs played side by side
	count       int
	events      int
	states      map[ticket.State]int
}

// run is one demo ticket being played: its own random source and clock, so tickets can be
// played side by side and still come out the same every time.
type run struct {
	*loader
	rnd   *rand.Rand
	clock time.Time
	svc   *workorder.Service // a copy of the loader's, on this run's clock
	m     Message
	s     script
	phone string
	t     *ticket.Ticket
	main  *run // for a merged duplicate: the ticket it is merged into
}

// script is the path a demo ticket takes; each ends in the state its name says.
type script string

const (
	sRegistered    script = "registered"
	sReregistered  script = "reregistered" // returned, return approved: waits for re-dispatch
	sOnSpot        script = "on_spot"      // consultation answered on the call
	sDispatched    script = "dispatched"
	sUrged         script = "dispatched_urged"
	sReturned      script = "returned"
	sProcessing    script = "processing"
	sSubDispatched script = "sub_dispatched" // district → street office, accepted there
	sExtPending    script = "extension_pending"
	sExtApproved   script = "extension_approved"
	sSupervised    script = "supervised"
	sCoHandling    script = "cohandling"
	sOverdue       script = "overdue" // accepted weeks ago, no reply: past its deadline
	sReplied       script = "replied"
	sReplyRejected script = "reply_rejected" // review sent it back: processing again
	sCallback      script = "callback"
	sSatisfied     script = "closed_satisfied"
	sBasic         script = "closed_basic"
	sUnreachable   script = "closed_unreachable"
	sReopened      script = "reopened_closed" // unsatisfied, redone, then satisfied
	sClosedDirect  script = "closed_direct"   // closed at callback without a verdict
	sCancelled     script = "cancelled"
	sMerged        script = "merged"
)

type weighted struct {
	s script
	w int
}

// Messages without a reply end anywhere; those with the government's real reply end at or
// after the reply, so the reply shown is the real one.
var openScripts = []weighted{
	{sRegistered, 10}, {sReregistered, 2}, {sOnSpot, 6}, {sDispatched, 8}, {sUrged, 3}, {sReturned, 4},
	{sProcessing, 10}, {sSubDispatched, 5}, {sExtPending, 4}, {sExtApproved, 2}, {sSupervised, 4}, {sCoHandling, 3},
	{sOverdue, 6}, {sReplied, 4}, {sReplyRejected, 2}, {sCallback, 4}, {sSatisfied, 10}, {sBasic, 4},
	{sUnreachable, 2}, {sReopened, 2}, {sCancelled, 4}, {sMerged, 4},
}

var replyScripts = []weighted{
	{sReplied, 12}, {sCallback, 20}, {sSatisfied, 40}, {sBasic, 15}, {sUnreachable, 5}, {sReopened, 5}, {sClosedDirect, 3},
}

func pick(r *rand.Rand, ws []weighted) script {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	n := r.IntN(total)
	for _, w := range ws {
		if n < w.w {
			return w.s
		}
		n -= w.w
	}
	return ws[0].s
}

var districtRE = regexp.MustCompile(`A([1-9])区`)

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林")

// tickets registers one ticket per embedded message and plays its script.
func (l *loader) tickets(ctx context.Context, now time.Time) error {
	l.rnd = rand.New(rand.NewPCG(Seed, 2))
	l.now = now
	for p := range l.org.CatPath {
		if strings.Count(p, "/") == 2 {
			l.leaves = append(l.leaves, p)
		}
	}
	sort.Strings(l.leaves) // map order must not leak into seeded choices
	l.states = map[ticket.State]int{}
	msgs := Messages()
	// A pool smaller than the tickets, so some citizens call again (重复来电).
	phones := make([]string, 300)
	prefixes := []string{"138", "139", "136", "158", "159", "186", "187", "135", "177", "199"}
	for i := range phones {
		phones[i] = prefixes[l.rnd.IntN(len(prefixes))] + fmt.Sprintf("%08d", l.rnd.IntN(100000000))
	}
	// The first tickets walk every script once, so every state is present whatever the draw.
	var first []script
	for _, w := range openScripts {
		first = append(first, w.s)
	}
	replyFirst := []script{sReplied, sCallback, sSatisfied, sBasic, sUnreachable, sReopened, sClosedDirect}
	// Oldest first, so merge targets exist before their duplicates.
	type job struct {
		m   Message
		s   script
		age time.Duration
	}
	var jobs []job
	openN, replyN := 0, 0
	for _, m := range msgs {
		var s script
		if m.Reply != "" {
			if replyN < len(replyFirst) {
				s = replyFirst[replyN]
			} else {
				s = pick(l.rnd, replyScripts)
			}
			replyN++
		} else {
			if openN < len(first) {
				s = first[openN]
			} else {
				s = pick(l.rnd, openScripts)
			}
			openN++
		}
		jobs = append(jobs, job{m: m, s: s, age: l.ageFor(s)})
	}
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].age > jobs[j].age })

	// Registration in order, oldest first, so numbers follow the days as they would.
	runs := make([]*run, len(jobs))
	var mains []*run // tickets left open that a later duplicate may be merged into
	for i, j := range jobs {
		r := &run{loader: l, rnd: rand.New(rand.NewPCG(Seed, uint64(1000+i))), clock: now.Add(-j.age), m: j.m, s: j.s,
			phone: phones[l.rnd.IntN(len(phones))]}
		svc := *l.svc
		svc.Now = func() time.Time { return r.clock }
		r.svc = &svc
		if err := r.register(ctx); err != nil {
			return fmt.Errorf("demo ticket %q (%s): %w", j.m.Subject, j.s, err)
		}
		switch j.s {
		case sRegistered, sDispatched, sProcessing, sOverdue:
			mains = append(mains, r)
		case sMerged:
			if len(mains) > 0 {
				r.main = mains[len(mains)-1]
			}
		}
		runs[i] = r
	}

	// The rest of each ticket's path, several at once: each step is its own transaction, and
	// the store commits concurrent ones together.
	work := make(chan *run)
	errs := make(chan error, len(runs))
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				if err := r.advance(ctx); err != nil {
					errs <- fmt.Errorf("demo ticket %q (%s): %w", r.m.Subject, r.s, err)
				}
			}
		}()
	}
	for _, r := range runs {
		if r.s != sMerged {
			work <- r
		}
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}

	// Duplicates last, when their main tickets have stopped moving.
	for _, r := range runs {
		if r.s == sMerged {
			if err := r.merge(ctx); err != nil {
				return fmt.Errorf("demo ticket %q (merge): %w", r.m.Subject, err)
			}
		}
	}
	for _, r := range runs {
		l.count++
		l.states[r.t.State]++
	}
	return nil
}

// ageFor is how long ago a ticket with this script came in: closed ones over the last six
// weeks, open ones recently, overdue ones weeks ago.
func (l *loader) ageFor(s script) time.Duration {
	hours := func(lo, hi int) time.Duration {
		return time.Duration(lo)*time.Hour + time.Duration(l.rnd.Int64N(int64(hi-lo)*int64(time.Hour)))
	}
	switch s {
	case sRegistered, sOnSpot:
		return hours(0, 30)
	case sDispatched, sUrged, sReturned, sReregistered:
		return hours(3, 40)
	case sOverdue:
		return hours(20*24, 35*24)
	case sProcessing, sSubDispatched, sExtPending, sExtApproved, sSupervised, sCoHandling:
		return hours(30, 6*24)
	case sReplied, sReplyRejected, sCallback:
		return hours(5*24, 12*24)
	case sCancelled, sMerged:
		return hours(2, 10*24)
	}
	return hours(8*24, 45*24)
}

// step advances the demo clock by a random span between lo and hi, never past the present.
func (l *run) step(lo, hi time.Duration) {
	l.clock = l.clock.Add(lo + time.Duration(l.rnd.Int64N(int64(hi-lo))))
	if limit := l.now.Add(-time.Minute); l.clock.After(limit) {
		l.clock = limit
	}
}

func (l *run) act(ctx context.Context, p access.Principal, t *ticket.Ticket, cmd ticket.Command) (*ticket.Ticket, error) {
	nt, _, err := l.svc.Act(ctx, p, t.Number, cmd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd.Action, err)
	}
	l.mu.Lock()
	l.events++
	if cmd.Action == ticket.ActMerge {
		l.events++ // the main ticket records what it absorbed
	}
	l.mu.Unlock()
	return nt, nil
}

var consultWords = []string{"咨询", "请问", "能否", "是否", "怎么办", "如何", "吗？", "吗?", "多少"}

func requestType(m Message) ticket.RequestType {
	s := m.Subject
	switch {
	case strings.Contains(s, "表扬") || strings.Contains(s, "感谢"):
		return ticket.Praise
	case strings.Contains(s, "举报"):
		return ticket.Report
	case strings.Contains(s, "建议"):
		return ticket.Suggestion
	case strings.Contains(s, "求助") || strings.Contains(s, "帮助") || strings.Contains(s, "帮忙"):
		return ticket.Help
	}
	for _, w := range consultWords {
		if strings.Contains(s, w) {
			return ticket.Consult
		}
	}
	return ticket.Complaint
}

// category finds the leaf whose name the message mentions, within its subject when known;
// otherwise a leaf of the subject drawn at random.
func (l *run) category(m Message) (id string, path string) {
	text := m.Subject + m.Text
	best, bestLen := "", 0
	var leaves []string
	for _, p := range l.leaves {
		parts := strings.Split(p, "/")
		if m.Subject1 != "" && parts[0] != m.Subject1 {
			continue
		}
		leaves = append(leaves, p)
		for _, name := range parts[1:] {
			if n := utf8.RuneCountInString(name); name != "其他" && n >= 2 && n > bestLen && strings.Contains(text, name) {
				best, bestLen = p, n
			}
		}
	}
	if best == "" {
		if len(leaves) == 0 {
			return "", ""
		}
		best = leaves[l.rnd.IntN(len(leaves))]
	}
	return l.org.CatPath[best], best
}

func (l *run) place(m Message) (district, street, community *org.Region) {
	if sm := districtRE.FindStringSubmatch(m.Subject + m.Text); sm != nil && sm[1] <= "5" {
		district = l.org.Districts[sm[1][0]-'1']
	} else {
		district = l.org.Districts[l.rnd.IntN(len(l.org.Districts))]
	}
	streets := l.org.Streets[district.Code]
	street = streets[l.rnd.IntN(len(streets))]
	comms := l.org.Communites[street.Code]
	return district, street, comms[l.rnd.IntN(len(comms))]
}

var roads = []string{"人民路", "解放路", "五一大道", "芙蓉路", "韶山路", "劳动路", "八一路", "湘江大道", "桐梓坡路", "麓山路"}

// templateReply is the reply a unit gives when the source message had none.
func templateReply(dept string, m Message) string {
	return fmt.Sprintf("您好！您反映的“%s”问题已收悉。经%s现场核查，情况基本属实，已责成相关责任单位限期整改，"+
		"并将持续跟踪落实情况。感谢您对我市工作的关心和支持。", m.Subject, dept)
}

// register takes the ticket in (登记), as an agent would from the message.
func (l *run) register(ctx context.Context) error {
	m, s := l.m, l.s
	catID, _ := l.category(m)
	district, street, community := l.place(m)
	ps, _ := org.ParseBoundary(community.Boundary)
	ring := ps[0][0]
	lng := ring[0][0] + l.rnd.Float64()*(ring[1][0]-ring[0][0])
	lat := ring[0][1] + l.rnd.Float64()*(ring[2][1]-ring[0][1])
	lng, lat = float64(int(lng*1e5))/1e5, float64(int(lat*1e5))/1e5
	urg := ticket.Normal
	if n := l.rnd.IntN(100); n < 3 {
		urg = ticket.Urgent
	} else if n < 10 {
		urg = ticket.Expedited
	}
	channels := []ticket.Channel{ticket.ChannelPhone, ticket.ChannelPhone, ticket.ChannelPhone, ticket.ChannelPhone,
		ticket.ChannelPhone, ticket.ChannelPortal, ticket.ChannelWeChat, ticket.ChannelWeChat, ticket.ChannelVoicemail,
		ticket.ChannelEmail, ticket.ChannelSMS, ticket.ChannelChat, ticket.ChannelOpen311, ticket.ChannelInspector}
	rt := requestType(m)
	if s == sOnSpot {
		rt = ticket.Consult
	}
	desc := m.Text
	if utf8.RuneCountInString(desc) > ticket.MaxDescription {
		desc = string([]rune(desc)[:ticket.MaxDescription])
	}
	t := &ticket.Ticket{
		Channel: channels[l.rnd.IntN(len(channels))], RequestType: rt, CategoryID: catID, RegionID: community.ID,
		Address: fmt.Sprintf("A市%s%s%s%d号", district.Name, street.Name, roads[l.rnd.IntN(len(roads))], 1+l.rnd.IntN(300)),
		Lat:     &lat, Lng: &lng, Subject: m.Subject, Description: desc, Phone: l.phone,
		CitizenName: string(surnames[l.rnd.IntN(len(surnames))]) + []string{"先生", "女士"}[l.rnd.IntN(2)],
		Urgency:     urg,
	}
	if m.SourceID != "" {
		t.Fields = map[string]ticket.Field{"source_id": {Type: ticket.FieldText, Value: m.SourceID}}
	}
	t, err := l.svc.Register(ctx, l.principal("agent"), t, "")
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	l.t = t
	l.mu.Lock()
	l.events++
	l.mu.Unlock()
	return nil
}

// merge takes a duplicate into its main ticket (合并), or cancels it when there is none.
func (l *run) merge(ctx context.Context) error {
	dispatcher := l.principal("dispatcher")
	l.step(10*time.Minute, 3*time.Hour)
	var err error
	if l.main == nil {
		l.t, err = l.act(ctx, dispatcher, l.t, ticket.Command{Action: ticket.ActCancel, Note: "重复诉求"})
		return err
	}
	l.t, err = l.act(ctx, dispatcher, l.t, ticket.Command{Action: ticket.ActMerge, MainNumber: l.main.t.Number,
		Note: "同一诉求重复反映，合并至主工单"})
	return err
}

// advance takes the registered ticket along its script.
func (l *run) advance(ctx context.Context) (err error) {
	m, s, t := l.m, l.s, l.t
	defer func() {
		if t != nil {
			l.t = t
		}
	}()
	agent, dispatcher := l.principal("agent"), l.principal("dispatcher")
	catID, catPath := t.CategoryID, ""
	for p, id := range l.org.CatPath {
		if id == catID {
			catPath = p
		}
	}
	var district, street *org.Region
	for _, d := range l.org.Districts {
		for _, st := range l.org.Streets[d.Code] {
			for _, c := range l.org.Communites[st.Code] {
				if c.ID == t.RegionID {
					district, street = d, st
				}
			}
		}
	}
	if s == sRegistered {
		return nil
	}
	if s == sOnSpot {
		l.step(3*time.Minute, 10*time.Minute)
		t, err = l.act(ctx, agent, t, ticket.Command{Action: ticket.ActCloseOnSpot,
			Note: "已按知识库答复市民：" + m.Subject + "，可携带有效证件到就近政务服务窗口办理，市民表示清楚。"})
		return err
	}
	if s == sCancelled {
		l.step(5*time.Minute, 2*time.Hour)
		t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActCancel, Note: "无效诉求：市民来电内容与登记不符，经核实作废"})
		return err
	}
	// Dispatch (派单): to the category's unit; city-management matters in a district often go
	// to the district government, which sub-dispatches to the street office (下派).
	deptID := ""
	for _, c := range l.org.Categories {
		if c.ID == catID {
			deptID = c.DepartmentID
		}
	}
	gov := l.org.DistrictDept[district.Code]
	if s == sSubDispatched || deptID == "" || (strings.HasPrefix(catPath, "城乡建设/城市建设和市政管理") && l.rnd.IntN(3) == 0) {
		deptID = gov.ID
	}
	l.step(5*time.Minute, 90*time.Minute)
	if t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActDispatch, DepartmentID: deptID,
		Note: "请按时限办理并反馈"}); err != nil {
		return err
	}
	handler, err := l.handlerFor(ctx, deptID)
	if err != nil {
		return err
	}
	deptName := ""
	for _, d := range l.org.Depts {
		if d.ID == deptID {
			deptName = d.Name
		}
	}
	switch s {
	case sDispatched:
		return nil
	case sUrged:
		l.step(2*time.Hour, 20*time.Hour)
		t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActUrge, Note: "市民再次来电催促，请尽快签收"})
		return err
	case sReturned, sReregistered:
		l.step(30*time.Minute, 6*time.Hour)
		if t, err = l.act(ctx, handler, t, ticket.Command{Action: ticket.ActReturn,
			Note: "该事项不属于我单位职责范围，建议派至属地街道办理"}); err != nil || s == sReturned {
			return err
		}
		l.step(10*time.Minute, 2*time.Hour)
		t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActApproveReturn, Note: "同意退单，重新派单"})
		return err
	}
	l.step(20*time.Minute, 8*time.Hour)
	if t, err = l.act(ctx, handler, t, ticket.Command{Action: ticket.ActAccept}); err != nil {
		return err
	}
	if s == sSubDispatched {
		office := l.org.StreetDept[street.Code]
		l.step(20*time.Minute, 3*time.Hour)
		if t, err = l.act(ctx, handler, t, ticket.Command{Action: ticket.ActSubDispatch, DepartmentID: office.ID,
			Note: "请属地街道现场核查处理"}); err != nil {
			return err
		}
		sh, err := l.handlerFor(ctx, office.ID)
		if err != nil {
			return err
		}
		l.step(20*time.Minute, 5*time.Hour)
		t, err = l.act(ctx, sh, t, ticket.Command{Action: ticket.ActAccept})
		return err
	}
	switch s {
	case sProcessing, sOverdue:
		return nil
	case sExtPending, sExtApproved:
		l.step(1*24*time.Hour, 3*24*time.Hour)
		if t, err = l.act(ctx, handler, t, ticket.Command{Action: ticket.ActRequestExtension, Days: 5 + l.rnd.IntN(10),
			Note: "需协调多个部门联合处置，申请延期"}); err != nil || s == sExtPending {
			return err
		}
		l.step(1*time.Hour, 6*time.Hour)
		t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActApproveExtension})
		return err
	case sSupervised:
		l.step(1*24*time.Hour, 2*24*time.Hour)
		if t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActUrge, Note: "请加快办理进度"}); err != nil {
			return err
		}
		l.step(2*time.Hour, 12*time.Hour)
		t, err = l.act(ctx, l.principal("leader"), t, ticket.Command{Action: ticket.ActSupervise, Note: "群众反映强烈，列入督办"})
		return err
	case sCoHandling:
		co := l.org.Depts["sthjj"].ID
		if co == deptID {
			co = l.org.Depts["cgj"].ID
		}
		l.step(2*time.Hour, 24*time.Hour)
		t, err = l.act(ctx, handler, t, ticket.Command{Action: ticket.ActRequestCoHandling, DepartmentID: co,
			Note: "涉及多部门职责，请求协办"})
		return err
	}

	reply := m.Reply
	if reply == "" {
		reply = templateReply(deptName, m)
	}
	l.step(1*24*time.Hour, 5*24*time.Hour)
	if s == sReplyRejected {
		if t, err = l.act(ctx, handler, t, ticket.Command{Action: ticket.ActReply, Note: "已处理。"}); err != nil {
			return err
		}
		l.step(1*time.Hour, 8*time.Hour)
		t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActRejectReply,
			Note: "答复过于简单，未说明处理结果，请补充核查情况后重新反馈"})
		return err
	}
	if t, err = l.act(ctx, handler, t, ticket.Command{Action: ticket.ActReply, Note: reply}); err != nil || s == sReplied {
		return err
	}
	l.step(1*time.Hour, 10*time.Hour)
	if t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActApproveReply}); err != nil || s == sCallback {
		return err
	}
	l.step(4*time.Hour, 30*time.Hour)
	switch s {
	case sClosedDirect:
		t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActClose, Note: "市民明确表示无需回访"})
		return err
	case sReopened:
		if t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActCallback, Satisfaction: ticket.Unsatisfied,
			Note: "市民表示问题仍未解决"}); err != nil {
			return err
		}
		l.step(1*24*time.Hour, 3*24*time.Hour)
		if t, err = l.act(ctx, handler, t, ticket.Command{Action: ticket.ActReply,
			Note: "再次现场核查并督促整改到位，已与市民当面沟通。" + reply}); err != nil {
			return err
		}
		l.step(1*time.Hour, 8*time.Hour)
		if t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActApproveReply}); err != nil {
			return err
		}
		l.step(4*time.Hour, 20*time.Hour)
		t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActCallback, Satisfaction: ticket.Satisfied})
		return err
	}
	sat := map[script]ticket.Satisfaction{sSatisfied: ticket.Satisfied, sBasic: ticket.BasicSatisfied,
		sUnreachable: ticket.Unreachable}[s]
	t, err = l.act(ctx, dispatcher, t, ticket.Command{Action: ticket.ActCallback, Satisfaction: sat})
	return err
}
