package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// Importing the reference CSV, then hotline suggest train, gives suggestions on the command
// line in the API's shape; hotline search reindex makes the imported tickets searchable.
func TestSuggestAndSearchCommands(t *testing.T) {
	const csv = "../suggest/testdata/complaints-train.csv" // the repository's copy of ../shared/data
	if _, err := os.Stat(csv); err != nil {
		t.Skip("reference data not here")
	}
	db := tempDB(t)
	if code, _, stderr := run(t, "suggest", "--db", db, "--subject", "噪音"); code != exitError || !strings.Contains(stderr, "suggest train") {
		t.Fatalf("before training: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "suggest", "--db", db); code != exitUsage {
		t.Fatalf("no text: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "import", "tickets", "--db", db, "--csv", csv); code != 0 {
		t.Fatalf("import: %d %s", code, stderr)
	}
	if code, stdout, _ := run(t, "search", "pending", "--db", db); code != 0 || stdout != "298 tickets wait for their search words\n" {
		t.Fatalf("pending after import: %d %q", code, stdout)
	}
	if code, _, stderr := run(t, "search", "pending", "--db", db, "--wait", "300ms"); code != exitError || !strings.Contains(stderr, "298 tickets behind") {
		t.Fatalf("waiting with nobody indexing: %d %q", code, stderr)
	}
	if code, stdout, stderr := run(t, "search", "reindex", "--db", db); code != 0 || !strings.Contains(stdout, "indexed 298 tickets") {
		t.Fatalf("reindex: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, "search", "pending", "--db", db, "--wait", "5s"); code != 0 || !strings.HasPrefix(stdout, "0 tickets wait") {
		t.Fatalf("pending after reindex: %d %q", code, stdout)
	}
	if code, stdout, stderr := run(t, "search", "query", "--db", db, "噪音"); code != 0 || !strings.Contains(stdout, "<mark>噪音</mark>") {
		t.Fatalf("search: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, stderr := run(t, "suggest", "train", "--db", db); code != 0 || !strings.Contains(stdout, "trained on 298 tickets") {
		t.Fatalf("train: %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr := run(t, "suggest", "--db", db, "--subject", "小区门口占道经营", "--text", "小区门口每天晚上有很多流动摊贩占道经营，油烟噪音扰民")
	var out struct {
		Suggestions []struct {
			CategoryPath []string `json:"category_path"`
			CategoryID   string   `json:"category_id"`
			Confidence   float64  `json:"confidence"`
		} `json:"suggestions"`
		Abstained bool `json:"abstained"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &out) != nil || out.Abstained || len(out.Suggestions) == 0 ||
		out.Suggestions[0].CategoryID == "" || len(out.Suggestions[0].CategoryPath) == 0 {
		t.Fatalf("suggest: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "suggest", "--db", db, "--subject", "啊")
	if code != 0 || !strings.Contains(stdout, `"abstained": true`) {
		t.Errorf("abstain: %d %q", code, stdout)
	}
}
