package storeports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hotline-dev/hotline/internal/callcenter"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// NumbersFile is the YAML form of the hotline numbers (号码配置), for moving a centre's
// numbers between installations or keeping them under version control.
type NumbersFile struct {
	Numbers []NumberEntry `yaml:"numbers"`
}

// NumberEntry is one number: where it goes and, optionally, its full routing by period.
type NumberEntry struct {
	Number     string            `yaml:"number"`
	Name       string            `yaml:"name,omitempty"`
	Queue      string            `yaml:"queue"`
	SkillGroup string            `yaml:"skill_group,omitempty"`
	Greeting   string            `yaml:"greeting,omitempty"`
	Route      *callcenter.Route `yaml:"route,omitempty"`
}

// ExportNumbers writes the stored numbers as YAML.
func ExportNumbers(ctx context.Context, st *store.Store, w io.Writer) error {
	nums, err := st.HotlineNumbers(ctx)
	if err != nil {
		return err
	}
	f := NumbersFile{Numbers: make([]NumberEntry, 0, len(nums))}
	for _, n := range nums {
		e := NumberEntry{Number: n.Number, Name: n.Name, Queue: n.Queue, SkillGroup: n.SkillGroup, Greeting: n.Greeting}
		if len(n.Route) > 0 {
			var r callcenter.Route
			if err := json.Unmarshal(n.Route, &r); err != nil {
				return fmt.Errorf("number %s: stored route: %w", n.Number, err)
			}
			r.Number = "" // the entry's number says it
			e.Route = &r
		}
		f.Numbers = append(f.Numbers, e)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return err
	}
	return enc.Close()
}

// ImportNumbers reads a NumbersFile and saves every number in one transaction: when any
// entry is wrong, nothing is saved and the error names every wrong entry. base is the
// plan whose queues and menus the numbers may point at (nil: the default plan). Numbers
// not in the file are left as they are.
func ImportNumbers(ctx context.Context, st *store.Store, r io.Reader, base *callcenter.StaticPlan, actor string) (int, error) {
	if base == nil {
		base = callcenter.DefaultPlan()
	}
	var f NumbersFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true) // a misspelt key is an error, not a silently ignored setting
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, ticket.FieldErrors{"numbers": "the file is empty"}
		}
		return 0, ticket.FieldErrors{"yaml": err.Error()}
	}
	if len(f.Numbers) == 0 {
		return 0, ticket.FieldErrors{"numbers": "no numbers in the file"}
	}
	queues := map[string]bool{}
	var names []string
	for _, q := range base.QueueSet {
		queues[q.Name] = true
		names = append(names, q.Name)
	}
	fe := ticket.FieldErrors{}
	seen := map[string]bool{}
	rows := make([]*store.HotlineNumber, 0, len(f.Numbers))
	for i, e := range f.Numbers {
		key := fmt.Sprintf("numbers[%d]", i)
		switch {
		case !callcenter.ValidDialString(e.Number):
			fe[key+".number"] = "digits only (a leading + allowed), at most 32"
		case seen[e.Number]:
			fe[key+".number"] = "repeated: " + e.Number
		}
		seen[e.Number] = true
		if !queues[e.Queue] {
			fe[key+".queue"] = "no such queue; the queues are " + strings.Join(names, ", ")
		}
		n := &store.HotlineNumber{Number: e.Number, Name: strings.TrimSpace(e.Name), Queue: e.Queue,
			SkillGroup: e.SkillGroup, Greeting: e.Greeting, UpdatedBy: actor}
		if e.Route != nil {
			rt := *e.Route
			rt.Number = e.Number
			check := &callcenter.StaticPlan{Routes: map[string]callcenter.Route{rt.Number: rt}, QueueSet: base.QueueSet, Menus: base.Menus}
			if err := check.Validate(); err != nil {
				fe[key+".route"] = err.Error()
			} else if b, err := json.Marshal(rt); err == nil {
				n.Route = b
			}
		}
		rows = append(rows, n)
	}
	if len(fe) > 0 {
		return 0, fe
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, n := range rows {
			if err := tx.SaveHotlineNumber(ctx, n); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: actor, Action: "voice.numbers.import", ObjectType: "voice_number",
			Detail: fmt.Sprintf("%d numbers", len(rows))})
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}
