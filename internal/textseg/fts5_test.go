package textseg

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// The same tickets and queries run on SQLite (FTS5) and PostgreSQL (tsvector): the design
// in docs/text-search.md requires both databases to find and rank alike.
var searchDocs = []struct {
	id   int64
	text string
}{
	{1, "小区楼下烧烤店噪音扰民，夜里噪音很大，油烟也重"},
	{2, "物业乱收停车费，停车位不够"},
	{3, "路灯坏了好几天没人修"},
	{4, "隔壁工地夜间施工，噪音扰民"},
	{5, "A3区城管执法局不作为"},
}

var searchCases = []struct {
	query string
	want  []int64 // in rank order
}{
	{"噪音", []int64{1, 4}}, // 1 says it twice
	{"停车", []int64{2}},    // only inside 停车费 and 停车位
	{"扰民 施工", []int64{4}},
	{"物业", []int64{2}},
	{"路灯", []int64{3}},
	{"地铁", nil},
	{"执法局", []int64{5}}, // indexed as 城管执法 · 城管 · 执法 · 局: found through its parts
	{"城管 不作为", []int64{5}},
}

func collect(t *testing.T, rows *sql.Rows, err error) []int64 {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestFTS5OverSegmentedTokens checks the search design of docs/text-search.md on the
// pure-Go SQLite driver: FTS5 is compiled in; an external-content FTS5 table over token
// columns, kept by triggers, follows inserts, updates and deletes; unicode61 keeps each
// pre-segmented Chinese word as one token; a two-character query word finds a ticket where
// it only occurs inside a longer word; bm25() ranks the ticket that says it twice first.
func TestFTS5OverSegmentedTokens(t *testing.T) {
	s := seg(t)
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: each :memory: connection is its own database
	for _, stmt := range []string{
		`CREATE TABLE tickets (id INTEGER PRIMARY KEY, body TEXT NOT NULL, body_tokens TEXT NOT NULL)`,
		`CREATE VIRTUAL TABLE ticket_search USING fts5(body_tokens, content='tickets', content_rowid='id', tokenize='unicode61 remove_diacritics 0')`,
		`CREATE TRIGGER tickets_ai AFTER INSERT ON tickets BEGIN
			INSERT INTO ticket_search(rowid, body_tokens) VALUES (new.id, new.body_tokens); END`,
		`CREATE TRIGGER tickets_ad AFTER DELETE ON tickets BEGIN
			INSERT INTO ticket_search(ticket_search, rowid, body_tokens) VALUES ('delete', old.id, old.body_tokens); END`,
		`CREATE TRIGGER tickets_au AFTER UPDATE OF body_tokens ON tickets BEGIN
			INSERT INTO ticket_search(ticket_search, rowid, body_tokens) VALUES ('delete', old.id, old.body_tokens);
			INSERT INTO ticket_search(rowid, body_tokens) VALUES (new.id, new.body_tokens); END`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, d := range searchDocs {
		if _, err := db.Exec(`INSERT INTO tickets VALUES (?, ?, ?)`, d.id, d.text, s.IndexText(d.text)); err != nil {
			t.Fatal(err)
		}
	}
	search := func(q string) []int64 {
		match := s.Query(q).FTS5()
		rows, err := db.Query(`SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? ORDER BY bm25(ticket_search), rowid`, match)
		return collect(t, rows, err)
	}
	for _, tc := range searchCases {
		if got := search(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("search %q = %v, want %v", tc.query, got, tc.want)
		}
	}
	checkWrites(t, search, func(q string, args ...any) {
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}, "?")
}

// checkWrites edits and deletes tickets and checks the index follows in the same statement.
func checkWrites(t *testing.T, search func(string) []int64, exec func(string, ...any), ph string) {
	t.Helper()
	s := seg(t)
	text := "路灯坏了，晚上停车看不见"
	exec(`UPDATE tickets SET body = `+ph+`, body_tokens = `+strings.Replace(ph, "1", "2", 1)+` WHERE id = 3`, text, s.IndexText(text))
	if got := search("停车"); !slices.Equal(sorted(got), []int64{2, 3}) {
		t.Errorf("after update, 停车 finds %v, want [2 3]", got)
	}
	exec(`DELETE FROM tickets WHERE id = 2`)
	if got := search("停车"); !slices.Equal(got, []int64{3}) {
		t.Errorf("after delete, 停车 finds %v, want [3]", got)
	}
	if got := search("物业"); len(got) != 0 {
		t.Errorf("after delete, 物业 finds %v", got)
	}
}

func sorted(x []int64) []int64 {
	y := slices.Clone(x)
	slices.Sort(y)
	return y
}

// TestTSVectorOverSegmentedTokens is the PostgreSQL half (a stored generated tsvector
// column over the token column, GIN index, ts_rank_cd), on a temporary table, when
// HOTLINE_TEST_POSTGRES holds an admin URL (scripts/test.sh sets it; CI requires it).
func TestTSVectorOverSegmentedTokens(t *testing.T) {
	dsn := os.Getenv("HOTLINE_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("HOTLINE_TEST_POSTGRES is not set: CI must test search on PostgreSQL too")
		}
		t.Skip("HOTLINE_TEST_POSTGRES not set")
	}
	s := seg(t)
	ctx := context.Background()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // a temporary table lives in one session
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{
		`CREATE TEMP TABLE tickets (id bigint PRIMARY KEY, body text NOT NULL, body_tokens text NOT NULL,
			search tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', body_tokens), 'C')) STORED)`,
		`CREATE INDEX ON tickets USING gin (search)`,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, d := range searchDocs {
		if _, err := conn.ExecContext(ctx, `INSERT INTO tickets VALUES ($1, $2, $3)`, d.id, d.text, s.IndexText(d.text)); err != nil {
			t.Fatal(err)
		}
	}
	search := func(query string) []int64 {
		q := s.Query(query).TSQuery()
		rows, err := conn.QueryContext(ctx, `SELECT id FROM tickets, to_tsquery('simple', $1) q
			WHERE search @@ q ORDER BY ts_rank_cd(search, q) DESC, id`, q)
		return collect(t, rows, err)
	}
	for _, tc := range searchCases {
		if got := search(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("search %q = %v, want %v", tc.query, got, tc.want)
		}
	}
	checkWrites(t, search, func(q string, args ...any) {
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}, "$1")
	// Each pre-segmented word must be exactly one lexeme, as in FTS5.
	var lexemes int
	text := "物业乱收停车费，噪音扰民"
	if err := conn.QueryRowContext(ctx, `SELECT length(to_tsvector('simple', $1))`, s.IndexText(text)).Scan(&lexemes); err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for _, tok := range s.Tokens(text) {
		distinct[tok] = true
	}
	if lexemes != len(distinct) {
		t.Errorf("PostgreSQL made %d lexemes of %q, want %d", lexemes, s.IndexText(text), len(distinct))
	}
}
