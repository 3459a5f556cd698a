package webtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"github.com/hotline-dev/hotline/internal/sla"
)

// visible is JS: the visible elements matching sel.
func visible(sel string) string {
	return fmt.Sprintf(`[...document.querySelectorAll(%q)].filter(x=>x.offsetParent!==null)`, sel)
}

// rowWith is JS: whether a visible table row of the table data-test=table holds every text.
func rowWith(table string, texts ...string) string {
	cond := "true"
	for _, s := range texts {
		cond += fmt.Sprintf(`&&tr.textContent.includes(%q)`, s)
	}
	return fmt.Sprintf(`[...document.querySelectorAll('[data-test=%s] tbody tr')].some(tr=>%s)`, table, cond)
}

// click clicks the first visible element matching sel that holds text ("" for any).
func (e *env) click(what, sel, text string) {
	e.t.Helper()
	find := fmt.Sprintf(`%s.find(x=>x.textContent.includes(%q))`, visible(sel), text)
	e.waitJS(what, "!!"+find)
	// A mouse click takes the focus first: the field being typed in commits its value (an
	// el-input-number does so on blur), as it does for a person.
	e.evalBool(`(()=>{document.activeElement&&document.activeElement.blur();return true})()`)
	time.Sleep(100 * time.Millisecond)
	e.evalBool(`(()=>{` + find + `.click();return true})()`)
}

// choose opens the el-select marked data-test=sel and picks the option reading text.
func (e *env) choose(sel, text string) {
	e.t.Helper()
	e.click("open "+sel, `[data-test=`+sel+`] .el-select__wrapper`, "")
	opt := fmt.Sprintf(`%s.find(x=>x.textContent.trim()===%q)`, visible(`.el-select-dropdown__item`), text)
	e.waitJS(sel+" offers "+text, "!!"+opt)
	e.evalBool(`(()=>{` + opt + `.click();return true})()`)
}

// typeInto focuses an input and types, as a keyboard would (the old value selected first).
func (e *env) typeInto(sel, text string) {
	e.t.Helper()
	if !e.evalBool(fmt.Sprintf(`(()=>{const i=document.querySelector(%q);if(!i)return false;i.focus();i.select&&i.select();return document.activeElement===i})()`, sel)) {
		e.fail("focus "+sel, fmt.Errorf("no such input"))
	}
	e.keys("type into "+sel, text)
}

// confirmBox accepts an ElMessageBox confirmation.
func (e *env) confirmBox() {
	e.t.Helper()
	e.click("confirm", `.el-message-box__btns .el-button--primary`, "")
	e.waitJS("confirmation closed", `!`+visible(`.el-message-box`)+`.length`)
}

