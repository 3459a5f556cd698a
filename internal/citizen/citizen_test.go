package citizen

import "testing"

func TestTagRepeatCallerIfDue(t *testing.T) {
	for _, c := range []struct {
		count      int
		tags       []string
		added      bool
		wantTagged bool
	}{
		{count: 2, added: false, wantTagged: false},
		{count: 3, added: true, wantTagged: true},
		{count: 7, tags: []string{TagVIP}, added: true, wantTagged: true},
		{count: 4, tags: []string{TagRepeatCaller}, added: false, wantTagged: true},
	} {
		z := &Citizen{TicketCount: c.count, Tags: c.tags}
		if got := z.TagRepeatCallerIfDue(); got != c.added || z.HasTag(TagRepeatCaller) != c.wantTagged || len(z.Tags) > len(c.tags)+1 {
			t.Errorf("%d requests, tags %v: added %v, tags now %v", c.count, c.tags, got, z.Tags)
		}
	}
}
