package store

import (
	"reflect"
	"testing"
)

func TestMergeInserts(t *testing.T) {
	ev := "INSERT INTO ticket_events (id, seq) VALUES ($1, $2)"
	ob := "INSERT INTO outbox (id, key) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING"
	up := "INSERT INTO citizens (id, phone) VALUES ($1, $2) ON CONFLICT (phone) DO UPDATE SET n = 1"
	got := mergeInserts([]pipedStmt{
		{"begin", "BEGIN", nil},
		{"e", ev, []any{"a", 1}}, {"e", ev, []any{"b", 2}}, {"e", ev, []any{"c", 3}},
		{"o", ob, []any{"x", "k"}}, {"o", ob, []any{"y", "k"}},
		{"u", up, []any{"p", "1"}}, {"u", up, []any{"q", "1"}},
		{"e", ev, []any{"d", 4}},
	})
	want := []pipedStmt{
		{"begin", "BEGIN", nil},
		{"e", "INSERT INTO ticket_events (id, seq) VALUES ($1, $2), ($3, $4), ($5, $6)", []any{"a", 1, "b", 2, "c", 3}},
		{"o", "INSERT INTO outbox (id, key) VALUES ($1, $2), ($3, $4) ON CONFLICT (key) DO NOTHING", []any{"x", "k", "y", "k"}},
		{"u", up, []any{"p", "1"}}, {"u", up, []any{"q", "1"}}, // DO UPDATE must not see a row twice
		{"e", ev, []any{"d", 4}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merged:\n%v\nwant:\n%v", got, want)
	}
	if _, _, _, ok := splitInsert("INSERT INTO t (a) VALUES (lower($1))", 1); ok {
		t.Fatal("a tuple with a call in it was taken apart")
	}
	if r := renumber("($1, 0, $12)", 24); r != "($25, 0, $36)" {
		t.Fatalf("renumber: %s", r)
	}
}
