// Package notify holds the messages the hotline sends (消息模板): Chinese defaults built in,
// each editable by an administrator, who stores an override under the "notify.templates"
// setting. Rendering is pure; Load and Save read and write the overrides.
package notify

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/hotline-dev/hotline/internal/store"
)

// Template names.
const (
	Received    = "received"     // 受理回执: to the citizen
	Dispatched  = "dispatched"   // 派单通知: to the department
	Warning     = "warning"      // 预警: to the department
	Overdue     = "overdue"      // 超期: to the department
	SignOverdue = "sign_overdue" // 签收超时: to the department
	Supervise   = "supervise"    // 督办: to the department
	Result      = "result"       // 办理结果: to the citizen
	Survey      = "survey"       // 满意度回访: to the citizen, answered by SMS
)

// Template is one message: Subject is for e-mail; both are text/template over Data.
type Template struct {
	Name    string `json:"name"`
	Title   string `json:"title"` // what the administrator sees
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Data is what a template can say.
type Data struct {
	Number     string // 工单号
	Subject    string
	Department string
	LookupURL  string // where the citizen looks the request up
	Deadline   string // the deadline concerned, local time
	Kind       string // 签收 or 办理
	Reply      string // the department's result
}

// Defaults are the built-in templates.
var Defaults = []Template{
	{Received, "受理回执", "您的诉求已受理 [工单 {{.Number}}]",
		"【12345】您的诉求已受理，工单号{{.Number}}。可凭工单号和手机号查询办理进度：{{.LookupURL}}"},
	{Dispatched, "派单通知", "新工单 [工单 {{.Number}}]",
		"【12345】{{.Department}}：工单{{.Number}}（{{.Subject}}）已派至贵单位，请于{{.Deadline}}前签收并办理。"},
	{Warning, "预警通知", "工单即将超期 [工单 {{.Number}}]",
		"【12345】预警：工单{{.Number}}（{{.Subject}}）{{.Kind}}时限将于{{.Deadline}}到期，请抓紧办理。"},
	{Overdue, "超期通知", "工单已超期 [工单 {{.Number}}]",
		"【12345】超期：工单{{.Number}}（{{.Subject}}）{{.Kind}}时限已于{{.Deadline}}到期，请立即办理并说明原因。"},
	{SignOverdue, "签收超时通知", "工单签收超时 [工单 {{.Number}}]",
		"【12345】签收超时：工单{{.Number}}（{{.Subject}}）签收时限已于{{.Deadline}}到期，贵单位尚未签收，请立即签收办理。"},
	{Supervise, "督办通知", "督办 [工单 {{.Number}}]",
		"【12345】督办：工单{{.Number}}（{{.Subject}}）超期未办结，已列入督办，请{{.Department}}限期办结并反馈。"},
	{Result, "办理结果", "您的诉求已办理 [工单 {{.Number}}]",
		"【12345】您反映的问题（工单{{.Number}}）已办理：{{.Reply}}"},
	{Survey, "满意度回访", "满意度回访 [工单 {{.Number}}]",
		"【12345】请对工单{{.Number}}的办理结果评价：请回复 1 满意，2 基本满意，3 不满意。"},
}

// SettingKey is where the administrator's overrides are stored.
const SettingKey = "notify.templates"

// Set is the templates in force: defaults with overrides applied. Safe for concurrent use.
type Set struct {
	mu     sync.RWMutex
	byName map[string]Template
	parsed map[string][2]*template.Template
}

// NewSet applies overrides (by name) to the defaults; a bad override is an error naming it.
func NewSet(overrides map[string]Template) (*Set, error) {
	s := &Set{}
	if err := s.Replace(overrides); err != nil {
		return nil, err
	}
	return s, nil
}

// Replace installs a new set of overrides, all or nothing.
func (s *Set) Replace(overrides map[string]Template) error {
	by := map[string]Template{}
	parsed := map[string][2]*template.Template{}
	for _, d := range Defaults {
		t := d
		if o, ok := overrides[d.Name]; ok {
			if strings.TrimSpace(o.Body) == "" {
				return fmt.Errorf("template %s: the body is empty", d.Name)
			}
			t.Subject, t.Body = o.Subject, o.Body
		}
		subj, err := template.New(d.Name + ".subject").Option("missingkey=error").Parse(t.Subject)
		if err != nil {
			return fmt.Errorf("template %s: subject: %w", d.Name, err)
		}
		body, err := template.New(d.Name).Option("missingkey=error").Parse(t.Body)
		if err != nil {
			return fmt.Errorf("template %s: body: %w", d.Name, err)
		}
		// Rendering sample data catches fields that do not exist before a message needs them.
		if err := body.Execute(&bytes.Buffer{}, Data{}); err != nil {
			return fmt.Errorf("template %s: %w", d.Name, err)
		}
		if err := subj.Execute(&bytes.Buffer{}, Data{}); err != nil {
			return fmt.Errorf("template %s: subject: %w", d.Name, err)
		}
		by[d.Name], parsed[d.Name] = t, [2]*template.Template{subj, body}
	}
	for name := range overrides {
		if _, ok := by[name]; !ok {
			return fmt.Errorf("no template is called %q", name)
		}
	}
	s.mu.Lock()
	s.byName, s.parsed = by, parsed
	s.mu.Unlock()
	return nil
}

// Render fills the named template.
func (s *Set) Render(name string, d Data) (subject, body string, err error) {
	s.mu.RLock()
	p, ok := s.parsed[name]
	s.mu.RUnlock()
	if !ok {
		return "", "", fmt.Errorf("notify: no template %q", name)
	}
	var sb, bb bytes.Buffer
	if err := p[0].Execute(&sb, d); err != nil {
		return "", "", err
	}
	if err := p[1].Execute(&bb, d); err != nil {
		return "", "", err
	}
	return sb.String(), bb.String(), nil
}

// List returns the templates in force, by name.
func (s *Set) List() []Template {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Template, 0, len(s.byName))
	for _, t := range s.byName {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Overrides reads the administrator's overrides from the database.
func Overrides(ctx context.Context, st *store.Store) (map[string]Template, error) {
	over := map[string]Template{}
	if _, err := st.Setting(ctx, SettingKey, &over); err != nil {
		return nil, err
	}
	return over, nil
}

// Load reads the administrator's overrides from the database into a new Set.
func Load(ctx context.Context, st *store.Store) (*Set, error) {
	over, err := Overrides(ctx, st)
	if err != nil {
		return nil, err
	}
	return NewSet(over)
}

// Save checks and stores overrides, then installs them in s.
func Save(ctx context.Context, st *store.Store, s *Set, overrides map[string]Template, by string) error {
	if _, err := NewSet(overrides); err != nil {
		return err
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SaveSetting(ctx, SettingKey, overrides, by) }); err != nil {
		return err
	}
	return s.Replace(overrides)
}
