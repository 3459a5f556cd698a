package portal

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-dev/hotline/internal/ticket"
)

// solve answers a question the way a person reads it.
func solve(t *testing.T, q string) string {
	t.Helper()
	var a, b int
	var op string
	if _, err := fmt.Sscanf(q, "%d %s %d = ?", &a, &op, &b); err != nil {
		t.Fatalf("question %q: %v", q, err)
	}
	if op == "-" {
		return strconv.Itoa(a - b)
	}
	return strconv.Itoa(a + b)
}

func TestChallenge(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	c := NewChallenges([]byte("secret"))
	if err := c.Check("garbage", "1", now); err != ErrChallengeBad {
		t.Errorf("garbage token: %v", err)
	}
	// A wrong answer spends the question: the right one afterwards is refused too.
	ch := c.New(now)
	ans := solve(t, ch.Question)
	if err := c.Check(ch.Token, strconv.Itoa(mustAtoi(t, ans)+1), now); err != ErrChallengeWrong {
		t.Errorf("wrong answer: %v", err)
	}
	if err := c.Check(ch.Token, ans, now); err != ErrChallengeUsed {
		t.Errorf("right answer after a wrong one: %v", err)
	}
	ch = c.New(now)
	if err := c.Check(ch.Token, "abc", now); err != ErrChallengeWrong {
		t.Errorf("no number: %v", err)
	}
	ch = c.New(now)
	ans = solve(t, ch.Question)
	if err := c.Check(ch.Token, ans, now.Add(11*time.Minute)); err != ErrChallengeExpired {
		t.Errorf("expired: %v", err)
	}
	if err := NewChallenges([]byte("other")).Check(ch.Token, ans, now); err != ErrChallengeWrong {
		t.Errorf("another server's secret: %v", err)
	}
	if err := c.Check(ch.Token, " "+ans+" ", now.Add(time.Minute)); err != nil {
		t.Fatalf("right answer refused: %v", err)
	}
	if err := c.Check(ch.Token, ans, now.Add(2*time.Minute)); err != ErrChallengeUsed {
		t.Errorf("reused: %v", err)
	}
	// A tampered token breaks the HMAC.
	ch2 := c.New(now)
	raw := []byte(ch2.Token)
	raw[len(raw)-3] ^= 1
	if err := c.Check(string(raw), solve(t, ch2.Question), now); err == nil {
		t.Error("tampered token accepted")
	}
	// Spent tokens are forgotten once expired, and stay refused by their expiry.
	if err := c.Check(ch.Token, ans, now.Add(time.Hour)); err != ErrChallengeExpired {
		t.Errorf("old spent token: %v", err)
	}
	if len(c.used) != 0 {
		t.Errorf("spent tokens kept past expiry: %d", len(c.used))
	}
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLookupToken(t *testing.T) {
	tok := LookupToken([]byte("k"), "id1")
	if !CheckLookupToken([]byte("k"), "id1", tok) || CheckLookupToken([]byte("k"), "id2", tok) ||
		CheckLookupToken([]byte("j"), "id1", tok) || CheckLookupToken([]byte("k"), "id1", "") {
		t.Error("lookup token does not name exactly one ticket under one secret")
	}
}

func TestNormalizePhone(t *testing.T) {
	good := map[string]string{"13812341234": "13812341234", "138 1234 1234": "13812341234", "+8613812341234": "13812341234",
		"010-12345678": "01012345678", "0755 1234567": "07551234567", "020-87654321": "02087654321", "+86 10 12345678": "01012345678"}
	for in, want := range good {
		if got, ok := NormalizePhone(in); !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12812341234", "1381234123", "138123412345", "12345", "abc", "00012345678", "12345678", "110"} {
		if got, ok := NormalizePhone(in); ok {
			t.Errorf("NormalizePhone(%q) accepted as %q", in, got)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Hour)
	for i := 0; i < 3; i++ {
		if !l.Allow("a", now) {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if l.Allow("a", now) {
		t.Error("fourth request within the hour allowed")
	}
	if !l.Allow("b", now) {
		t.Error("another client shares the bucket")
	}
	if !l.Allow("a", now.Add(20*time.Minute)) || l.Allow("a", now.Add(20*time.Minute)) {
		t.Error("a third of an hour should refill exactly one token")
	}
	if !(&Limiter{}).Allow("x", now) {
		t.Error("a zero limiter limits")
	}
	l.Allow("c", now.Add(3*time.Hour)) // sweeps full buckets
	if _, ok := l.buckets["b"]; ok {
		t.Error("full bucket not swept")
	}
}

func TestTimelineHidesTheInside(t *testing.T) {
	at := time.Now()
	evs := []ticket.Event{
		{Action: ticket.ActRegister, Actor: "agent-1", At: at},
		{Action: ticket.ActComment, Role: "citizen", Note: "附件 a.jpg", Attachments: []string{"x"}, At: at},
		{Action: ticket.ActComment, Role: "dispatcher", Note: "市民 13900001111 多次来电，态度恶劣", At: at},
		{Action: ticket.ActDispatch, DepartmentID: "d1", Note: "请张三处理", At: at},
		{Action: ticket.ActReturn, DepartmentID: "d1", Note: "非我单位职责", At: at},
		{Action: ticket.ActApproveReturn, At: at},
		{Action: ticket.ActDispatch, DepartmentID: "d2", At: at},
		{Action: ticket.ActAccept, DepartmentID: "d2", Actor: "handler-7", At: at},
		{Action: ticket.ActUrge, Note: "尽快", At: at},
		{Action: ticket.ActReply, Note: "草稿答复", At: at},
		{Action: ticket.ActRejectReply, Note: "答复不完整", At: at},
		{Action: ticket.ActReply, Note: "已清理", At: at},
		{Action: ticket.ActApproveReply, At: at},
		{Action: ticket.ActCallback, Data: map[string]any{"satisfaction": "satisfied"}, At: at},
	}
	steps := Timeline(evs, func(id string) string { return map[string]string{"d1": "甲局", "d2": "乙局"}[id] })
	var codes []string
	for _, s := range steps {
		codes = append(codes, s.Code)
		for _, bad := range []string{"张三", "13900001111", "草稿", "非我单位", "handler-7", "agent-1"} {
			if strings.Contains(s.Text+s.Department, bad) {
				t.Errorf("step %+v shows %q", s, bad)
			}
		}
	}
	want := "received photo dispatched reassigning dispatched accepted replied rated"
	if got := strings.Join(codes, " "); got != want {
		t.Errorf("timeline %q, want %q", got, want)
	}
	if steps[2].Department != "甲局" || steps[5].Department != "乙局" || !strings.Contains(steps[7].Text, "满意") {
		t.Errorf("steps: %+v", steps)
	}
}

func TestStatusAndRules(t *testing.T) {
	cases := map[ticket.State]string{ticket.Registered: "received", ticket.Dispatched: "processing", ticket.Returned: "processing",
		ticket.Processing: "processing", ticket.Replied: "processing", ticket.Callback: "to_rate", ticket.Closed: "closed",
		ticket.Cancelled: "cancelled", ticket.Merged: "merged"}
	for st, want := range cases {
		tk := &ticket.Ticket{State: st}
		if got := StatusOf(tk).Code; got != want {
			t.Errorf("%s: %s, want %s", st, got, want)
		}
		if ReplyVisible(tk) != (st == ticket.Callback || st == ticket.Closed) {
			t.Errorf("%s: reply visible %v", st, ReplyVisible(tk))
		}
	}
	if !ValidRating(ticket.BasicSatisfied) || ValidRating(ticket.Unreachable) || ValidRating("") {
		t.Error("citizen ratings are satisfied, basic_satisfied and unsatisfied")
	}
}
