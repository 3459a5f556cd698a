package importer

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/ticket"
)

func importFile(t *testing.T, st *store.Store, path string) *Summary {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, err := Tickets(context.Background(), st, f, Options{})
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return sum
}

func TestImportRealFiles(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			sum := importFile(t, st, "../demo/data/complaints-train.csv")
			if sum.Rows != 298 || sum.Imported != 298 || sum.Rejected != 0 {
				t.Fatalf("complaints: rows %d imported %d rejected %d %v", sum.Rows, sum.Imported, sum.Rejected, sum.Rejects)
			}
			if sum.Closed != 0 {
				t.Errorf("complaints have no replies, yet %d closed", sum.Closed)
			}
			sum = importFile(t, st, "../demo/data/replies.csv")
			if sum.Imported != 120 || sum.Rejected != 0 || sum.Closed != 120 {
				t.Fatalf("replies: imported %d closed %d rejected %d %v", sum.Imported, sum.Closed, sum.Rejected, sum.Rejects)
			}
			if n, _ := st.CountTickets(ctx); n != 418 {
				t.Fatalf("count = %d, want 418", n)
			}
			// Importing a file again skips what came in before.
			sum = importFile(t, st, "../demo/data/replies.csv")
			if sum.Imported != 0 || sum.Skipped != 120 || sum.Rejected != 0 {
				t.Fatalf("replies again: imported %d skipped %d rejected %d", sum.Imported, sum.Skipped, sum.Rejected)
			}

			// The first complaint: its original time makes its number and created_at.
			page, err := st.ListTickets(ctx, store.TicketFilter{Text: "渔船停在航道"})
			if err != nil || len(page.Tickets) != 1 {
				t.Fatalf("find imported ticket: %v %d", err, len(page.Tickets))
			}
			tk := page.Tickets[0]
			want := time.Date(2017, 9, 12, 16, 47, 13, 0, ticket.Location)
			if !tk.CreatedAt.Equal(want) || !strings.HasPrefix(tk.Number, "20170912") {
				t.Errorf("created %v number %s, want %v and a 20170912 number", tk.CreatedAt, tk.Number, want)
			}
			if tk.State != ticket.Registered || tk.Channel != ticket.ChannelImport {
				t.Errorf("state %s channel %s", tk.State, tk.Channel)
			}
			if f := tk.Fields["source_id"]; f.Value != "160660" {
				t.Errorf("source_id = %v", f.Value)
			}
			cats, _ := st.Categories(ctx)
			tree := org.NewTree(cats)
			if p := org.JoinPath(org.CategoryPath(tree, tk.CategoryID)); p != "导入 › 交通运输" {
				t.Errorf("category path %q", p)
			}

			// Excel's _x000D_ became line breaks.
			page, _ = st.ListTickets(ctx, store.TicketFilter{Text: "_x000D_"})
			if len(page.Tickets) != 0 {
				t.Errorf("%d tickets still carry _x000D_", len(page.Tickets))
			}

			// A replied row is closed with register → reply → close kept as history.
			page, _ = st.ListTickets(ctx, store.TicketFilter{Text: "景蓉华苑"})
			if len(page.Tickets) != 1 {
				t.Fatalf("replied ticket not found")
			}
			tk = page.Tickets[0]
			if tk.State != ticket.Closed || tk.Reply == "" || tk.ClosedAt == nil || !tk.ClosedAt.After(tk.CreatedAt) {
				t.Errorf("replied ticket: state %s closed %v", tk.State, tk.ClosedAt)
			}
			evs, _ := st.TicketEvents(ctx, tk.ID)
			var acts []string
			for _, e := range evs {
				acts = append(acts, string(e.Action))
			}
			if strings.Join(acts, ",") != "register,reply,close" {
				t.Errorf("events %v", acts)
			}
		})
	}
}

