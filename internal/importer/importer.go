// Package importer brings historical tickets over from a former system (历史工单导入): a CSV
// file read as a stream, each row stored in its own transaction so a bad row is reported and
// skipped while the good ones are kept.
package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/hotline-dev/hotline/internal/org"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// ImportCategory is the top-level category that receives categories the tree does not know.
const ImportCategory = "导入"

// Options tune an import.
type Options struct {
	Channel ticket.Channel // default ChannelImport
	Actor   string         // recorded on the events and the audit line; default "import"
	// Progress receives a progress line now and then (rows/s); nil for none.
	Progress io.Writer
}

// Reject is a row that was not imported.
type Reject struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Summary is what an import did.
type Summary struct {
	Rows       int
	Imported   int
	Closed     int // rows with a reply, imported as closed tickets
	Rejected   int
	Skipped    int            // rows whose id was imported before (source_id), left alone
	Rejects    []Reject       // the first MaxRejects rejected rows
	Reasons    map[string]int // rejected rows by reason kind
	NewCats    int            // categories created under 导入
	Unmatched  map[string]int // department names that matched no department (kept as a field)
	Elapsed    time.Duration
	RowsPerSec float64
	Encoding   string // "GB18030" when the file was not UTF-8 and was read as such
}

// validUTF8Prefix reports whether b is UTF-8, allowing a character cut at its end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// MaxRejects bounds how many rejected rows a summary lists one by one.
const MaxRejects = 200

// columns maps each field to the header names that carry it (lower case, no spaces).
var columns = map[string][]string{
	"id":         {"id", "source_id", "编号", "留言编号", "工单编号", "工单号"},
	"subject":    {"subject", "title", "标题", "主题", "留言主题", "诉求标题"},
	"time":       {"time", "created", "created_at", "date", "时间", "留言时间", "登记时间", "受理时间", "来电时间"},
	"text":       {"text", "description", "content", "body", "内容", "描述", "留言详情", "诉求内容", "留言内容"},
	"category":   {"category", "分类", "一级分类", "一级标签", "诉求分类", "level1"},
	"category2":  {"category2", "二级分类", "二级标签", "level2"},
	"category3":  {"category3", "三级分类", "三级标签", "level3"},
	"department": {"department", "dept", "部门", "承办单位", "办理单位", "承办部门"},
	"reply":      {"reply", "answer", "答复", "答复意见", "回复", "办理结果"},
	"reply_time": {"reply_time", "replied_at", "答复时间", "回复时间", "办结时间"},
	"phone":      {"phone", "电话", "联系电话", "手机", "手机号", "来电号码"},
	"name":       {"name", "citizen_name", "姓名", "联系人", "市民姓名"},
	"address":    {"address", "地址", "事发地址", "详细地址"},
	"region":     {"region", "district", "区域", "区县", "所属区域", "行政区划"},
	"type":       {"type", "request_type", "受理类型", "诉求类型", "类型"},
	"urgency":    {"urgency", "紧急程度"},
	"channel":    {"channel", "渠道", "来源"},
}

// header maps each field to its column index.
type header map[string]int

func readHeader(rec []string) (header, error) {
	h := header{}
	for i, name := range rec {
		n := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		n = strings.ReplaceAll(n, " ", "")
		for field, aliases := range columns {
			for _, a := range aliases {
				if n == a {
					if _, dup := h[field]; !dup {
						h[field] = i
					}
				}
			}
		}
	}
	if _, ok := h["subject"]; !ok {
		if _, ok := h["text"]; !ok {
			return nil, errors.New("the header names neither a subject nor a text column (e.g. subject/标题, text/内容)")
		}
	}
	return h, nil
}

func (h header) get(rec []string, field string) string {
	i, ok := h[field]
	if !ok || i >= len(rec) {
		return ""
	}
	return clean(rec[i])
}

