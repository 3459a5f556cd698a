package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/hotline-dev/hotline/internal/store"
)

// kbTitle and kbAnswer are the article the test writes; 停车 is the two-character word the
// agent and the citizen find it by.
const (
	kbTitle  = "路边临时停车泊位收费标准"
	kbAnswer = "您好，路边临时停车泊位白天首小时3元，夜间免费，可通过微信小程序缴费。"
)

// article reads an article over the HTTP API, as another program would see it.
func (a *apiClient) article(id string) store.Article {
	a.t.Helper()
	req, _ := http.NewRequest("GET", a.base+"/api/v1/kb/articles/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var art store.Article
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&art) != nil {
		a.t.Fatalf("GET article %s: %d", id, resp.StatusCode)
	}
	return art
}

// settled waits until no loading mask covers the page, so a click lands on what it aims at.
func (e *env) settled() {
	e.t.Helper()
	e.waitJS("loading done", `![...document.querySelectorAll('.el-loading-mask')].some(m=>m.offsetParent!==null)`)
}

// draftArticle writes a draft over the HTTP API and returns its id.
func (a *apiClient) draftArticle(title, body string) string {
	a.t.Helper()
	in, _ := json.Marshal(map[string]any{"title": title, "body": body, "answers": []string{body}})
	req, _ := http.NewRequest("POST", a.base+"/api/v1/kb/articles", strings.NewReader(string(in)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var art store.Article
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&art) != nil {
		a.t.Fatalf("POST article: %d", resp.StatusCode)
	}
	return art.ID
}

func (e *env) countArticles(state string) int {
	e.t.Helper()
	hits, err := e.st.SearchArticles(context.Background(), store.ArticleFilter{States: []string{state}, Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(hits)
}

// TestBrowserKnowledge: the knowledge base (知识库) end to end. An agent writes an article in
// the editor (a missing title first, shown beside the field and not saved) and submits it; the
// dispatcher finds it in review, cannot send it back without a reason, and approves it (published); the agent types a ticket about
// parking on the agent desk, sees the article in the assist panel and uses its answer (the
// use count goes up); a citizen finds it on the portal's FAQ page.
func TestBrowserKnowledge(t *testing.T) {
	e := start(t)
	e.deskSize()
	drafts := e.countArticles("draft") + e.countArticles("review")

	// The editor: nothing saved without a title, the error beside the field.
	e.login("agent")
	e.waitJS("knowledge menu", `[...document.querySelectorAll('.nav-item')].some(a=>a.textContent.trim()==='知识库')`)
	e.open("/kb/new", `!!document.querySelector('#kb-f-title') && !!document.querySelector('#kb-save-submit')`)
	e.run("body first", chromedp.SendKeys(chromedp.CSS(`#kb-f-body`), "路边**临时停车**泊位按时段收费：\n\n- 白天 8:00–20:00 首小时 3 元\n- 夜间免费\n\n缴费请用[微信小程序](https://example.gov.cn/pay)。"))
	e.run("save without title", chromedp.Click(chromedp.CSS(`#kb-save-submit`)))
	e.waitJS("title error", fieldError("kb-f-title", "必填"))
	if n := e.countArticles("draft") + e.countArticles("review"); n != drafts {
		t.Fatalf("an article without a title was saved: %d drafts, was %d", n, drafts)
	}
	e.run("title", chromedp.SendKeys(chromedp.CSS(`#kb-f-title`), kbTitle))
	e.run("keyword", chromedp.Click(chromedp.CSS(`#kb-f-keywords`)))
	e.keys("type the keyword", "停车")
	e.keys("add the keyword", kb.Enter)
	e.waitJS("keyword tag", `[...document.querySelectorAll('[data-test=kb-editor] .el-select .el-tag')].some(x=>x.textContent.includes('停车'))`)
	e.run("answer", chromedp.SendKeys(chromedp.CSS(`textarea[data-answer-input="0"], [data-answer-input="0"] textarea`), kbAnswer))
	e.run("add a second answer", chromedp.Click(chromedp.CSS(`#kb-f-add-answer`)))
	e.run("second answer", chromedp.SendKeys(chromedp.CSS(`textarea[data-answer-input="1"], [data-answer-input="1"] textarea`), "您好，夜间20:00至次日8:00路边临时泊位停车不收费。"))
	e.evalBool(`(()=>{document.querySelector('#kb-f-public').closest('.el-switch').click();return true})()`)
	e.waitJS("public on", `document.querySelector('#kb-f-public').closest('.el-switch').classList.contains('is-checked')`)
	img := photo(t, "泊位示意图.png", color.RGBA{40, 120, 200, 255})
	e.run("attach a file", chromedp.SetUploadFiles(chromedp.CSS(`#kb-f-files`), []string{img}))
	e.run("save and submit", chromedp.Click(chromedp.CSS(`#kb-save-submit`)))
	e.waitJS("article page in review", `/^\/kb\/[^/]+$/.test(location.pathname) && document.querySelector('[data-test=kb-article]')?.dataset.state === 'review'`)
	id := e.evalString(`location.pathname.split('/')[2]`)
	if e.evalBool(`!!document.querySelector('[data-step=approve]')`) {
		t.Error("an agent is offered to approve")
	}
	if got := e.text(`#kb-title`); got != kbTitle {
		t.Errorf("title %q", got)
	}
	// The body is Markdown, rendered: the list and the bold words are tags, the link is kept.
	if !e.evalBool(`(()=>{const b=document.querySelector('[data-test=kb-body]');return b.querySelectorAll('li').length===2&&b.querySelector('strong').textContent==='临时停车'&&b.querySelector('a').href==='https://example.gov.cn/pay'})()`) {
		t.Errorf("body not rendered: %s", e.evalString(`document.querySelector('[data-test=kb-body]').innerHTML`))
	}
	e.waitJS("attachment listed", `[...document.querySelectorAll('[data-test=kb-article] a[download]')].some(a=>a.textContent==='泊位示意图.png')`)
	e.logout()

	// The reviewer: the article waits in review; approving publishes it.
	e.login("dispatcher")
	e.open("/kb?state=review", fmt.Sprintf(`!!document.querySelector('[data-test=kb-results] [data-article=%q]')`, id))
	e.settled()
	e.run("open it", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-article=%q] .kb-link`, id))))
	e.waitJS("approve offered", `!!document.querySelector('[data-step=approve]') && !!document.querySelector('[data-step=reject]')`)
	// Sending back needs a reason: without one the error sits beside the field and nothing changes.
	e.settled()
	e.run("reject", chromedp.Click(chromedp.CSS(`[data-step=reject]`)))
	e.waitJS("reject dialog", `!!document.querySelector('[data-test=kb-reject-ok]') && document.querySelector('[data-test=kb-reject-ok]').offsetParent !== null`)
	e.run("reject without reason", chromedp.Click(chromedp.CSS(`[data-test=kb-reject-ok]`)))
	e.waitJS("reason error", fieldError("kb-reject-note", "请填写退回原因"))
	e.evalBool(`(()=>{[...document.querySelectorAll('.el-dialog__footer button')].find(b=>b.offsetParent!==null&&b.textContent.includes('取消')).click();return true})()`)
	e.waitJS("dialog closed", `document.querySelector('[data-test=kb-reject-ok]').offsetParent === null`)
	if e.evalString(`document.querySelector('[data-test=kb-article]').dataset.state`) != "review" || e.countArticles("review") != 1 {
		t.Fatal("a reject without a reason changed the article")
	}
	e.run("approve", chromedp.Click(chromedp.CSS(`[data-step=approve]`)))
	e.waitJS("published", `document.querySelector('[data-test=kb-article]').dataset.state === 'published'`)
	e.waitJS("history with names", `[...document.querySelectorAll('[data-test=kb-versions] tbody tr')].length >= 3 && document.querySelector('[data-test=kb-versions]').textContent.includes('派单员 张伟') && document.querySelector('[data-test=kb-versions]').textContent.includes('话务员 李娜')`)
	e.fullShot("27-kb-article")
	// Markdown is rendered, never HTML: tags in a body show as text and script links are dropped.
	hostile := apiLogin(t, e.url, "agent").draftArticle("含有标签的正文", "<img src=x onerror=\"window.__xss=1\"> <script>window.__xss=2</script> [点我](javascript:window.__xss=3)")
	e.open("/kb/"+hostile, `!!document.querySelector('[data-test=kb-body]')`)
	if !e.evalBool(`(()=>{const b=document.querySelectorAll('[data-test=kb-body], [data-answer]');return [...b].every(x=>!x.querySelector('img,script,a[href^="javascript"]'))&&window.__xss===undefined&&document.querySelector('[data-test=kb-body]').textContent.includes('<img src=x')})()`) {
		t.Errorf("hostile body rendered as HTML: %s", e.evalString(`document.querySelector('[data-test=kb-body]').innerHTML`))
	}
	// The search finds it by the two-character word, highlighted.
	e.open("/kb", `!!document.querySelector('#kb-q')`)
	e.run("search 停车", chromedp.SendKeys(chromedp.CSS(`#kb-q`), "停车"+kb.Enter))
	e.waitJS("hit highlighted", fmt.Sprintf(`(()=>{const h=document.querySelector('[data-test=kb-results] [data-article=%q]');return !!h&&[...h.querySelectorAll('mark')].some(m=>m.textContent.includes('停车'))})()`, id))
	e.shot("26-kb-list")
	e.logout()

	// The agent desk: typing about parking brings the article; its answer goes into the form.
	agent := apiLogin(t, e.url, "agent")
	uses := agent.article(id).Uses
	e.login("agent")
	e.open("/agent", `!!document.querySelector('#f-subject') && !!document.querySelector('[data-test=kb-assist]')`)
	e.run("type the subject", chromedp.SendKeys(chromedp.CSS(`#f-subject`), "路边停车收费太贵"))
	e.waitJS("assist shows the article", fmt.Sprintf(`!!document.querySelector('[data-test=kb-assist] [data-article=%q]')`, id))
	e.settled()
	e.run("open its answers", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-test=kb-assist] [data-article=%q] .hit-title`, id))))
	e.waitJS("answers", `document.querySelectorAll('[data-test=kb-assist-answers] [data-use]').length === 2`)
	e.run("use the first answer", chromedp.Click(chromedp.CSS(`[data-test=kb-assist-answers] [data-use="0"]`)))
	e.waitJS("answer in the form", fmt.Sprintf(`document.querySelector('#f-answer').value === %q`, kbAnswer))
	e.shot("28-agent-kb-assist")
	for i := 0; ; i++ {
		if agent.article(id).Uses == uses+1 {
			break
		}
		if i == 50 {
			t.Fatalf("uses stayed %d after 用于答复", uses)
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.logout()

	// The citizen: the public article on the portal's FAQ page, on a phone.
	e.phoneSize()
	e.open("/portal", `!!document.querySelector('#portal-nav-kb')`)
	e.run("to the FAQ", chromedp.Click(chromedp.CSS(`#portal-nav-kb`)))
	e.waitJS("FAQ page", `location.pathname === '/portal/kb' && !!document.querySelector('#p-kb-q')`)
	e.run("search 停车", chromedp.SendKeys(chromedp.CSS(`#p-kb-q`), "停车"+kb.Enter))
	e.waitJS("found", fmt.Sprintf(`!!document.querySelector('[data-test=p-kb-results] [data-article=%q] mark')`, id))
	e.settled()
	e.run("read it", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-test=p-kb-results] [data-article=%q]`, id))))
	e.waitJS("article", fmt.Sprintf(`document.querySelector('#p-kb-title')?.textContent === %q`, kbTitle))
	if got := e.text(`[data-test=p-kb-article]`); !strings.Contains(got, "夜间免费") || !strings.Contains(got, "首小时3元") {
		t.Errorf("portal article reads %q", got)
	}
	e.waitJS("public attachment", `[...document.querySelectorAll('[data-test=p-kb-article] a[download]')].some(a=>a.textContent==='泊位示意图.png'&&a.getAttribute('href').startsWith('/api/v1/public/'))`)
	if w := e.evalBool(`document.documentElement.scrollWidth <= window.innerWidth + 1`); !w {
		t.Error("the FAQ page is wider than a phone screen")
	}
	e.shot("portal-08-kb")
}
