package cli_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestTitles (issue 9 fault 6): titles the server would refuse are refused
// at rename and record time, with one line; a file name with escapes makes
// a clean title; titles with escapes or line breaks already in a library
// (written by an older version, or synced from one) reach the terminal
// escaped, one row each.
func TestTitles(t *testing.T) {
	dir := t.TempDir()
	id := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	for name, title := range map[string]string{
		"window-title escape": "\x1b]0;pwned\a",
		"clear screen":        "clear\x1b[2J",
		"newline":             "two\nlines",
		"too long":            strings.Repeat("x", 1001),
	} {
		r := earshot(t, dir, nil, "rename", id, title)
		if r.code != 2 || strings.ContainsAny(r.stderr, "\x1b\a") || !strings.Contains(r.stderr, "the title") {
			t.Errorf("rename to %s: exit %d, stderr %q; want exit 2 and a plain line", name, r.code, r.stderr)
		}
		oneLine(t, name, r.stderr)
		r = earshot(t, dir, nil, "record", "--title", title, "--duration", "1s")
		if r.code != 2 || !strings.Contains(r.stderr, "--title") {
			t.Errorf("record --title %s: exit %d, stderr %q", name, r.code, r.stderr)
		}
	}
	if ls, _ := listJSON(t, dir); ls[0].Title != "tone" {
		t.Fatalf("refused renames changed the title to %q", ls[0].Title)
	}

	src, err := os.ReadFile("../library/testdata/tone.flac")
	if err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(t.TempDir(), "take\x1b[2J\n2.flac")
	if err := os.WriteFile(odd, src, 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustEarshot(t, dir, "import", odd)
	if strings.Contains(r.stderr, "\x1b") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("import of an odd file name printed %q", r.stderr)
	}
	oddID := strings.TrimSpace(r.stdout)
	if ls, _ := listJSON(t, dir); find(t, ls, oddID).Title != "take [2J 2" {
		t.Fatalf("title from the odd file name: %q", find(t, ls, oddID).Title)
	}

	// A title from an older library, written straight into its database.
	db, err := sql.Open("sqlite", filepath.Join(dir, "earshot.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE recordings SET title = ? WHERE id = ?`, "old\x1b]0;pwned\a\nsecond row", id); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := mustEarshot(t, dir, "list").stdout
	if strings.ContainsAny(out, "\x1b\a") || strings.Count(out, "\n") != 3 {
		t.Fatalf("list printed raw escapes or split a row:\n%q", out)
	}
	if !strings.Contains(out, `old\x1b]0;pwned\a\nsecond row`) {
		t.Fatalf("list does not show the escaped title:\n%s", out)
	}
}
