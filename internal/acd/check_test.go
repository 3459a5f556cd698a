package acd

import "testing"

func TestCheckAgent(t *testing.T) {
	ok := AgentSpec{Ext: "1001", Name: "王芳", Password: "secret", Skills: map[string]int{"12345": 1, "12315": 9}, New: true}
	if fe := CheckAgent(ok); fe != nil {
		t.Fatalf("a good agent refused: %v", fe)
	}
	keep := ok
	keep.Password, keep.New = "", false
	if fe := CheckAgent(keep); fe != nil {
		t.Fatalf("an edit keeping the password refused: %v", fe)
	}
	long := make([]rune, MaxNameLen+1)
	for i := range long {
		long[i] = '名'
	}
	for _, c := range []struct {
		name  string
		edit  func(*AgentSpec)
		field string
	}{
		{"empty ext", func(s *AgentSpec) { s.Ext = "" }, "ext"},
		{"letters in ext", func(s *AgentSpec) { s.Ext = "10a1" }, "ext"},
		{"plus in ext", func(s *AgentSpec) { s.Ext = "+1001" }, "ext"},
		{"ext too long", func(s *AgentSpec) { s.Ext = "123456789012345678901" }, "ext"},
		{"name too long", func(s *AgentSpec) { s.Name = string(long) }, "name"},
		{"new without password", func(s *AgentSpec) { s.Password = "" }, "password"},
		{"short password", func(s *AgentSpec) { s.Password = "abc" }, "password"},
		{"no skills", func(s *AgentSpec) { s.Skills = nil }, "skills"},
		{"skill not a number", func(s *AgentSpec) { s.Skills = map[string]int{"hotline": 1} }, "skills"},
		{"level 0", func(s *AgentSpec) { s.Skills = map[string]int{"12345": 0} }, "skills"},
		{"level 10", func(s *AgentSpec) { s.Skills = map[string]int{"12345": 10} }, "skills"},
		{"negative order", func(s *AgentSpec) { s.Order = -1 }, "order"},
	} {
		s := ok
		s.Skills = map[string]int{"12345": 1}
		c.edit(&s)
		fe := CheckAgent(s)
		if fe[c.field] == "" || len(fe) != 1 {
			t.Errorf("%s: got %v, want one problem with %s", c.name, fe, c.field)
		}
	}
}
