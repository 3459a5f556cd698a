package webtest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/hotline-dev/hotline/internal/account"
	"github.com/hotline-dev/hotline/internal/demo"
	"github.com/hotline-dev/hotline/internal/httpapi"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/store/storetest"
	"github.com/hotline-dev/hotline/internal/workorder"
	"github.com/hotline-dev/hotline/web"
)

// A handler of another department, for the test that department scope holds in the browser.
const otherHandler, otherPassword = "webtest_water", "webtest-water-1"

// chromiumPath is Debian's Chromium, installed by scripts/test-deps.sh.
const chromiumPath = "/usr/bin/chromium"

// env is a running server with the demo city and a browser tab on it.
type env struct {
	t     *testing.T
	url   string
	srv   *httptest.Server
	st    *store.Store
	ctx   context.Context
	shots string
}

func start(t *testing.T) *env { return startWith(t, nil) }

// startWith starts the server; withVoice, when given, runs on the loaded store before the
// HTTP server starts and returns the call centre the API drives (voice_browser_test.go).
func startWith(t *testing.T, withVoice func(*store.Store) *httpapi.Voice) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Fatalf("Chromium is not installed at %s: run scripts/test-deps.sh (it installs chromium and chromium-driver)", chromiumPath)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st := storetest.SQLite(t)
	ctx := context.Background()
	accounts := account.New(st, log)
	if _, err := demo.Load(ctx, st, accounts, log); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	// A handler of another unit (the water company), made here so the test does not depend on
	// which extra handlers the demo creates.
	depts, err := st.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range depts {
		if d.Code == "swjt" {
			u := &store.User{Username: otherHandler, DisplayName: "市水务集团 承办人", Role: "handler", DepartmentID: d.ID}
			if err := accounts.CreateUser(ctx, "webtest", u, otherPassword); err != nil {
				t.Fatal(err)
			}
		}
	}
	svc := workorder.New(st, t.TempDir(), log)
	var voice *httpapi.Voice
	if withVoice != nil {
		voice = withVoice(st)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{Service: svc, Accounts: accounts, Store: st, Log: log, Web: web.Handler(), Voice: voice}))
	t.Cleanup(srv.Close)
	if voice != nil {
		t.Cleanup(func() { voice.Close() }) // first: it ends the event streams the server waits for
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancelBrowser)
	// The first run starts the browser; it must not carry the test's timeout (that would end
	// the browser with it), so the timeout goes on a context derived after.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v (run scripts/test-deps.sh)", err)
	}
	tctx, cancelTimeout := context.WithTimeout(bctx, 6*time.Minute)
	t.Cleanup(cancelTimeout)
	shots := os.Getenv("HOTLINE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, url: srv.URL, srv: srv, st: st, ctx: tctx, shots: shots}
}

func (e *env) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, actions...); err != nil {
		e.fail(what, err)
	}
}

