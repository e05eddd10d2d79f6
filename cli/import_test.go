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

// A FLAC file that breaks off is imported up to where it breaks: exit 0,
// its id, and one line saying how much was kept of how much.
func TestImportTruncatedFLAC(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("../library/testdata/tone.flac") // 1.5 s
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.flac")
	if err := os.WriteFile(cut, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	r := earshot(t, dir, nil, "import", cut)
	if r.code != 0 || len(strings.Fields(r.stdout)) != 1 {
		t.Fatalf("exit %d, stdout %q: %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "earshot import: cut.flac ends early or is damaged after 0:0") ||
		!strings.Contains(r.stderr, "(its header says 0:02): the 0:0") {
		t.Fatalf("stderr %q: want the line saying what was kept", r.stderr)
	}
	ls, _ := listJSON(t, dir)
	if len(ls) != 1 || ls[0].DurationMS <= 0 || ls[0].DurationMS >= 1500 {
		t.Fatalf("library: %+v, want one recording shorter than 1.5 s", ls)
	}
	mustEarshot(t, dir, "export", ls[0].ID, filepath.Join(t.TempDir(), "cut.wav"))
}