func TestImportMatchesTreeAndDepartments(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	var leaf org.Category
	dept := org.Department{Code: "cgj", Name: "市城管局", Kind: org.KindBureau}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		top := org.Category{Name: "城乡建设", Level: 1}
		if err := tx.SaveCategory(ctx, &top); err != nil {
			return err
		}
		mid := org.Category{Name: "市容环卫", ParentID: top.ID, Level: 2}
		if err := tx.SaveCategory(ctx, &mid); err != nil {
			return err
		}
		leaf = org.Category{Name: "占道经营", ParentID: mid.ID, Level: 3}
		if err := tx.SaveCategory(ctx, &leaf); err != nil {
			return err
		}
		return tx.SaveDepartment(ctx, &dept)
	})
	if err != nil {
		t.Fatal(err)
	}
	csv := "\ufeff标题,留言时间,内容,一级分类,部门,答复,答复时间,电话\n" +
		"路边摆摊,2024-03-01 08:00:00,夜市占道,城乡建设/市容环卫/占道经营,市城管局,已清理,2024/3/2 9:00:00,138-0000-1111\n" +
		"又来摆摊,2024-03-05T08:00:00+08:00,还是占道,占道经营,cgj,,,13800001111\n" +
		"未知分类,2024/3/6 10:00,内容,宠物,某某局,,,\n"
	sum, err := Tickets(ctx, st, strings.NewReader(csv), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Imported != 3 || sum.Rejected != 0 {
		t.Fatalf("imported %d rejected %d %v", sum.Imported, sum.Rejected, sum.Rejects)
	}
	if sum.NewCats != 1 || sum.Unmatched["某某局"] != 1 {
		t.Errorf("new categories %d, unmatched %v", sum.NewCats, sum.Unmatched)
	}
	page, _ := st.ListTickets(ctx, store.TicketFilter{})
	byNumber := map[string]*ticket.Ticket{}
	for _, tk := range page.Tickets {
		byNumber[tk.Subject] = tk
	}
	a := byNumber["路边摆摊"]
	if a.CategoryID != leaf.ID || a.DepartmentID != dept.ID || a.State != ticket.Closed || a.Phone != "13800001111" {
		t.Errorf("row 1: cat %s dept %s state %s phone %s", a.CategoryID, a.DepartmentID, a.State, a.Phone)
	}
	evs, _ := st.TicketEvents(ctx, a.ID)
	if len(evs) != 4 || evs[1].Action != ticket.ActDispatch || evs[1].DepartmentID != dept.ID {
		t.Errorf("row 1 events %+v", evs)
	}
	b := byNumber["又来摆摊"]
	if b.CategoryID != leaf.ID || b.State != ticket.Registered || b.DepartmentID != "" || b.CitizenID != a.CitizenID {
		t.Errorf("row 2: cat %s state %s dept %q citizen %s/%s", b.CategoryID, b.State, b.DepartmentID, b.CitizenID, a.CitizenID)
	}
	if !strings.HasPrefix(b.Number, "20240305") {
		t.Errorf("row 2 number %s", b.Number)
	}
	c := byNumber["未知分类"]
	if c.Fields["source_department"].Value != "某某局" {
		t.Errorf("row 3 fields %v", c.Fields)
	}
}

func TestImportRejectsBadRowsKeepsGood(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	csv := "id,subject,time,text,phone,urgency\n" +
		"0,同号两行,2020/1/2 3:04:05,内容,,\n" +
		"0,同号两行,2020/1/2 3:04:05,内容,,\n" +
		"1,好的一行,2020/1/2 3:04:05,内容,,\n" +
		"2,坏的时间,昨天下午,内容,,\n" +
		"3,,2020/1/2 3:04:05,,,\n" +
		"4,坏的电话,2020/1/2 3:04:05,内容,call-me,\n" +
		"\n" +
		"5,坏的紧急程度,2020/1/2 3:04:05,内容,,非常急\n" +
		"6,将来的时间,2999/1/2 3:04:05,内容,,\n" +
		"7,另一好行,2020-01-03 10:00:00,内容,13900001234,紧急\n"
	sum, err := Tickets(ctx, st, strings.NewReader(csv), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Imported != 3 || sum.Rejected != 5 || sum.Skipped != 1 || sum.Rows != 9 {
		t.Fatalf("imported %d rejected %d rows %d: %+v", sum.Imported, sum.Rejected, sum.Rows, sum.Rejects)
	}
	wantLines := []int{5, 6, 7, 9, 10}
	for i, r := range sum.Rejects {
		if r.Line != wantLines[i] {
			t.Errorf("reject %d at line %d, want %d (%s)", i, r.Line, wantLines[i], r.Reason)
		}
	}
	if sum.Reasons["time"] != 2 || sum.Reasons["subject"] != 1 || sum.Reasons["phone"] != 1 || sum.Reasons["urgency"] != 1 {
		t.Errorf("reasons %v", sum.Reasons)
	}
	if n, _ := st.CountTickets(ctx); n != 3 {
		t.Errorf("count %d, want 3", n)
	}
}

func TestImportGBK(t *testing.T) {
	st := storetest.SQLite(t)
	utf := "标题,留言时间,内容\n路灯不亮,2020/1/2 20:00:00,小区门口路灯坏了\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(utf)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Tickets(context.Background(), st, strings.NewReader(gbk), Options{})
	if err != nil || sum.Imported != 1 || sum.Encoding != "GB18030" {
		t.Fatalf("GBK file: %+v %v", sum, err)
	}
	page, _ := st.ListTickets(context.Background(), store.TicketFilter{})
	if len(page.Tickets) != 1 || page.Tickets[0].Subject != "路灯不亮" {
		t.Errorf("read as %q", page.Tickets[0].Subject)
	}
}

func TestImportNeedsAHeader(t *testing.T) {
	st := storetest.SQLite(t)
	if _, err := Tickets(context.Background(), st, strings.NewReader("a,b\n1,2\n"), Options{}); err == nil ||
		!strings.Contains(err.Error(), "subject") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Tickets(context.Background(), st, strings.NewReader(""), Options{}); err == nil {
		t.Fatal("empty file accepted")
	}
}

func TestParseTime(t *testing.T) {
	for _, s := range []string{"2017/9/12 16:47:13", "2017-09-12 16:47:13", "2017-09-12T08:47:13Z", "2017年9月12日 16:47:13"} {
		got, err := ParseTime(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if want := time.Date(2017, 9, 12, 8, 47, 13, 0, time.UTC); !got.Equal(want) {
			t.Errorf("%s = %v, want %v", s, got.UTC(), want)
		}
	}
	if got, err := ParseTime("43563.359259259261"); err != nil || got.Format("2006-01-02 15:04:05") != "2019-04-08 08:37:20" {
		t.Errorf("Excel serial = %v, %v", got, err)
	}
	if _, err := ParseTime("12/09/2017"); err == nil {
		t.Error("ambiguous date accepted")
	}
}