func (e *env) fail(what string, err error) {
	e.t.Helper()
	loc, _ := chromedp.Run(e.ctx, chromedp.Location())
	if active, err := chromedp.Run(e.ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.outerHTML.slice(0, 160) : ''`)); err == nil {
		e.t.Logf("focus is on %s", active)
	}
	e.shot("failure-" + strings.ReplaceAll(what, " ", "-"))
	e.t.Fatalf("%s (at %s): %v", what, loc, err)
}

// waitJS polls a JavaScript expression until it is true.
func (e *env) waitJS(what, expr string) {
	e.t.Helper()
	if _, err := chromedp.Run(e.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(15*time.Second),
		chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		e.fail(what, err)
	}
}

func (e *env) evalBool(expr string) bool {
	e.t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		e.fail("eval "+expr, err)
	}
	return v
}

func (e *env) evalString(expr string) string {
	e.t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		e.fail("eval "+expr, err)
	}
	return v
}

func (e *env) shot(name string) { e.capture(name, false) }

// fullShot captures the whole page, below the fold too.
func (e *env) fullShot(name string) { e.capture(name, true) }

func (e *env) capture(name string, full bool) {
	// Let loading masks and transitions finish so the picture shows the page as a person sees it.
	_, _ = chromedp.Run(e.ctx, chromedp.Poll[chromedp.Void](`![...document.querySelectorAll('.el-loading-mask')].some(m=>m.offsetParent!==null)`,
		chromedp.WithPollingTimeout(3*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	time.Sleep(400 * time.Millisecond)
	shoot := chromedp.CaptureScreenshot()
	if full {
		shoot = chromedp.FullScreenshot(100)
	}
	buf, err := chromedp.Run(e.ctx, shoot)
	if err != nil {
		e.t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(e.shots, name+".png"), buf, 0o644); err != nil {
		e.t.Logf("screenshot %s: %v", name, err)
	}
}

// keys types text into whatever has the focus, as a keyboard would.
func (e *env) keys(what string, text string) {
	e.t.Helper()
	e.run(what, chromedp.KeyEvent(text))
}

// focusIn reports (as JS) whether the focus is inside the element with this id.
func focusIn(id string) string {
	return fmt.Sprintf(`(()=>{const el=document.getElementById(%q);const a=document.activeElement;return !!el&&!!a&&(el===a||el.contains(a))})()`, id)
}

// tabTo presses Tab until the focus is inside the element with id, failing after max presses.
func (e *env) tabTo(id string, max int) {
	e.t.Helper()
	for i := 0; i < max; i++ {
		if e.evalBool(focusIn(id)) {
			return
		}
		e.keys("tab towards "+id, kb.Tab)
	}
	active := e.evalString(`document.activeElement ? document.activeElement.outerHTML.slice(0,200) : ''`)
	e.t.Fatalf("Tab did not reach #%s in %d presses; focus is on %s", id, max, active)
}

// pickSuggestion moves from a filterable cascader's input into its suggestion list with the
// arrow key and picks the suggestion holding text with Enter. The cascader filters after a
// debounce, so the arrow is repeated until the focus is on that suggestion.
func (e *env) pickSuggestion(what, text string) {
	e.t.Helper()
	e.waitJS(what+" suggestions", fmt.Sprintf(`[...document.querySelectorAll('.el-cascader__suggestion-item')].some(x=>x.offsetParent!==null&&x.textContent.includes(%q))`, text))
	onIt := fmt.Sprintf(`(()=>{const a=document.activeElement;return !!a&&!!a.closest('.el-cascader__suggestion-item')&&a.textContent.includes(%q)})()`, text)
	for i := 0; ; i++ {
		time.Sleep(350 * time.Millisecond)
		e.keys("into the suggestions", kb.ArrowDown)
		if e.evalBool(onIt) {
			break
		}
		if i == 5 {
			e.t.Fatalf("%s: the arrow key did not reach the suggestion %q", what, text)
		}
		if e.evalBool(`!!document.activeElement.closest('.el-cascader__suggestion-item, .el-cascader-node')`) {
			e.keys("back to the input", kb.Escape) // focus went into the panel instead; start again
		}
	}
	e.keys("pick "+what, kb.Enter)
}

// timed navigates and waits until expr holds, returning how long the view took to be usable.
func (e *env) open(path, ready string) time.Duration {
	e.t.Helper()
	t0 := time.Now()
	e.run("open "+path, chromedp.Navigate(e.url+path))
	e.waitJS("ready "+path, ready)
	d := time.Since(t0)
	e.t.Logf("%s interactive in %v", path, d.Round(time.Millisecond))
	if os.Getenv("HOTLINE_WEB_TIMING") != "" {
		e.t.Logf("  %s", e.evalString(`performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
			.map(r=>[r.name.replace(location.origin,''), Math.round(r.startTime), Math.round(r.duration)])
			.sort((a,b)=>b[2]-a[2]).slice(0,6).map(x=>x[0]+' @'+x[1]+' '+x[2]+'ms').join(' | ') + ' | now ' + Math.round(performance.now())`))
	}
	return d
}

// password is a demo user's password, from the demo package that created the user.
func password(t *testing.T, user string) string {
	t.Helper()
	for _, u := range demo.Users {
		if u.Username == user {
			return u.Password
		}
	}
	if user == otherHandler {
		return otherPassword
	}
	t.Fatalf("no demo user %s", user)
	return ""
}

func (e *env) login(user string) {
	e.t.Helper()
	password := password(e.t, user)
	e.open("/login", `!!document.querySelector('#login-username')`)
	e.run("log in as "+user,
		chromedp.WaitVisible(chromedp.CSS(`#login-username`)),
		chromedp.SendKeys(chromedp.CSS(`#login-username`), user),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), password+kb.Enter),
	)
	e.waitJS("leave the login page", `location.pathname !== '/login' && !!document.querySelector('[data-test=user-menu]')`)
}

