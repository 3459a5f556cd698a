package textseg

import (
	"database/sql"
	"slices"
	"testing"

	_ "modernc.org/sqlite"
)

// TestFTS5OverSegmentedTokens checks the search design on the pure-Go SQLite driver: FTS5
// is compiled in, unicode61 keeps each pre-segmented Chinese word as one token, a
// two-character query word finds a ticket where it only occurs inside a longer word, and
// bm25() ranks the ticket that mentions the words more often first.
func TestFTS5OverSegmentedTokens(t *testing.T) {
	s := seg(t)
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE ticket_fts USING fts5(tokens, tokenize='unicode61')`); err != nil {
		t.Fatalf("FTS5 not available: %v", err)
	}
	docs := map[int64]string{
		1: "小区楼下烧烤店噪音扰民，夜里噪音很大，油烟也重",
		2: "物业乱收停车费，停车位不够",
		3: "路灯坏了好几天没人修",
		4: "隔壁工地夜间施工，噪音扰民",
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for id, text := range docs {
		if _, err := tx.Exec(`INSERT INTO ticket_fts(rowid, tokens) VALUES (?, ?)`, id, s.IndexText(text)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		query string
		want  []int64 // in rank order
	}{
		{"噪音", []int64{1, 4}},
		{"停车", []int64{2}},
		{"扰民 施工", []int64{4}},
		{"物业", []int64{2}},
		{"路灯", []int64{3}},
		{"地铁", nil},
	} {
		match := FTS5Match(s.QueryTokens(tc.query))
		rows, err := db.Query(`SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ? ORDER BY bm25(ticket_fts)`, match)
		if err != nil {
			t.Fatalf("%q (%s): %v", tc.query, match, err)
		}
		var got []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		rows.Close()
		if !slices.Equal(got, tc.want) {
			t.Errorf("MATCH %s for %q = %v, want %v", match, tc.query, got, tc.want)
		}
	}
}
