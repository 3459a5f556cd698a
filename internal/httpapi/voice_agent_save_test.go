package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/hotline-dev/hotline/internal/httpapi/apitest"
	"github.com/hotline-dev/hotline/internal/store/storetest"
)

// PUT /api/v1/voice/agents/{ext}: the administrator adds and changes agents; bad input and
// other roles change nothing.
func TestVoiceAgentSave(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := apitest.New(t, be.Open(t))
			ctx := context.Background()
			body := map[string]any{"name": "新坐席", "password": "pw2001", "skills": map[string]int{"12345": 2, "12315": 1}}
			var v struct {
				Ext    string         `json:"ext"`
				Name   string         `json:"name"`
				Skills map[string]int `json:"skills"`
				Order  int            `json:"order"`
			}
			if st := e.Do("PUT", "/api/v1/voice/agents/2001", e.Tokens["admin"], body, &v); st != http.StatusCreated ||
				v.Name != "新坐席" || v.Skills["12345"] != 2 || v.Order != 2001 {
				t.Fatalf("create: %d %+v", st, v)
			}
			// A change without a password keeps the phone's password.
			v.Skills = nil // json fills an existing map rather than replacing it
			if st := e.Do("PUT", "/api/v1/voice/agents/2001", e.Tokens["admin"], map[string]any{"name": "改名", "skills": map[string]int{"12345": 3}, "order": 7}, &v); st != http.StatusOK ||
				v.Name != "改名" || v.Order != 7 || len(v.Skills) != 1 {
				t.Fatalf("update: %d %+v", st, v)
			}
			a, err := e.Store.VoiceAgent(ctx, "2001")
			if err != nil || a.Password != "pw2001" {
				t.Fatalf("stored agent %+v %v", a, err)
			}
			for name, c := range map[string]struct {
				ext   string
				body  map[string]any
				field string
			}{
				"new without password": {"2002", map[string]any{"skills": map[string]int{"12345": 1}}, "password"},
				"no skills":            {"2001", map[string]any{"skills": map[string]int{}}, "skills"},
				"bad level":            {"2001", map[string]any{"skills": map[string]int{"12345": 0}}, "skills"},
				"bad extension":        {"20a1", map[string]any{"password": "pw", "skills": map[string]int{"12345": 1}}, "ext"},
				"short password":       {"2001", map[string]any{"password": "pw", "skills": map[string]int{"12345": 1}}, "password"},
			} {
				var eb struct {
					Fields map[string]string `json:"fields"`
				}
				if st := e.Do("PUT", "/api/v1/voice/agents/"+c.ext, e.Tokens["admin"], c.body, &eb); st != http.StatusBadRequest || eb.Fields[c.field] == "" {
					t.Errorf("%s: %d %+v", name, st, eb)
				}
			}
			if st := e.Do("PUT", "/api/v1/voice/agents/2003", e.Tokens["agent"], body, nil); st != http.StatusForbidden {
				t.Errorf("an agent adds agents: %d", st)
			}
			agents, err := e.Store.VoiceAgents(ctx)
			if err != nil || len(agents) != 1 || agents[0].Name != "改名" || agents[0].Skills["12345"] != 3 {
				t.Errorf("refused requests changed the agents: %+v %v", agents, err)
			}
		})
	}
}
