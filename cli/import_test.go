package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
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
	// One line per bad file, naming it once and saying why in words.
	want := []string{
		"earshot import: notes.txt: not an audio file Earshot can read: unknown content; supported: WAV, FLAC, Ogg Opus, MP3",
		"earshot import: such.wav: no such file",
		"earshot import: 2 of 4 files not imported (the reasons are above); 2 imported",
	}
	var lines []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "earshot import: ") {
			lines = append(lines, l)
		}
	}
	if !slices.Equal(lines, want) {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, strings.Join(want, "\n"))
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
