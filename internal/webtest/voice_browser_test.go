package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/hotline-dev/hotline/internal/citizen"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/callcenter/storeports"
	"github.com/hotline-dev/hotline/internal/demo"
	"github.com/hotline-dev/hotline/internal/httpapi"
	"github.com/hotline-dev/hotline/internal/sipptest"
	"github.com/hotline-dev/hotline/internal/store"
)

// queueAtOnce routes 12345 straight to its queue at any hour, without the greeting, so the
// test neither waits for the prompt nor depends on the time of day.
var queueAtOnce = json.RawMessage(`{"number":"12345","name":"政务服务便民热线","default":{"kind":"queue","target":"q12345"}}`)

// voicemailLine takes a message at any hour, as 12345 does out of hours.
var voicemailLine = json.RawMessage(`{"number":"12366","name":"留言测试线","default":{"kind":"voicemail"}}`)

// startVoice runs the demo city with the call centre on a free SIP port, as serve --demo does.
func startVoice(t *testing.T) (*env, string) {
	t.Helper()
	sipptest.Require(t)
	sipAddr := fmt.Sprintf("127.0.0.1:%d", sipptest.FreePort(t))
	e := startWith(t, func(st *store.Store) *httpapi.Voice {
		ctx := context.Background()
		if err := storeports.SeedDemo(ctx, st); err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: "12366", Name: "留言测试线", Queue: "q12366",
				SkillGroup: "12366", Route: voicemailLine, UpdatedBy: "webtest"}); err != nil {
				return err
			}
			return tx.SaveHotlineNumber(ctx, &store.HotlineNumber{Number: "12345", Name: "政务服务便民热线", Queue: "q12345",
				SkillGroup: "12345", Route: queueAtOnce, UpdatedBy: "webtest"})
		}); err != nil {
			t.Fatal(err)
		}
		v, err := storeports.Start(ctx, st, callcenter.Config{DataDir: t.TempDir(), SIPAddr: sipAddr}, storeports.Options{},
			slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatalf("call centre: %v", err)
		}
		return v
	})
	return e, sipAddr
}

// agentPhone registers ext with a SIPp phone that answers calls (after 300 ms of ringing).
func agentPhone(t *testing.T, sipAddr, ext string) *sipptest.Proc {
	t.Helper()
	uasPort := sipptest.FreePort(t)
	uas := sipptest.Run(t, "agent "+ext, "-sf", "agent_answer.xml", "-p", fmt.Sprint(uasPort), "-mp", fmt.Sprint(sipptest.FreePort(t)), "-rtp_echo", "-m", "1")
	reg := sipptest.Run(t, "register "+ext, sipAddr, "-sf", "agent_register.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-s", ext,
		"-au", ext, "-ap", storeports.DemoAgentPassword(ext), "-key", "contact_port", fmt.Sprint(uasPort), "-m", "1")
	reg.Wait(t, 10*time.Second)
	return uas
}

// citizenCall is a citizen dialling 12345 from number, staying talkMS after the answer.
func citizenCall(t *testing.T, sipAddr, number string, talkMS int) *sipptest.Proc {
	return citizenDials(t, sipAddr, number, "12345", talkMS)
}

func citizenDials(t *testing.T, sipAddr, number, dialled string, talkMS int) *sipptest.Proc {
	t.Helper()
	return sipptest.Run(t, "caller "+number, sipAddr, "-sf", "caller.xml", "-p", fmt.Sprint(sipptest.FreePort(t)), "-mp", fmt.Sprint(sipptest.FreePort(t)),
		"-s", dialled, "-key", "caller", number, "-key", "pcap", sipptest.G711APcap, "-d", fmt.Sprint(talkMS), "-m", "1")
}

