package textseg

import (
	"context"
	"database/sql"
	"os"
	"slices"
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

// TestFTS5OverSegmentedTokens checks the search design on the pure-Go SQLite driver: FTS5
// is compiled in, unicode61 keeps each pre-segmented Chinese word as one token, a
// two-character query word finds a ticket where it only occurs inside a longer word, and
// bm25() ranks the ticket that mentions the word more often first.
func TestFTS5OverSegmentedTokens(t *testing.T) {
	s := seg(t)
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: each :memory: connection is its own database
	if _, err := db.Exec(`CREATE VIRTUAL TABLE ticket_fts USING fts5(tokens, tokenize='unicode61')`); err != nil {
		t.Fatalf("FTS5 not available: %v", err)
	}
	for _, d := range searchDocs {
		if _, err := db.Exec(`INSERT INTO ticket_fts(rowid, tokens) VALUES (?, ?)`, d.id, s.IndexText(d.text)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range searchCases {
		match := FTS5Match(s.QueryTokens(tc.query))
		rows, err := db.Query(`SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ? ORDER BY bm25(ticket_fts), rowid`, match)
		if got := collect(t, rows, err); !slices.Equal(got, tc.want) {
			t.Errorf("MATCH %s for %q = %v, want %v", match, tc.query, got, tc.want)
		}
	}
}

// TestTSVectorOverSegmentedTokens is the PostgreSQL half, on a temporary table, when
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
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE ticket_search (id bigint PRIMARY KEY, tokens tsvector NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE INDEX ON ticket_search USING gin (tokens)`); err != nil {
		t.Fatal(err)
	}
	for _, d := range searchDocs {
		if _, err := conn.ExecContext(ctx, `INSERT INTO ticket_search VALUES ($1, to_tsvector('simple', $2))`, d.id, s.IndexText(d.text)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range searchCases {
		q := TSQuery(s.QueryTokens(tc.query))
		rows, err := conn.QueryContext(ctx, `SELECT id FROM ticket_search, to_tsquery('simple', $1) q
			WHERE tokens @@ q ORDER BY ts_rank_cd(tokens, q) DESC, id`, q)
		if got := collect(t, rows, err); !slices.Equal(got, tc.want) {
			t.Errorf("to_tsquery(%s) for %q = %v, want %v", q, tc.query, got, tc.want)
		}
	}
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