// clean turns Excel's escaped carriage returns (_x000D_) and CRLF into newlines and trims.
func clean(s string) string {
	s = strings.ReplaceAll(s, "_x000D_\n", "\n") // an escaped CR before a real line break is one break
	s = strings.ReplaceAll(s, "_x000D_ ", "\n")
	s = strings.ReplaceAll(s, "_x000D_", "\n")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

var timeLayouts = []string{
	"2006/1/2 15:04:05", "2006/1/2 15:04", "2006-01-02 15:04:05", "2006-1-2 15:04:05", "2006-01-02 15:04",
	"2006-01-02T15:04:05", "2006年1月2日 15:04:05", "2006年1月2日 15:04", "2006/1/2", "2006-01-02", "2006年1月2日",
}

// ParseTime reads the times former systems and Excel exports write, as Asia/Shanghai
// unless the text carries its own zone (RFC 3339), including Excel's serial day numbers.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, ticket.Location); err == nil {
			return t, nil
		}
	}
	// Excel writes a date cell it did not format as a serial number: days since 1899-12-30.
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 1 && f < 200000 {
		// Reckoned in UTC (1899 Shanghai had a local mean time offset), read as a local wall clock.
		w := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(f * float64(24*time.Hour))).Round(time.Second)
		return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, ticket.Location), nil
	}
	return time.Time{}, fmt.Errorf("cannot read time %q", s)
}

// rowError is a reason to reject one row; kind groups rejects in the summary.
type rowError struct{ kind, msg string }

func (e *rowError) Error() string { return e.msg }

func reject(kind, format string, args ...any) error {
	return &rowError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// importer holds what rows look up: the trees, loaded once and extended as categories are created.
type importer struct {
	st       *store.Store
	opt      Options
	cats     []org.Category
	catPath  map[string]string // "a/b/c" → id
	catName  map[string]string // name → id, when the name is unique in the tree
	depts    map[string]string // name or code → id
	regions  map[string]string // name or code → id
	importID string            // the 导入 category, created on first use
	seen     map[string]string // source_id → ticket number, of this channel's earlier imports and this file
	catMu    sync.Mutex        // category lookups and creation, one at a time
	mu       sync.Mutex        // the summary
	sum      *Summary
}

// Workers is how many rows are stored at once.
const Workers = 16

// Tickets imports the CSV from r into st. It returns an error only when the file cannot be
// read as a whole (no usable header, I/O); bad rows are counted in the summary.
func Tickets(ctx context.Context, st *store.Store, r io.Reader, opt Options) (*Summary, error) {
	if opt.Channel == "" {
		opt.Channel = ticket.ChannelImport
	}
	if opt.Actor == "" {
		opt.Actor = "import"
	}
	im := &importer{st: st, opt: opt, sum: &Summary{Reasons: map[string]int{}, Unmatched: map[string]int{}}}
	if err := im.load(ctx); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	var in io.Reader = br
	if head, _ := br.Peek(32 << 10); !validUTF8Prefix(head) {
		// Excel in a Chinese locale saves "CSV" as GBK; GB18030 reads GBK and GB2312 too.
		in = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
		im.sum.Encoding = "GB18030"
	}
	cr := csv.NewReader(in)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	h, err := readHeader(rec)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	lastProgress := start
	// Rows are stored by a few workers at once: each row is still its own transaction, but
	// the store commits concurrent ones together (one fsync for many rows).
	type job struct {
		line int
		rec  []string
	}
	jobs := make(chan job, 64)
	var wg sync.WaitGroup
	for w := 0; w < Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if err := im.row(ctx, h, j.rec); err != nil {
					im.rejectRow(j.line, err)
				}
			}
		}()
	}
	var readErr error
	for {
		if readErr = ctx.Err(); readErr != nil {
			break
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				readErr = err
				break
			}
			im.mu.Lock()
			im.sum.Rows++
			im.mu.Unlock()
			im.rejectRow(pe.StartLine, &rowError{kind: "csv", msg: pe.Err.Error()})
			continue
		}
		if blank(rec) {
			continue
		}
		im.mu.Lock()
		im.sum.Rows++
		if opt.Progress != nil && time.Since(lastProgress) >= time.Second {
			lastProgress = time.Now()
			fmt.Fprintf(opt.Progress, "\rimported %d, rejected %d (%.0f rows/s)", im.sum.Imported, im.sum.Rejected,
				float64(im.sum.Rows)/time.Since(start).Seconds())
		}
		im.mu.Unlock()
		jobs <- job{line: line, rec: rec}
	}
	close(jobs)
	wg.Wait()
	sort.Slice(im.sum.Rejects, func(i, j int) bool { return im.sum.Rejects[i].Line < im.sum.Rejects[j].Line })
	if readErr != nil {
		return im.sum, readErr
	}
	im.sum.Elapsed = time.Since(start)
	if s := im.sum.Elapsed.Seconds(); s > 0 {
		im.sum.RowsPerSec = float64(im.sum.Rows) / s
	}
	if opt.Progress != nil && im.sum.Elapsed >= time.Second {
		fmt.Fprintln(opt.Progress)
	}
	err = st.Audit(ctx, store.AuditEntry{Actor: opt.Actor, Role: "admin", Action: "ticket.import", ObjectType: "ticket",
		Detail: fmt.Sprintf("imported %d, rejected %d", im.sum.Imported, im.sum.Rejected)})
	return im.sum, err
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func (im *importer) rejectRow(line int, err error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	kind := "database"
	var re *rowError
	if errors.As(err, &re) {
		kind = re.kind
	}
	if kind == "duplicate" {
		im.sum.Skipped++
		return
	}
	im.sum.Rejected++
	im.sum.Reasons[kind]++
	if len(im.sum.Rejects) < MaxRejects {
		im.sum.Rejects = append(im.sum.Rejects, Reject{Line: line, Reason: err.Error()})
	}
}