// TestBrowserAgentDeskVoice: the demo agent's desk knows its seat (1001), sets it not ready
// and ready; a real call (SIPp) rings at 1001 and the desk pops the caller's number and
// profile; the agent registers the ticket from the pop and the ticket is linked to the call,
// whose CDR then lists it. A call no one answers lands on the call-back list, and is taken
// off it. The monitor sees the seats live; the administrator's voice pages render.
func TestBrowserAgentDeskVoice(t *testing.T) {
	e, sipAddr := startVoice(t)
	ctx := context.Background()
	if demo.AgentExts["agent"] != "1001" {
		t.Fatalf("the demo agent's seat is %q, want 1001", demo.AgentExts["agent"])
	}

	// A demo citizen with a name and past tickets calls.
	var phone string
	if err := e.st.DB().QueryRowContext(ctx, `SELECT phone FROM citizens WHERE name <> '' AND ticket_count >= 2 ORDER BY phone LIMIT 1`).Scan(&phone); err != nil {
		t.Fatalf("no demo citizen with history: %v", err)
	}
	cz, err := e.st.CitizenByPhone(ctx, phone)
	if err != nil {
		t.Fatal(err)
	}

	e.login("agent")
	e.open("/agent", `!!document.querySelector('[data-test=voice-state]') && document.querySelector('[data-test=voice-link]').textContent.includes('实时')`)
	if s := e.evalString(`document.querySelector('[data-test=voice-state]').dataset.state`); s != "signed-out" {
		t.Errorf("seat 1001 before its phone registers: %q, want signed-out", s)
	}
	// SIPp's global timeout (40 s) counts from here: the phone registers only now, and the
	// page sees the seat sign in live.
	phoneUA := agentPhone(t, sipAddr, "1001")
	seatState := func(want string) {
		e.t.Helper()
		e.waitJS("seat shows "+want, fmt.Sprintf(`document.querySelector('[data-test=voice-state]').dataset.state === %q`, want))
	}
	storedState := func(want string) {
		e.t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			a, err := e.st.VoiceAgent(ctx, "1001")
			if err == nil && a.State == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the call centre has 1001 %+v, want %s", a, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	seatState("ready") // signed in by registering the phone, shown live
	e.run("示忙", chromedp.Click(chromedp.CSS(`[data-test=voice-not-ready]`)))
	seatState("not-ready")
	storedState("not-ready")
	e.run("示闲", chromedp.Click(chromedp.CSS(`[data-test=voice-ready]`)))
	seatState("ready")
	storedState("ready")

	// The centre's number-place table knows the caller's 7-digit block (号段).
	if err := e.st.InTx(ctx, func(tx *store.Tx) error {
		return tx.SavePhonePrefixes(ctx, []citizen.PhonePrefix{{Prefix: phone[:7], Region: "演示省A市"}})
	}); err != nil {
		t.Fatal(err)
	}

	// The call: the pop shows the number and the profile, and the form has the phone.
	before := e.countTickets()
	call := citizenCall(t, sipAddr, phone, 20000)
	e.waitJS("screen pop with the caller's number", fmt.Sprintf(`(()=>{const p=document.querySelector('[data-test=screen-pop]');return !!p&&p.querySelector('[data-test=pop-caller]').textContent.includes(%q)})()`, phone))
	callID := e.evalString(`document.querySelector('[data-test=screen-pop]').dataset.call`)
	e.waitJS("the caller's profile", fmt.Sprintf(`(()=>{const n=document.querySelector('[data-test=citizen-name]');return !!n&&n.textContent.includes(%q)&&document.querySelectorAll('[data-test=citizen-tickets] li').length>0})()`, cz.Name))
	e.waitJS("the number's place (号码归属地)", `(document.querySelector('[data-test=phone-info]')||{textContent:''}).textContent.includes('演示省A市')`)
	if cz.TicketCount > 1 && !e.evalBool(`!!document.querySelector('[data-test=citizen-repeat], [data-test=citizen-card] [data-tag=repeat_caller]')`) {
		t.Error("a citizen with several tickets is not marked as a repeat caller")
	}
	if got := e.evalString(`document.getElementById('f-phone').value`); got != phone {
		t.Errorf("the form's phone is %q, want the caller's %s", got, phone)
	}
	e.waitJS("the call is answered", `document.querySelector('[data-test=screen-pop]').dataset.phase === 'talking' && document.querySelector('[data-test=voice-state]').dataset.state === 'busy'`)
	if !e.evalBool(fmt.Sprintf(`(document.querySelector('[data-test=linked-call]')||{dataset:{}}).dataset.call === %q`, callID)) {
		t.Error("the form does not show the call it will be linked to")
	}
	e.shot("19-agent-screen-pop")

	// Register the ticket while talking.
	e.run("focus the subject", chromedp.Focus(chromedp.CSS(`#f-subject`)))
	e.keys("type the subject", "来电反映小区路灯不亮")
	e.run("register", chromedp.Click(chromedp.CSS(`#btn-register`)))
	e.waitJS("registered", `!!document.querySelector('[data-test=recent] .ticket-link')`)
	number := e.text(`[data-test=recent] .ticket-link`)
	if n := e.countTickets(); n != before+1 {
		t.Fatalf("want one new ticket, have %d → %d", before, n)
	}
	tk, err := e.st.TicketByNumber(ctx, number)
	if err != nil || tk.Phone != phone || tk.Channel != "phone" {
		t.Fatalf("ticket %s: %v %+v", number, err, tk)
	}
	ids, err := e.st.TicketCallIDs(ctx, number)
	if err != nil || len(ids) != 1 || ids[0] != callID {
		t.Fatalf("ticket %s links calls %v (%v), want %s", number, ids, err, callID)
	}
	call.Wait(t, 45*time.Second)
	phoneUA.Wait(t, 10*time.Second)
	e.waitJS("the pop shows the hang-up", `document.querySelector('[data-test=screen-pop]').dataset.phase === 'ended'`)
	var cdrs store.CallRecordPage
	for deadline := time.Now().Add(10 * time.Second); ; {
		if cdrs, err = e.st.CallRecords(ctx, store.CallRecordFilter{Ticket: number}); err == nil && len(cdrs.Records) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no CDR for the ticket's call: %v %+v", err, cdrs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if c := cdrs.Records[0]; c.CallID != callID || c.Agent != "1001" || c.Answered == nil || c.Caller != phone {
		t.Fatalf("the ticket's call: %+v", c)
	}

	// The ticket page lists the call with its recording.
	e.open("/tickets/"+number, fmt.Sprintf(`!!document.querySelector('[data-test=ticket-calls] [data-call=%q] audio')`, callID))
	e.waitJS("the recording plays", fmt.Sprintf(`(()=>{const a=document.querySelector('[data-test=ticket-calls] [data-call=%q] audio');a.preload='auto';a.load();return true})()`, callID))
	e.waitJS("the recording loaded", fmt.Sprintf(`(()=>{const a=document.querySelector('[data-test=ticket-calls] [data-call=%q] audio');return a.readyState>=1&&a.duration>1})()`, callID))
	e.fullShot("19b-ticket-linked-call")
	e.open("/agent", `document.querySelector('[data-test=voice-link]') && document.querySelector('[data-test=voice-link]').textContent.includes('实时')`)

	// A call while the seat is not ready waits in the queue until the citizen gives up: it is
	// on the call-back list, and the agent takes it off after calling back.
	e.waitJS("seat free again", `['ready','wrap-up'].includes(document.querySelector('[data-test=voice-state]').dataset.state)`)
	for i := 0; ; i++ {
		e.run("示忙", chromedp.Click(chromedp.CSS(`[data-test=voice-not-ready]`)))
		if _, err := chromedp.Run(e.ctx, chromedp.Poll[chromedp.Void](`document.querySelector('[data-test=voice-state]').dataset.state === 'not-ready'`,
			chromedp.WithPollingTimeout(3*time.Second))); err == nil {
			break
		}
		if i == 5 {
			t.Fatal("the seat did not go not ready")
		}
	}
	missed := "13900000002"
	citizenCall(t, sipAddr, missed, 2000).Wait(t, 20*time.Second)
	// And a message left on the voicemail line, played back from the list.
	vm := "13700000003"
	citizenDials(t, sipAddr, vm, "12366", 19000).Wait(t, 40*time.Second) // the prompt lasts 14 s
	vmRow := fmt.Sprintf(`[...document.querySelectorAll('[data-test=callbacks] li')].find(li=>li.textContent.includes(%q))`, vm)
	row := fmt.Sprintf(`[...document.querySelectorAll('[data-test=callbacks] li')].find(li=>li.textContent.includes(%q))`, missed)
	for deadline := time.Now().Add(15 * time.Second); !e.evalBool(`!!` + row + `&&!!` + vmRow); {
		if time.Now().After(deadline) {
			e.fail("missed call on the call-back list", fmt.Errorf("%s not listed", missed))
		}
		e.run("refresh the call-back list", chromedp.Click(chromedp.CSS(`[data-test=callbacks-refresh]`)))
		time.Sleep(500 * time.Millisecond)
	}
	e.evalBool(`(()=>{const a=` + vmRow + `.querySelector('audio[data-test=voicemail]');a.preload='auto';a.load();return true})()`)
	e.waitJS("the voicemail loads", `(()=>{const a=`+vmRow+`.querySelector('audio[data-test=voicemail]');return a.readyState>=1&&a.duration>1})()`)
	if !e.evalBool(vmRow + `.textContent.includes('留言')`) {
		t.Error("the voicemail is not marked as a message")
	}
	e.shot("20-agent-callbacks")
	missedID := e.evalString(row + `.dataset.call`)
	e.evalBool(`(()=>{` + `const li=` + row + `;li.querySelector('[data-test=callback-done]').click();return true})()`)
	e.waitJS("taken off the list", `!`+row)
	if c, err := e.st.CallRecord(ctx, missedID); err != nil || c.CalledBackAt == nil || c.CalledBackBy != "agent" || c.Answered != nil {
		t.Fatalf("missed call after call-back: %v %+v", err, c)
	}

	// The stream drops (every connection to the server cut): the desk says so, reconnects,
	// and again shows a change made elsewhere, here by the monitor through the API.
	e.srv.CloseClientConnections()
	e.waitJS("the desk sees the stream drop", `!document.querySelector('[data-test=voice-link]').textContent.includes('实时')`)
	e.waitJS("the desk reconnects", `document.querySelector('[data-test=voice-link]').textContent.includes('实时')`)
	monitor := apiLogin(t, e.url, "monitor")
	if code := monitor.do("PUT", "/api/v1/voice/agents/1001/state", `{"state":"ready"}`); code != 200 {
		t.Fatalf("monitor sets 1001 ready: %d", code)
	}
	seatState("ready")
	agent := apiLogin(t, e.url, "agent")
	if code := agent.do("PUT", "/api/v1/voice/agents/1002/state", `{"state":"ready"}`); code != 403 {
		t.Errorf("the agent set the monitor's seat: %d", code)
	}
	e.logout()

	// The monitor sees every seat live and may set another's state; the agent could not.
	e.login("monitor")
	e.open("/admin/voice/agents", `!!document.querySelector('[data-test=agents-table] [data-ext="1001"][data-state="ready"]')`)
	e.shot("21-voice-agents")
	e.logout()

	// The administrator's voice pages: numbers and blacklist, added through the forms.
	e.login("admin")
	e.open("/admin/voice/numbers", `document.querySelectorAll('[data-test=numbers-table] .el-table__row').length > 0`)
	e.run("add a number", chromedp.Click(chromedp.CSS(`[data-test=numbers-add]`)))
	e.waitJS("number form", `(()=>{const i=document.querySelector('input[data-test=number-number]');return !!i&&i.offsetParent!==null})()`)
	e.run("a number without its queue", chromedp.SendKeys(chromedp.CSS(`input[data-test=number-number]`), "12388"),
		chromedp.SendKeys(chromedp.CSS(`input[data-test=number-name]`), "测试热线"), chromedp.Click(chromedp.CSS(`[data-test=number-save]`)))
	e.waitJS("queue required beside the field", `[...document.querySelectorAll('.el-dialog .el-form-item.is-error')].some(x=>x.offsetParent!==null)`)
	if n := hotlineNumber(t, e.st, "12388"); n != nil {
		t.Fatalf("a number without a queue was saved: %+v", n)
	}
	e.run("give the queue and save", chromedp.SendKeys(chromedp.CSS(`input[data-test=number-queue]`), "q12345"), chromedp.Click(chromedp.CSS(`[data-test=number-save]`)))
	e.waitJS("listed", `[...document.querySelectorAll('[data-test=numbers-table] .el-table__row')].some(r=>r.textContent.includes('12388')&&r.textContent.includes('测试热线'))`)
	if n := hotlineNumber(t, e.st, "12388"); n == nil || n.Queue != "q12345" || n.UpdatedBy != "admin" {
		t.Fatalf("number 12388: %+v", n)
	}
	e.shot("22-admin-numbers")
	e.run("search the numbers", chromedp.SendKeys(chromedp.CSS(`input[data-test=numbers-search]`), "12388"))
	e.waitJS("one number left", `document.querySelectorAll('[data-test=numbers-table] .el-table__row').length === 1`)
	e.open("/admin/voice/blacklist", `!!document.querySelector('[data-test=blacklist-add]')`)
	e.run("open the blacklist form", chromedp.Click(chromedp.CSS(`[data-test=blacklist-add]`)))
	e.waitJS("form", `(()=>{const i=document.querySelector('input[data-test=bl-number]');return !!i&&i.offsetParent!==null})()`)
	e.run("save without a reason", chromedp.SendKeys(chromedp.CSS(`input[data-test=bl-number]`), "17000000000"), chromedp.Click(chromedp.CSS(`[data-test=bl-save]`)))
	e.waitJS("reason required beside the field", `[...document.querySelectorAll('.el-dialog .el-form-item.is-error')].some(x=>x.offsetParent!==null)`)
	if list, err := e.st.Blacklist(ctx); err != nil || len(list) != 0 {
		t.Fatalf("a blacklist entry without a reason was saved: %v %+v", err, list)
	}
	e.run("give the reason and save", chromedp.SendKeys(chromedp.CSS(`input[data-test=bl-reason]`), "骚扰电话"), chromedp.Click(chromedp.CSS(`[data-test=bl-save]`)))
	e.waitJS("listed", `[...document.querySelectorAll('[data-test=blacklist-table] .el-table__row')].some(r=>r.textContent.includes('17000000000')&&r.textContent.includes('骚扰电话'))`)
	e.shot("23-admin-blacklist")
	if list, err := e.st.Blacklist(ctx); err != nil || len(list) != 1 || list[0].CreatedBy != "admin" {
		t.Fatalf("blacklist: %v %+v", err, list)
	}

	// A new agent through the form: refused without a password, then known to the running
	// call centre at once (its seat shows, signed out until its phone registers).
	e.open("/admin/voice/agents", `!!document.querySelector('[data-test=agent-add]')`)
	e.run("open the agent form", chromedp.Click(chromedp.CSS(`[data-test=agent-add]`)))
	e.waitJS("agent form", `(()=>{const i=document.querySelector('input[data-test=agent-ext]');return !!i&&i.offsetParent!==null})()`)
	e.run("an agent without a password", chromedp.SendKeys(chromedp.CSS(`input[data-test=agent-ext]`), "2005"),
		chromedp.SendKeys(chromedp.CSS(`input[data-test=agent-name]`), "赵新"), chromedp.Click(chromedp.CSS(`[data-test=agent-save]`)))
	e.waitJS("password required beside the field", `[...document.querySelectorAll('.el-dialog .el-form-item.is-error')].some(x=>x.offsetParent!==null)`)
	if _, err := e.st.VoiceAgent(ctx, "2005"); err == nil {
		t.Fatal("an agent without a password was saved")
	}
	e.run("give the password and save", chromedp.SendKeys(chromedp.CSS(`input[data-test=agent-password]`), "pw2005"), chromedp.Click(chromedp.CSS(`[data-test=agent-save]`)))
	e.waitJS("the new seat is listed", `!!document.querySelector('[data-test=agents-table] [data-ext="2005"]')`)
	if a, err := e.st.VoiceAgent(ctx, "2005"); err != nil || a.Name != "赵新" || a.Password != "pw2005" || a.Skills["12345"] != 1 {
		t.Fatalf("agent 2005: %+v %v", a, err)
	}
}

// apiClient is a user logged in over the HTTP API, as another program or browser would be.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func apiLogin(t *testing.T, base, user string) *apiClient {
	t.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, password(t, user))
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login %s: %d %v", user, resp.StatusCode, err)
	}
	return &apiClient{t: t, base: base, token: out.Token}
}

func (a *apiClient) do(method, path, body string) int {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func hotlineNumber(t *testing.T, st *store.Store, number string) *store.HotlineNumber {
	t.Helper()
	nums, err := st.HotlineNumbers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nums {
		if n.Number == number {
			return n
		}
	}
	return nil
}