func (e *env) logout() {
	e.t.Helper()
	if !e.evalBool(`!!document.querySelector('[data-test=logout]')`) {
		e.open("/", `!!document.querySelector('[data-test=logout]')`) // pages without the header (print)
	}
	e.run("log out", chromedp.Click(chromedp.CSS(`[data-test=logout]`)))
	e.waitJS("back on the login page", `location.pathname === '/login'`)
}

// clickInRow clicks the action button of a ticket's row in a desk table.
func (e *env) clickInRow(number, action string) {
	e.t.Helper()
	e.waitJS("row "+number+" offers "+action, fmt.Sprintf(`[...document.querySelectorAll('tr')].some(tr=>tr.textContent.includes(%q)&&tr.querySelector('[data-action=%s]'))`, number, action))
	e.evalBool(fmt.Sprintf(`(()=>{const tr=[...document.querySelectorAll('tr')].find(tr=>tr.textContent.includes(%q)&&tr.querySelector('[data-action=%s]'));tr.querySelector('[data-action=%s]').click();return true})()`, number, action, action))
	e.waitJS("dialog for "+action, `[...document.querySelectorAll('[data-test=action-submit]')].some(b=>b.offsetParent!==null&&b.dataset.ready==='true')`)
}

const visibleNote = `[...document.querySelectorAll('textarea[data-test=action-note], [data-test=action-note] textarea')].find(x=>x.offsetParent!==null)`

// submitDialog types the note (if any) into the open action dialog and confirms it.
func (e *env) submitDialog(note string) {
	e.t.Helper()
	if note != "" {
		if !e.evalBool(`(()=>{const t=` + visibleNote + `;t.focus();return document.activeElement===t})()`) {
			e.t.Fatal("the dialog's note field did not take the focus")
		}
		e.keys("type the note", note)
	}
	e.evalBool(`(()=>{const b=[...document.querySelectorAll('[data-test=action-submit]')].find(b=>b.offsetParent!==null);b.click();return true})()`)
	e.waitJS("dialog closed", `![...document.querySelectorAll('[data-test=action-submit]')].some(b=>b.offsetParent!==null)`)
}

func (e *env) text(sel string) string {
	e.t.Helper()
	s, err := chromedp.Run(e.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		e.fail("read "+sel, err)
	}
	return strings.TrimSpace(s)
}

