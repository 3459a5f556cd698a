package webtest

import (
	"context"
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// phoneSize is the viewport of a mid-range phone: the portal is built for it first.
func (e *env) phoneSize() { e.run("phone viewport", chromedp.EmulateViewport(390, 844)) }
func (e *env) deskSize()  { e.run("desk viewport", chromedp.EmulateViewport(1440, 900)) }

// answerQuestion reads the check question off the page and works it out, as a person would.
func (e *env) answerQuestion() string {
	e.t.Helper()
	e.waitJS("a check question", `/^\d+ [+-] \d+ = \?$/.test(document.getElementById('p-question').textContent.trim())`)
	q := e.text(`#p-question`)
	var a, b int
	var op string
	if _, err := fmt.Sscanf(q, "%d %s %d = ?", &a, &op, &b); err != nil {
		e.t.Fatalf("question %q: %v", q, err)
	}
	if op == "-" {
		return strconv.Itoa(a - b)
	}
	return strconv.Itoa(a + b)
}

// fieldError is JS: whether the form item holding #id shows an error containing text.
func fieldError(id, text string) string {
	return fmt.Sprintf(`(()=>{const i=document.getElementById(%q);const fi=i&&i.closest('.el-form-item');return !!fi&&fi.classList.contains('is-error')&&fi.textContent.includes(%q)})()`, id, text)
}

// TestBrowserPortal: the whole life of a request that starts on the citizen portal, on a
// phone-sized screen. The citizen submits (invalid input and a wrong check answer first, shown
// beside the fields and not saved), the dispatcher dispatches, the department accepts and
// replies, the dispatcher approves, and the citizen looks it up, reads the reply and rates it —
// the rating is the callback (回访) — and then sees it closed.
func TestBrowserPortal(t *testing.T) {
	e := start(t)

	// The login page leads citizens to the portal.
	e.open("/login", `!!document.querySelector('#login-portal')`)
	if s := e.text(`#login-portal`); s != "市民诉求入口" {
		t.Errorf("portal link reads %q", s)
	}
	e.phoneSize()
	e.run("follow the portal link", chromedp.Click(chromedp.CSS(`#login-portal`)))
	e.waitJS("portal form", `location.pathname === '/portal' && !!document.querySelector('#p-description') && !!document.querySelector('#p-category input')`)
	if e.evalBool(`!!document.querySelector('[data-test=user-menu]')`) {
		t.Error("the portal shows the staff shell")
	}
	if w := e.evalBool(`document.documentElement.scrollWidth <= window.innerWidth + 1`); !w {
		t.Error("the portal is wider than a phone screen")
	}
	e.answerQuestion()
	e.shot("portal-01-submit")
	before := e.countTickets()

	// Nothing filled but a bad phone: the errors sit beside their fields, nothing is saved.
	e.run("bad phone", chromedp.SendKeys(chromedp.CSS(`#p-phone`), "12345"))
	e.run("submit empty", chromedp.Click(chromedp.CSS(`#p-submit`)))
	e.waitJS("description error", fieldError("p-description", "请填写诉求内容"))
	e.waitJS("phone error", fieldError("p-phone", "请填写 11 位手机号或带区号的固定电话"))
	e.waitJS("place error", fieldError("p-address", "请填写地址或在地图上标注位置"))
	e.waitJS("answer error", fieldError("p-answer", "请回答验证问题"))
	e.fullShot("portal-02-invalid")

	// Fill it in as a citizen would: category from the tree (searched), text, address, a point
	// on the map, a photo, the phone.
	e.run("focus the category", chromedp.Click(chromedp.CSS(`#p-category input`)))
	e.keys("search the category", "城管执法")
	e.pickSuggestion("category", "城管执法")
	e.waitJS("category picked", `document.querySelector('#p-category input').value.includes('城管执法')`)
	e.run("subject", chromedp.SendKeys(chromedp.CSS(`#p-subject`), "小区门口夜市占道"))
	e.run("description", chromedp.SendKeys(chromedp.CSS(`#p-description`), "每晚七点后摊贩占满人行道，老人孩子只能走机动车道，请尽快处理。"))
	e.run("address", chromedp.SendKeys(chromedp.CSS(`#p-address`), "东塘街道韶山路 120 号小区门口"))
	e.run("tap the map", chromedp.Click(chromedp.CSS(`.p-map .map-box`)))
	e.waitJS("point marked", `document.querySelector('.p-map').textContent.includes('已标注')`)
	e.run("add a photo", chromedp.SetUploadFiles(chromedp.CSS(`.p-card input.el-upload__input`), []string{photo(t, "stalls.png", color.RGBA{220, 120, 30, 255})}))
	e.waitJS("photo listed", `document.querySelectorAll('.el-upload-list__item').length === 1`)
	e.run("fix the phone", chromedp.Click(chromedp.CSS(`#p-phone`)))
	e.keys("erase", strings.Repeat(kb.Backspace, 5))
	e.keys("phone", "139 1234 5678")
	e.run("name", chromedp.SendKeys(chromedp.CSS(`#p-name`), "陈先生"))

	// A wrong answer is refused beside the field, a new question is asked, nothing is saved.
	right := e.answerQuestion()
	wrong, _ := strconv.Atoi(right)
	e.run("wrong answer", chromedp.SendKeys(chromedp.CSS(`#p-answer`), strconv.Itoa(wrong+1)))
	e.run("submit with a wrong answer", chromedp.Click(chromedp.CSS(`#p-submit`)))
	e.waitJS("wrong answer shown", fieldError("p-answer", "验证答案不正确"))
	if n := e.countTickets(); n != before {
		t.Fatalf("a wrong answer saved a ticket: %d → %d", before, n)
	}
	if e.evalBool(`document.querySelector('.el-form-item.is-error #p-phone, .el-form-item.is-error #p-description')!==null`) {
		t.Error("fixed fields still marked")
	}
	e.run("right answer", chromedp.SendKeys(chromedp.CSS(`#p-answer`), e.answerQuestion()))
	e.shot("portal-03-filled")
	// Enter in the answer submits, as on a phone keyboard's "go".
	e.run("submit with Enter", chromedp.SendKeys(chromedp.CSS(`#p-answer`), kb.Enter))
	e.waitJS("ticket number shown", `/^\d{13,}$/.test((document.querySelector('#p-number')||{textContent:''}).textContent.trim())`)
	number := e.text(`#p-number`)
	if !e.evalBool(`document.body.textContent.includes('已上传照片 1 张')`) {
		t.Error("the photo was not reported as uploaded")
	}
	e.shot("portal-04-submitted")
	if n := e.countTickets(); n != before+1 {
		t.Fatalf("want one new ticket, have %d → %d", before, n)
	}
	tk, err := e.st.TicketByNumber(context.Background(), number)
	if err != nil || tk.Channel != "portal" || tk.Phone != "13912345678" || tk.Lat == nil || tk.CitizenName != "陈先生" {
		t.Fatalf("stored ticket: %v %+v", err, tk)
	}
	t.Logf("citizen submitted %s", number)

	// The citizen looks it up at once: received, with the photo on the timeline.
	e.run("to the look-up", chromedp.Click(chromedp.CSS(`#p-to-lookup`)))
	e.waitJS("looked up", `!!document.querySelector('#l-status') && document.querySelector('#l-status').textContent.includes('已受理')`)
	if tl := e.text(`#l-timeline`); !strings.Contains(tl, "您补充了照片") || !strings.Contains(tl, "诉求已受理") {
		t.Errorf("timeline after submit: %s", tl)
	}

	// The centre and the department do their part on their desks.
	e.deskSize()
	e.login("dispatcher")
	e.open("/dispatch", `!!document.querySelector('.el-table__row')`)
	e.clickInRow(number, "dispatch")
	e.waitJS("department preselected from the category", `[...document.querySelectorAll('[data-test=dept-picker], .el-dialog .el-select__selected-item')].some(x=>x.offsetParent!==null&&x.textContent.includes('市城管局'))`)
	e.submitDialog("市民网上反映，请市城管局处理")
	e.logout()
	e.login("handler")
	e.open("/dept", `!!document.querySelector('.el-table__row')`)
	e.clickInRow(number, "accept")
	e.submitDialog("")
	e.clickInRow(number, "reply")
	reply := "已会同东塘街道清理占道摊点，设置夜市疏导区，人行道已恢复通行。"
	e.submitDialog(reply)
	e.logout()
	e.login("dispatcher")
	e.open("/dispatch", `!!document.querySelector('[data-tab=replied]')`)
	e.run("replies tab", chromedp.Click(chromedp.CSS(`[data-tab=replied]`)))
	e.clickInRow(number, "approve_reply")
	e.submitDialog("")
	e.logout()

	// The citizen: handled, the reply shown, no staff names or notes, and a rating to give.
	e.phoneSize()
	e.open("/portal/lookup", `!!document.querySelector('#l-number')`)
	// Another day, another browser tab: nothing remembered, the citizen types both.
	e.evalBool(`(()=>{sessionStorage.clear();return true})()`)
	e.open("/portal/lookup", `!!document.querySelector('#l-number') && document.querySelector('#l-phone').value === ''`)
	e.run("number", chromedp.SendKeys(chromedp.CSS(`#l-number`), number))
	e.run("phone", chromedp.SendKeys(chromedp.CSS(`#l-phone`), "13912345678"+kb.Enter))
	e.waitJS("awaiting rating", `!!document.querySelector('#l-status') && document.querySelector('#l-status').textContent.includes('待评价') && !!document.querySelector('#l-rate')`)
	if got := e.text(`#l-reply`); got != reply {
		t.Errorf("reply shown %q, want %q", got, reply)
	}
	page := e.evalString(`document.body.textContent`)
	for _, secret := range []string{"刘洋", "请市城管局处理", "dispatcher"} {
		if strings.Contains(page, secret) {
			t.Errorf("the citizen sees %q", secret)
		}
	}
	if !strings.Contains(e.text(`#l-department`), "市城管局") {
		t.Error("the handling unit is not shown")
	}
	// A rating without a choice is refused beside the field.
	e.run("rate without choosing", chromedp.Click(chromedp.CSS(`#l-rate-submit`)))
	e.waitJS("choice required", `[...document.querySelectorAll('#l-rate .el-form-item.is-error')].some(x=>x.textContent.includes('请选择评价'))`)
	e.run("choose 满意", chromedp.Click(chromedp.CSS(`[data-rating=satisfied]`)))
	e.run("comment", chromedp.SendKeys(chromedp.CSS(`#l-comment`), "处理很快，谢谢！"))
	e.fullShot("portal-05-rate")
	e.run("send the rating", chromedp.Click(chromedp.CSS(`#l-rate-submit`)))
	e.waitJS("closed", `document.querySelector('#l-status').textContent.includes('已办结') && !!document.querySelector('#l-thanks') && !document.querySelector('#l-rate')`)
	if s := e.text(`#l-rated`); !strings.Contains(s, "满意") {
		t.Errorf("rating shown %q", s)
	}
	if tl := e.text(`#l-timeline`); !strings.Contains(tl, "已评价：满意") || !strings.Contains(tl, "承办单位已签收") {
		t.Errorf("timeline at the end: %s", tl)
	}
	e.fullShot("portal-06-closed")
	tk, err = e.st.TicketByNumber(context.Background(), number)
	if err != nil || tk.State != "closed" || tk.Satisfaction != "satisfied" {
		t.Fatalf("after the rating: %v %+v", err, tk)
	}

	// Later, the citizen comes back and finds it closed with the reply; in English too.
	e.open("/portal/lookup?number="+number, `!!document.querySelector('#l-status') && document.querySelector('#l-status').textContent.includes('已办结')`)
	if got := e.text(`#l-reply`); got != reply {
		t.Errorf("reply after closing %q", got)
	}
	e.run("language list", chromedp.Click(chromedp.CSS(`#portal-lang`)))
	e.waitJS("English offered", `[...document.querySelectorAll('.el-select-dropdown__item')].some(x=>x.offsetParent!==null&&x.textContent.trim()==='English')`)
	e.evalBool(`(()=>{[...document.querySelectorAll('.el-select-dropdown__item')].find(x=>x.offsetParent!==null&&x.textContent.trim()==='English').click();return true})()`)
	e.waitJS("English status", `document.querySelector('#l-status').textContent.trim()==='Closed' && document.querySelector('#l-timeline').textContent.includes('Accepted by the unit')`)
	e.shot("portal-07-english")
	e.evalBool(`(()=>{localStorage.setItem('hotline.lang','zh-CN');return true})()`)

	// The centre sees the citizen's rating as the callback.
	e.deskSize()
	e.login("dispatcher")
	e.open("/tickets/"+number, `!!document.querySelector('[data-test=ticket-state]')`)
	if s := e.text(`[data-test=ticket-state]`); s != "已办结" {
		t.Errorf("staff see state %q", s)
	}
	if tl := e.evalString(`document.querySelector('[data-test=timeline]').textContent`); !strings.Contains(tl, "回访") || !strings.Contains(tl, "处理很快") {
		t.Errorf("the staff timeline lacks the citizen's callback: %s", tl)
	}
}