// TestBrowserAdminCalendar: the administrator enters a holiday, sees it listed, imports a
// holiday notice (a bad one first: its per-line report, nothing entered), removes the day and
// works out a deadline over a 调休 weekend; then adds a city time-limit rule (a bad one first,
// refused beside the field and not saved) and sees the preview of a request change.
// The demo tree has no 市容环卫, so the rule is about 城市建设和市政管理 (where 环境卫生 is).
func TestBrowserAdminCalendar(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	e.login("admin")
	e.click("calendar menu", `.nav-item`, "工作日历")
	e.waitJS("calendar page", `location.pathname==='/admin/calendar' && `+rowWith("cal-days", "元旦"))
	e.typeInto(`#cal-year`, "2026"+kb.Enter)
	e.typeInto(`#cal-search`, "国庆")
	e.waitJS("2026 searched", rowWith("cal-days", "2026-10-01", "国庆节", "国务院通知")+"&&!"+rowWith("cal-days", "元旦"))
	e.typeInto(`#cal-search`, kb.Backspace)

	// A day of the city's own (市庆日), entered by hand.
	e.click("add a day", `[data-test=cal-add]`, "")
	e.waitJS("day dialog", `!!`+visible(`#day-name`)+`.length`)
	e.click("save empty", `[data-test=day-save]`, "")
	e.waitJS("errors beside the fields", fieldError("day-date", "必填")+"&&"+fieldError("day-name", "必填"))
	e.typeInto(`#day-date`, "2026-11-25"+kb.Enter)
	e.typeInto(`#day-name`, "市庆日")
	e.click("save the day", `[data-test=day-save]`, "")
	e.waitJS("the day listed", rowWith("cal-days", "2026-11-25", "周三", "市庆日", "本地录入"))
	if rows, _ := e.st.CalendarDays(ctx); len(rows) != 1 || rows[0].Date != "2026-11-25" || rows[0].Kind != "holiday" {
		t.Fatalf("entered days %+v", rows)
	}

	// A notice with a bad line is refused with its report; a good one is entered.
	e.click("import", `[data-test=cal-import]`, "")
	e.waitJS("import dialog", `!!`+visible(`#import-csv`)+`.length`)
	e.typeInto(`#import-csv`, "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n")
	e.click("import the bad notice", `[data-test=import-go]`, "")
	e.waitJS("per-line report", `!!document.querySelector('[data-test=import-error]') && `+rowWith("import-report", "3", "错误"))
	if rows, _ := e.st.CalendarDays(ctx); len(rows) != 1 {
		t.Fatalf("a refused notice entered days: %+v", rows)
	}
	e.typeInto(`#import-csv`, "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n2027-02-07,workday,春节调休上班\n")
	e.click("import the good notice", `[data-test=import-go]`, "")
	e.waitJS("imported", `!!document.querySelector('[data-test=import-ok]') && `+rowWith("import-report", "2027-02-07", "班", "新增"))
	e.click("close the import", `.el-dialog__footer .el-button`, "关闭")
	e.typeInto(`#cal-year`, "2027"+kb.Enter)
	e.waitJS("2027 listed", rowWith("cal-days", "2027-02-07", "周日", "春节调休上班", "本地录入"))

	// Friday + 1 working day over the 调休 Sunday lands on that Sunday.
	e.typeInto(`#calc-from`, "2027-02-05 10:00"+kb.Enter)
	e.typeInto(`#calc-amount`, "1")
	e.click("compute", `[data-test=calc-go]`, "")
	e.waitJS("computed", `(document.querySelector('[data-test=calc-result]')||{}).textContent==='2027-02-07 10:00'`)
	e.shot("24-admin-calendar")

	// Removing the entered day brings the weekday rule back.
	e.typeInto(`#cal-year`, "2026"+kb.Enter)
	e.click("only entered days", `[data-test=cal-only-entered]`, "")
	e.waitJS("back on 2026, entered days only", rowWith("cal-days", "2026-11-25", "市庆日")+"&&!"+rowWith("cal-days", "元旦"))
	e.evalBool(`(()=>{const tr=[...document.querySelectorAll('[data-test=cal-days] tbody tr')].find(tr=>tr.textContent.includes('2026-11-25'));tr.querySelector('[data-test=cal-remove]').click();return true})()`)
	e.confirmBox()
	e.waitJS("the day gone", `!`+rowWith("cal-days", "2026-11-25"))
	e.click("all days again", `[data-test=cal-only-entered]`, "")
	e.waitJS("official days still listed", rowWith("cal-days", "元旦"))
	if rows, _ := e.st.CalendarDays(ctx); len(rows) != 3 {
		t.Fatalf("after removing: %+v", rows)
	}

	// Time limits: a complaint about 环境卫生 (城乡建设 › 城市建设和市政管理) takes 15 working
	// days by default; the city's rule makes it 5 for that whole branch.
	e.click("time-limits menu", `.nav-item`, "时限规则")
	e.waitJS("matrix", `(document.querySelector('[data-cell=complaint-normal]')||{}).textContent==='1 工作日 / 15 工作日 / 15 工作日'`)
	e.choose("pv-type", "投诉")
	e.typeInto(`[data-test=pv-category] input`, "环境卫生")
	e.pickSuggestion("preview category", "环境卫生")
	e.click("preview", `[data-test=pv-go]`, "")
	e.waitJS("previewed", `(document.querySelector('[data-test=pv-handling]')||{}).textContent==='15 工作日'`)

	// A rule with a warning share of 150% is refused beside the field; nothing is saved.
	e.click("add a rule", `[data-test=rule-add]`, "")
	e.waitJS("rule dialog", `!!`+visible(`[data-test=rule-save]`)+`.length`)
	e.choose("rule-type", "投诉")
	e.typeInto(`[data-test=rule-category] input`, "城市建设和市政管理")
	e.pickSuggestion("rule category", "城市建设和市政管理")
	e.typeInto(`[data-test=rule-handling] input`, "5")
	e.typeInto(`[data-test=rule-reply] input`, "5")
	e.typeInto(`[data-test=rule-warn_at] input`, "150")
	e.click("save the bad rule", `[data-test=rule-save]`, "")
	e.waitJS("refused beside the field", `(()=>{const fi=document.querySelector('[data-test=rule-warn_at]');return fi.classList.contains('is-error')&&fi.textContent.includes('预警比例')})()`)
	var stored []sla.RuleDoc
	if ok, err := e.st.Setting(ctx, sla.RulesKey, &stored); err != nil || ok {
		t.Fatalf("a refused rule was saved: %v %v", stored, err)
	}
	e.waitJS("messages gone", `!document.querySelector('.el-message')`)
	e.shot("25b-admin-time-limit-refused")
	e.typeInto(`[data-test=rule-warn_at] input`, "0")
	e.click("save the rule", `[data-test=rule-save]`, "")
	e.waitJS("rule listed", `!`+visible(`[data-test=rule-save]`)+`.length && `+rowWith("city-rules", "投诉", "城乡建设 › 城市建设和市政管理", "5 工作日"))
	if ok, err := e.st.Setting(ctx, sla.RulesKey, &stored); err != nil || !ok || len(stored) != 1 || stored[0].Handling != "5wd" || stored[0].Type != "complaint" {
		t.Fatalf("stored rules %+v %v", stored, err)
	}
	e.waitJS("preview follows the rule", `(document.querySelector('[data-test=pv-handling]')||{}).textContent==='5 工作日'`)
	if s := e.text(`[data-cell=complaint-normal]`); s != "1 工作日 / 15 工作日 / 15 工作日" {
		t.Errorf("the matrix (no category) changed: %q", s)
	}

	// A rule for every consultation changes the matrix at once.
	e.click("add another rule", `[data-test=rule-add]`, "")
	e.waitJS("rule dialog again", `!!`+visible(`[data-test=rule-save]`)+`.length`)
	e.choose("rule-type", "咨询")
	e.typeInto(`[data-test=rule-handling] input`, "3")
	e.click("save the consultation rule", `[data-test=rule-save]`, "")
	e.waitJS("matrix follows", `(document.querySelector('[data-cell=consult-normal]')||{}).textContent==='1 工作日 / 3 工作日 / 2 工作日'`)
	e.waitJS("messages gone", `!document.querySelector('.el-message')`)
	e.fullShot("25-admin-time-limits")

	// Working hours: a malformed period is refused beside it and nothing changes.
	e.typeInto(`[data-test=hours-period-1]`, "1330-1730")
	e.click("save the hours", `[data-test=hours-save]`, "")
	e.waitJS("period refused", `(()=>{const fi=document.querySelector('[data-test=hours-period-1]').closest('.el-form-item');return fi.classList.contains('is-error')&&fi.textContent.includes('HH:MM')})()`)
	var periods []string
	if ok, err := e.st.Setting(ctx, sla.PeriodsKey, &periods); err != nil || ok {
		t.Errorf("refused periods were saved: %v %v", periods, err)
	}
	e.typeInto(`[data-test=hours-period-1]`, "13:30-17:30")
	e.waitJS("the error goes with the edit", `!document.querySelector('[data-test=hours-period-1]').closest('.el-form-item').classList.contains('is-error')`)
}