// photo writes a small PNG to upload, as a citizen's or a handler's photo would be.
func photo(t *testing.T, name string, c color.RGBA) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{c.R, c.G, uint8(int(c.B) * x / 64), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) countTickets() int {
	e.t.Helper()
	n, err := e.st.CountTickets(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestBrowserLifecycle: an agent registers a phone request with the keyboard only (invalid
// input first, shown beside the fields and not saved), the dispatcher dispatches it, the
// handler of 市城管局 accepts and replies, and each page shows what happened.
func TestBrowserLifecycle(t *testing.T) {
	e := start(t)
	slow := 0
	check := func(d time.Duration) {
		if d > time.Second {
			slow++
		}
	}

	// Login page, and a wrong password shown without leaving it.
	check(e.open("/login", `!!document.querySelector('#login-username')`))
	e.shot("01-login")
	e.run("wrong password", chromedp.SendKeys(chromedp.CSS(`#login-username`), "agent"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), "wrong-password"+kb.Enter))
	e.waitJS("login error shown", `document.body.textContent.includes('用户名或密码错误')`)

	// Agent: the desk opens with the focus on the phone field.
	e.login("agent")
	check(e.open("/agent", `document.activeElement && document.activeElement.id === 'f-phone' && !!document.querySelector('#f-category input')`))
	// This server runs no call centre: the seat panel says so instead of a broken stream.
	e.waitJS("seat panel without a call centre", `(document.querySelector('[data-test=voice-link]')||{textContent:''}).textContent.includes('本节点未运行呼叫中心')`)
	if !e.evalBool(`document.activeElement && document.activeElement.id === 'f-phone'`) {
		t.Error("the seat panel took the focus from the phone field")
	}
	before := e.countTickets()

	// Invalid input: a phone with letters and no subject. Enter submits; errors appear beside
	// the fields and nothing is saved.
	e.keys("type a bad phone", "12ab")
	e.keys("tab to name", kb.Tab)
	e.keys("type the name", "王先生")
	e.keys("submit with Enter", kb.Enter)
	e.waitJS("phone error beside the field", `(()=>{const i=document.getElementById('f-phone');const fi=i&&i.closest('.el-form-item');return !!fi&&fi.classList.contains('is-error')&&fi.textContent.includes('电话号码为 5–20 位数字')})()`)
	e.waitJS("subject error beside the field", `(()=>{const i=document.getElementById('f-subject');const fi=i&&i.closest('.el-form-item');return !!fi&&fi.classList.contains('is-error')})()`)
	e.shot("02-agent-invalid")
	time.Sleep(300 * time.Millisecond)
	if n := e.countTickets(); n != before {
		t.Fatalf("invalid input saved a ticket: %d tickets, want %d", n, before)
	}

	// Fix it with the keyboard only: back to the phone, erase, retype, then every field in tab order.
	e.run("Shift+Tab back to the phone", chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
	if !e.evalBool(focusIn("f-phone")) {
		t.Fatal("Shift+Tab from the name field did not return to the phone field")
	}
	e.keys("erase", strings.Repeat(kb.Backspace, 4))
	e.keys("type the phone", "13812345678")
	e.tabTo("f-category", 6)
	e.keys("search the category", "城管执法")
	e.pickSuggestion("category", "城管执法")
	e.waitJS("category picked, focus back on it", `document.querySelector('#f-category input').value.includes('城管执法') && `+focusIn("f-category"))
	e.tabTo("f-region", 3)
	e.keys("search the region", "东塘街道")
	e.pickSuggestion("region", "东塘街道")
	e.waitJS("region picked", `document.querySelector('#f-region input').value.includes('东塘街道') && `+focusIn("f-region"))
	e.tabTo("f-address", 6)
	e.keys("type the address", "东塘街道韶山路 88 号")
	e.tabTo("f-subject", 4)
	e.keys("type the subject", "韶山路夜市占道经营影响通行")
	e.tabTo("f-description", 2)
	e.keys("type the description", "每天晚上七点以后摊贩占用人行道，行人只能走机动车道，请城管处理。")
	// A photo the caller sent (file choosers are outside the page, so the test sets the file).
	e.run("attach a photo", chromedp.SetUploadFiles(chromedp.CSS(`#f-files`), []string{photo(t, "stall.png", color.RGBA{200, 80, 40, 255})}))
	e.tabTo("btn-register", 10)
	if !e.evalBool(`getComputedStyle(document.activeElement).outlineStyle !== 'none'`) {
		t.Error("the focused register button shows no focus outline")
	}
	e.shot("03-agent-filled")
	e.keys("register with Enter", kb.Enter)
	e.waitJS("registered", `!!document.querySelector('[data-test=recent] .ticket-link')`)
	number := e.text(`[data-test=recent] .ticket-link`)
	if e.countTickets() != before+1 {
		t.Fatalf("want one new ticket, have %d → %d", before, e.countTickets())
	}
	t.Logf("registered %s", number)
	e.waitJS("focus back on the phone for the next call", `document.activeElement && document.activeElement.id === 'f-phone'`)
	e.shot("04-agent-registered")

	// A consultation answered on the call: register and close in one step, keyboard only.
	e.keys("type the phone", "13900001111")
	e.tabTo("f-subject", 12)
	e.keys("type the subject", "咨询公积金提取条件")
	e.tabTo("f-answer", 8)
	e.keys("type the answer", "已告知：连续缴存满 3 个月可申请提取，携带身份证到任一网点办理。")
	e.tabTo("btn-close", 4)
	e.keys("answer and close with Enter", kb.Enter)
	e.waitJS("closed on the spot", `(()=>{const li=document.querySelector('[data-test=recent] li');return !!li&&li.textContent.includes('已办结')&&li.textContent.includes('咨询公积金')})()`)

	// Register and dispatch at once with Ctrl+Enter: the category's department is preselected.
	e.waitJS("focus back on the phone", `document.activeElement && document.activeElement.id === 'f-phone'`)
	e.keys("type the phone", "13700002222")
	e.tabTo("f-category", 6)
	e.keys("search the category", "城管执法")
	e.pickSuggestion("category", "城管执法")
	e.waitJS("department suggested", `document.querySelector('#f-dept').textContent.includes('市城管局') || [...document.querySelectorAll('#f-dept .el-select__selected-item')].some(x=>x.textContent.includes('市城管局'))`)
	e.tabTo("f-subject", 8)
	e.keys("type the subject", "人行道井盖缺失")
	// The agent knows better than the rule: pick another unit in the department tree by keyboard.
	e.tabTo("f-dept", 6)
	e.keys("filter the departments", "水务")
	e.waitJS("department list filtered", `[...document.querySelectorAll('.dept-picker-popper .el-tree-node')].some(x=>x.offsetParent!==null&&x.textContent.includes('市水务集团'))`)
	e.keys("into the tree", kb.ArrowDown)
	e.keys("pick the department", kb.Enter)
	e.waitJS("department picked", `document.querySelector('#f-dept').textContent.includes('市水务集团')`)
	if !e.evalBool(focusIn("f-dept")) {
		// Known: now and then Element Plus's closing list leaves the focus on the page; Ctrl+Enter
		// works from anywhere on the desk, so the keyboard user is not stuck.
		t.Logf("after the department pick the focus is not back on the field")
	}
	e.run("register and dispatch with Ctrl+Enter", chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	e.waitJS("registered and dispatched", `(()=>{const li=document.querySelector('[data-test=recent] li');return !!li&&li.textContent.includes('待签收')&&li.textContent.includes('市水务集团')})()`)
	waterNumber := e.text(`[data-test=recent] .ticket-link`)
	if n := e.countTickets(); n != before+3 {
		t.Errorf("want 3 new tickets after three registrations, have %d", n-before)
	}

	// The ticket page as the agent: registered, phone in full, category path, timeline.
	check(e.open("/tickets/"+number, `!!document.querySelector('[data-test=ticket-state]') && document.querySelectorAll('[data-test=timeline] .el-timeline-item').length >= 1`))
	if s := e.text(`[data-test=ticket-state]`); s != "已登记" {
		t.Errorf("state shown %q, want 已登记", s)
	}
	if p := e.text(`[data-test=ticket-phone]`); p != "13812345678" {
		t.Errorf("agent sees phone %q, want it in full", p)
	}
	e.logout()

	// Dispatcher: the registered queue, dispatch with the department taken from the category.
	e.login("dispatcher")
	check(e.open("/dispatch", `!!document.querySelector('.el-table__row')`))
	e.shot("05-dispatch-desk")
	e.clickInRow(number, "dispatch")
	e.waitJS("department preselected from the category", `[...document.querySelectorAll('[data-test=dept-picker], .el-dialog .el-select__selected-item')].some(x=>x.offsetParent!==null&&x.textContent.includes('市城管局'))`)
	e.waitJS("deadlines shown before dispatching", `(()=>{const p=[...document.querySelectorAll('[data-test=deadline-preview]')].find(x=>x.offsetParent!==null);return !!p&&p.textContent.includes('签收时限')&&/\d{2}:\d{2}/.test(p.textContent)})()`)
	e.shot("06-dispatch-dialog")
	e.submitDialog("请市城管局处理")
	e.waitJS("row gone from the queue", fmt.Sprintf(`![...document.querySelectorAll('tr')].some(tr=>tr.textContent.includes(%q))`, number))
	e.logout()

	// Handler of 市城管局: accept and reply from the department desk; the phone is masked.
	e.login("handler")
	check(e.open("/dept", `!!document.querySelector('.el-table__row')`))
	e.clickInRow(number, "accept")
	e.submitDialog("")
	e.clickInRow(number, "reply")
	e.run("reply photo", chromedp.SetUploadFiles(chromedp.CSS(`.el-overlay-dialog input[type=file]`), []string{photo(t, "cleared.png", color.RGBA{40, 160, 80, 255})}))
	e.shot("07-dept-reply-dialog")
	e.submitDialog("已联合街道清理占道摊贩，设置夜市临时疏导点，人行道已恢复通行。")
	e.waitJS("row gone after reply", fmt.Sprintf(`![...document.querySelectorAll('tr')].some(tr=>tr.textContent.includes(%q))`, number))
	e.shot("08-dept-desk")
	check(e.open("/tickets/"+number, `!!document.querySelector('[data-test=ticket-reply]')`))
	if s := e.text(`[data-test=ticket-state]`); s != "待审核" {
		t.Errorf("state after reply %q, want 待审核", s)
	}
	if p := e.text(`[data-test=ticket-phone]`); p != "138****5678" {
		t.Errorf("handler sees phone %q, want 138****5678", p)
	}
	timeline := e.evalString(`document.querySelector('[data-test=timeline]').textContent`)
	for _, step := range []string{"登记", "派单", "签收", "反馈"} {
		if !strings.Contains(timeline, step) {
			t.Errorf("timeline lacks %s: %s", step, timeline)
		}
	}
	e.waitJS("both photos previewed", `[...document.querySelectorAll('.el-image img')].filter(i=>i.complete&&i.naturalWidth===64).length >= 2`)
	e.fullShot("09-ticket-page")
	check(e.open("/tickets/"+number+"/print", `document.body.textContent.includes(`+fmt.Sprintf("%q", number)+`) && document.body.textContent.includes('反馈')`))
	e.fullShot("10-ticket-print")
	e.logout()

	// Dispatcher: approve the reply, record a satisfied callback; the ticket closes.
	e.login("dispatcher")
	e.open("/dispatch", `!!document.querySelector('[data-tab=replied]')`)
	e.run("replies tab", chromedp.Click(chromedp.CSS(`[data-tab=replied]`)))
	e.clickInRow(number, "approve_reply")
	e.submitDialog("")
	e.run("callback tab", chromedp.Click(chromedp.CSS(`[data-tab=callback]`)))
	e.clickInRow(number, "callback")
	e.evalBool(`(()=>{const r=[...document.querySelectorAll('.el-dialog label.el-radio')].find(l=>l.offsetParent!==null&&l.textContent.includes('基本满意')===false&&l.textContent.includes('满意')&&!l.textContent.includes('不满意'));r.click();return true})()`)
	e.shot("09b-callback-dialog")
	e.submitDialog("市民表示摊贩已清理，满意")
	check(e.open("/tickets/"+number, `!!document.querySelector('[data-test=ticket-state]')`))
	if s := e.text(`[data-test=ticket-state]`); s != "已办结" {
		t.Errorf("state after a satisfied callback %q, want 已办结", s)
	}
	timeline = e.evalString(`document.querySelector('[data-test=timeline]').textContent`)
	for _, step := range []string{"审核通过", "回访", "满意"} {
		if !strings.Contains(timeline, step) {
			t.Errorf("timeline lacks %s", step)
		}
	}

	// English is one click away and remembered across reloads.
	e.run("switch to English", chromedp.Click(chromedp.CSS(`.shell-header .el-select`)))
	e.waitJS("language list", `[...document.querySelectorAll('.el-select-dropdown__item')].some(x=>x.offsetParent!==null&&x.textContent.trim()==='English')`)
	e.evalBool(`(()=>{[...document.querySelectorAll('.el-select-dropdown__item')].find(x=>x.offsetParent!==null&&x.textContent.trim()==='English').click();return true})()`)
	e.waitJS("English labels", `document.querySelector('[data-test=ticket-state]').textContent.trim()==='Closed'`)
	e.open("/tickets/"+number, `!!document.querySelector('[data-test=ticket-state]') && document.querySelector('[data-test=ticket-state]').textContent.trim()==='Closed'`)
	e.shot("09c-ticket-page-english")
	e.evalBool(`(()=>{localStorage.setItem('hotline.lang','zh-CN');return true})()`)
	e.logout()

	// A department user cannot open a ticket outside the department.
	e.login(otherHandler)
	e.open("/tickets/"+number, `document.body.textContent.includes('不在您所在单位的办理范围内') || document.body.textContent.includes('无权进行此操作')`)
	if e.evalBool(`!!document.querySelector('[data-test=ticket-description]')`) {
		t.Error("a handler of another department sees the ticket")
	}
	e.shot("18-other-department-refused")

	// The water company's handler accepts its own ticket and asks for more time; a request
	// without a reason is refused beside the field and changes nothing.
	check(e.open("/dept", `!!document.querySelector('.el-table__row')`))
	e.clickInRow(waterNumber, "accept")
	e.submitDialog("")
	// 挂起 while the citizen is to send a photo: the row says so and offers 恢复, not 反馈;
	// resuming gives the department its actions back.
	e.clickInRow(waterNumber, "suspend")
	e.submitDialog("请市民补充井盖位置照片")
	e.waitJS("the row shows the suspension", fmt.Sprintf(`[...document.querySelectorAll('tr')].some(tr=>tr.textContent.includes(%q)&&!!tr.querySelector('.chip[title="请市民补充井盖位置照片"]')&&!!tr.querySelector('[data-action=resume]')&&!tr.querySelector('[data-action=reply]'))`, waterNumber))
	if tk, err := e.st.TicketByNumber(context.Background(), waterNumber); err != nil || !tk.Suspended {
		t.Fatalf("suspended from the desk, yet stored as %v %+v", err, tk)
	}
	e.clickInRow(waterNumber, "resume")
	e.submitDialog("")
	e.clickInRow(waterNumber, "request_extension")
	e.evalBool(`(()=>{const b=[...document.querySelectorAll('[data-test=action-submit]')].find(b=>b.offsetParent!==null);b.click();return true})()`)
	e.waitJS("reason required beside the field", `[...document.querySelectorAll('.el-dialog .el-form-item.is-error')].some(x=>x.offsetParent!==null&&x.textContent.includes('请填写原因'))`)
	if tk, err := e.st.TicketByNumber(context.Background(), waterNumber); err != nil || tk.PendingExtension != nil {
		t.Fatalf("an extension request without a reason was saved: %v %+v", err, tk)
	}
	e.submitDialog("井盖需定制，供货周期较长")
	e.logout()

	// The dispatcher sees the request under 延期审核 and approves it.
	e.login("dispatcher")
	e.open("/dispatch", `!!document.querySelector('[data-tab=extension]')`)
	e.run("extension tab", chromedp.Click(chromedp.CSS(`[data-tab=extension]`)))
	e.clickInRow(waterNumber, "approve_extension")
	e.submitDialog("")
	check(e.open("/tickets/"+waterNumber, `!!document.querySelector('[data-test=timeline]')`))
	if tl := e.evalString(`document.querySelector('[data-test=timeline]').textContent`); !strings.Contains(tl, "延期申请") || !strings.Contains(tl, "同意延期") {
		t.Errorf("timeline lacks the extension request and approval: %s", tl)
	}
	e.logout()

	// Administration and the leader's overview render.
	e.login("admin")
	check(e.open("/admin/regions", `document.querySelectorAll('.leaflet-interactive').length > 0 && !!document.querySelector('.org-node')`))
	e.shot("11-admin-regions")
	check(e.open("/admin/departments", `document.body.textContent.includes('市城管局') && !!document.querySelector('.org-node')`))
	e.shot("13-admin-departments")
	check(e.open("/admin/categories", `document.body.textContent.includes('城乡建设') && !!document.querySelector('.org-node')`))
	e.shot("14-admin-categories")
	check(e.open("/admin/users", `document.body.textContent.includes('dispatcher') && !!document.querySelector('.el-table__row')`))
	e.shot("15-admin-users")
	check(e.open("/admin/audit", `!!document.querySelector('.el-table__row')`))
	e.shot("16-admin-audit")
	check(e.open("/admin/apikeys", `!!document.querySelector('.el-table') && !document.querySelector('.el-loading-mask:not([style*="display: none"])')`))
	e.evalBool(`(()=>{[...document.querySelectorAll('.toolbar button')].find(b=>b.textContent.includes('新增')).click();return true})()`)
	e.waitJS("API key form", `[...document.querySelectorAll('.el-dialog input')].some(i=>i.offsetParent!==null)`)
	e.evalBool(`(()=>{const i=[...document.querySelectorAll('.el-dialog input')].find(i=>i.offsetParent!==null);i.focus();return true})()`)
	e.keys("name the key", "Open311 测试客户端")
	e.evalBool(`(()=>{[...document.querySelectorAll('.el-dialog__footer button')].find(b=>b.offsetParent!==null&&b.textContent.includes('保存')).click();return true})()`)
	e.waitJS("the secret is shown once", `(document.querySelector('[data-test=apikey-secret]')||{textContent:''}).textContent.trim().length > 16 && document.body.textContent.includes('Open311 测试客户端')`)
	// The picture goes into the docs: show the place of the secret, not a secret-looking string.
	e.evalBool(`(()=>{document.querySelector('[data-test=apikey-secret]').textContent='hlk_••••••••••••••••••••••••';return true})()`)
	e.shot("17-admin-apikeys")
	check(e.open("/admin/outbox", `!!document.querySelector('.el-table')`))
	e.logout()

	// The leader's overview: every ticket, searchable.
	e.login("leader")
	check(e.open("/", `location.pathname === '/tickets' && !!document.querySelector('.el-table__row')`))
	e.shot("12-ticket-list")
	if slow > 0 {
		// Timings on a shared CI machine are noisy, so they fail the test only when asked to.
		if os.Getenv("HOTLINE_WEB_STRICT_TIMING") != "" {
			t.Errorf("%d views took over 1 s to become interactive", slow)
		} else {
			t.Logf("%d views took over 1 s (shared CPU?); HOTLINE_WEB_STRICT_TIMING=1 makes this an error", slow)
		}
	}
}
