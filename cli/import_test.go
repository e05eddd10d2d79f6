package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportSeveral (issue 9 fault 13): a bad file among good ones is
// reported and the good ones after it are imported too; the exit status
// says something failed.
func TestImportSeveral(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("not audio\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := earshot(t, dir, nil, "import", "../library/testdata/tone.flac", notes, "no/such.wav", "../library/testdata/tone.opus")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	ids := strings.Fields(r.stdout)
	if len(ids) != 2 {
		t.Fatalf("stdout %q: want the two new ids", r.stdout)
	}
	for _, want := range []string{"notes.txt", "not an audio file", "such.wav", "2 of 4 files not imported", "2 imported"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	ls, _ := listJSON(t, dir)
	if len(ls) != 2 || find(t, ls, ids[1]).Format != "opus" {
		t.Fatalf("library after the import: %+v", ls)
	}

	r = earshot(t, dir, nil, "import", "--json", notes, "../library/testdata/tone.flac")
	var got []listed
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 || got[0].Format != "flac" || r.code != 1 {
		t.Fatalf("import --json with a bad file: exit %d, %q (%v)", r.code, r.stdout, err)
	}
}