func (im *importer) load(ctx context.Context) error {
	cats, err := im.st.Categories(ctx)
	if err != nil {
		return fmt.Errorf("categories: %w", err)
	}
	im.cats = cats
	im.catPath, im.catName = map[string]string{}, map[string]string{}
	tree := org.NewTree(cats)
	seen := map[string]int{}
	for _, c := range cats {
		im.catPath[strings.Join(org.CategoryPath(tree, c.ID), "/")] = c.ID
		seen[c.Name]++
		if c.ParentID == "" && c.Name == ImportCategory {
			im.importID = c.ID
		}
	}
	for _, c := range cats {
		// A name used twice (e.g. 其他 under several subjects) is ambiguous on its own.
		if seen[c.Name] == 1 {
			im.catName[c.Name] = c.ID
		}
	}
	depts, err := im.st.Departments(ctx)
	if err != nil {
		return fmt.Errorf("departments: %w", err)
	}
	im.depts = map[string]string{}
	for _, d := range depts {
		im.depts[d.Name], im.depts[d.Code] = d.ID, d.ID
	}
	regions, err := im.st.Regions(ctx)
	if err != nil {
		return fmt.Errorf("regions: %w", err)
	}
	// Rows imported before keep their source_id: importing a file again (after a crash, or
	// with corrected rows) skips them instead of doubling them.
	im.seen = map[string]string{}
	rows, err := im.st.DB().QueryContext(ctx, `SELECT number, fields FROM tickets WHERE channel = $1 AND fields IS NOT NULL`,
		string(im.opt.Channel))
	if err != nil {
		return fmt.Errorf("earlier imports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, fields string
		if err := rows.Scan(&number, &fields); err != nil {
			return err
		}
		var fs map[string]ticket.Field
		if json.Unmarshal([]byte(fields), &fs) == nil {
			if id, ok := fs["source_id"].Value.(string); ok {
				im.seen[id] = number
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	im.regions = map[string]string{}
	for _, r := range regions {
		im.regions[r.Name], im.regions[r.Code] = r.ID, r.ID
	}
	return nil
}

// category finds the category a row names: its full path in the tree, else a name unique in
// the tree, else a child of 导入 created on first use.
func (im *importer) category(ctx context.Context, names []string) (string, error) {
	im.catMu.Lock()
	defer im.catMu.Unlock()
	var path []string
	for _, n := range names {
		for _, part := range strings.FieldsFunc(n, func(r rune) bool { return r == '/' || r == '>' || r == '›' || r == '|' }) {
			if p := strings.TrimSpace(part); p != "" {
				path = append(path, p)
			}
		}
	}
	if len(path) == 0 {
		return "", nil
	}
	if id, ok := im.catPath[strings.Join(path, "/")]; ok {
		return id, nil
	}
	last := path[len(path)-1]
	if id, ok := im.catName[last]; ok {
		return id, nil
	}
	if utf8.RuneCountInString(last) > 100 {
		return "", reject("category", "category name longer than 100 characters")
	}
	key := ImportCategory + "/" + last
	if id, ok := im.catPath[key]; ok {
		return id, nil
	}
	var id string
	err := im.st.InTx(ctx, func(tx *store.Tx) error {
		if im.importID == "" {
			top, err := tx.CategoryByName(ctx, "", ImportCategory)
			if errors.Is(err, store.ErrNotFound) {
				top = &org.Category{Name: ImportCategory, Level: 1}
				err = tx.SaveCategory(ctx, top)
			}
			if err != nil {
				return err
			}
			im.importID = top.ID
		}
		c, err := tx.CategoryByName(ctx, im.importID, last)
		if errors.Is(err, store.ErrNotFound) {
			c = &org.Category{Name: last, ParentID: im.importID, Level: 2}
			if err = tx.SaveCategory(ctx, c); err == nil {
				im.mu.Lock()
				im.sum.NewCats++
				im.mu.Unlock()
			}
		}
		if err != nil {
			return err
		}
		id = c.ID
		return nil
	})
	if err != nil {
		im.importID = "" // it may have been rolled back with the child
		return "", err
	}
	im.catPath[key] = id
	return id, nil
}

var requestTypes = map[string]ticket.RequestType{}

func init() {
	for _, rt := range ticket.RequestTypes {
		requestTypes[rt.Name] = rt.ID
		requestTypes[string(rt.ID)] = rt.ID
	}
}

var urgencies = map[string]ticket.Urgency{}

func init() {
	for _, u := range ticket.Urgencies {
		urgencies[u.Name] = u.ID
		urgencies[string(u.ID)] = u.ID
	}
}

// row imports one record in one transaction.
func (im *importer) row(ctx context.Context, h header, rec []string) (err error) {
	t := &ticket.Ticket{
		Channel:     im.opt.Channel,
		Subject:     h.get(rec, "subject"),
		Description: h.get(rec, "text"),
		Address:     h.get(rec, "address"),
		CitizenName: h.get(rec, "name"),
		Phone:       strings.NewReplacer(" ", "", "-", "").Replace(h.get(rec, "phone")),
		Fields:      map[string]ticket.Field{},
	}
	if ch := h.get(rec, "channel"); ch != "" {
		t.Channel = ticket.Channel(ch)
	}
	sourceID := h.get(rec, "id")
	if sourceID != "" {
		im.mu.Lock()
		number, dup := im.seen[sourceID]
		if !dup {
			im.seen[sourceID] = "(this file)"
		}
		im.mu.Unlock()
		if dup {
			return reject("duplicate", "id %s was imported already (ticket %s)", sourceID, number)
		}
		t.Fields["source_id"] = ticket.Field{Type: ticket.FieldText, Value: sourceID}
		defer func() {
			// The id is held while the row is stored: a rejected row gives it back, so a
			// corrected copy further down the file can still come in.
			im.mu.Lock()
			if err != nil {
				delete(im.seen, sourceID)
			} else {
				im.seen[sourceID] = t.Number
			}
			im.mu.Unlock()
		}()
	}
	if v := h.get(rec, "type"); v != "" {
		rt, ok := requestTypes[v]
		if !ok {
			return reject("type", "unknown request type %q", v)
		}
		t.RequestType = rt
	}
	if v := h.get(rec, "urgency"); v != "" {
		u, ok := urgencies[v]
		if !ok {
			return reject("urgency", "unknown urgency %q", v)
		}
		t.Urgency = u
	}
	created := time.Now()
	if _, ok := h["time"]; ok {
		v := h.get(rec, "time")
		if v == "" {
			return reject("time", "time: empty")
		}
		var err error
		if created, err = ParseTime(v); err != nil {
			return reject("time", "time: %v", err)
		}
	}
	created = created.UTC().Truncate(time.Millisecond)
	if created.After(time.Now().Add(24 * time.Hour)) {
		return reject("time", "time: %s is in the future", created.In(ticket.Location).Format("2006-01-02 15:04"))
	}
	if err := ticket.ValidateNew(t); err != nil {
		var fe ticket.FieldErrors
		if errors.As(err, &fe) {
			keys := make([]string, 0, len(fe))
			for k := range fe {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return reject(keys[0], "%v", err)
		}
		return reject("invalid", "%v", err)
	}
	if d := h.get(rec, "department"); d != "" {
		if id, ok := im.depts[d]; ok {
			t.DepartmentID = id
		} else {
			// History is worth more than a tidy department list: keep the row and the name.
			im.mu.Lock()
			im.sum.Unmatched[d]++
			im.mu.Unlock()
			t.Fields["source_department"] = ticket.Field{Type: ticket.FieldText, Value: d}
		}
	}
	if r := h.get(rec, "region"); r != "" {
		if id, ok := im.regions[r]; ok {
			t.RegionID = id
		} else {
			t.Fields["source_region"] = ticket.Field{Type: ticket.FieldText, Value: r}
		}
	}
	reply := h.get(rec, "reply")
	replied := created
	if v := h.get(rec, "reply_time"); v != "" && reply != "" {
		rt, err := ParseTime(v)
		if err != nil {
			return reject("reply_time", "reply_time: %v", err)
		}
		if rt = rt.UTC().Truncate(time.Millisecond); rt.After(created) {
			replied = rt
		}
	}
	if utf8.RuneCountInString(reply) > ticket.MaxDescription {
		return reject("reply", "reply: at most %d characters", ticket.MaxDescription)
	}
	catID, err := im.category(ctx, []string{h.get(rec, "category"), h.get(rec, "category2"), h.get(rec, "category3")})
	if err != nil {
		return err
	}
	t.CategoryID = catID

	err = im.st.InTx(ctx, func(tx *store.Tx) error {
		if t.Phone != "" {
			c, err := tx.TouchCitizen(ctx, t.Phone, t.CitizenName)
			if err != nil {
				return err
			}
			t.CitizenID = c.ID
		}
		num, err := tx.NextTicketNumber(ctx, created)
		if err != nil {
			return err
		}
		t.ID, t.Number, t.CreatedAt, t.UpdatedAt = store.NewID(), num, created, created
		role := "admin"
		events := []ticket.Event{{Action: ticket.ActRegister, Actor: im.opt.Actor, Role: role, ToState: ticket.Registered,
			Note: "imported from a former system", At: created, Data: map[string]any{"channel": string(t.Channel)}}}
		t.State = ticket.Registered
		if reply != "" {
			// The former system's outcome, kept as history: dispatched (when the unit is
			// known), replied, closed. No callback happened here, so none is invented.
			prev := ticket.Registered
			if t.DepartmentID != "" {
				events = append(events, ticket.Event{Action: ticket.ActDispatch, Actor: im.opt.Actor, Role: role,
					FromState: prev, ToState: ticket.Dispatched, DepartmentID: t.DepartmentID, At: created})
				prev = ticket.Dispatched
			}
			events = append(events,
				ticket.Event{Action: ticket.ActReply, Actor: im.opt.Actor, Role: role, FromState: prev, ToState: ticket.Replied,
					Note: reply, DepartmentID: t.DepartmentID, At: replied},
				ticket.Event{Action: ticket.ActClose, Actor: im.opt.Actor, Role: role, FromState: ticket.Replied,
					ToState: ticket.Closed, At: replied})
			t.State, t.Reply, t.UpdatedAt = ticket.Closed, reply, replied
			t.ClosedAt = &replied
		} else {
			t.DepartmentID = "" // registered tickets wait for the centre to dispatch them
		}
		t.Version = len(events)
		if err := tx.InsertTicket(ctx, t, events[0]); err != nil {
			return err
		}
		for i := range events[1:] {
			ev := events[i+1]
			ev.TicketID = t.ID
			if err := tx.AppendEvent(ctx, &ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	im.sum.Imported++
	if reply != "" {
		im.sum.Closed++
	}
	return nil
}
