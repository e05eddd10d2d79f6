package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListeningBadInput: every mistake in play's speed or start, trim's
// span and an enhanced export's destination is refused before anything
// happens, in one line saying what to do, with exit 2 for a bad value (1
// for a missing folder), and leaves the library, the trash and the
// destination folder as they were.
func TestListeningBadInput(t *testing.T) {
	dir := t.TempDir()
	mustEarshot(t, dir, "import", "../library/testdata/tone.opus") // 1.5 s
	id := mustID(t, dir)
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"play", id, "--speed", "5"}, 2, "speed must be between 0.5 and 3 (got 5)"},
		{[]string{"play", id, "--speed", "0.4"}, 2, "speed must be between 0.5 and 3 (got 0.4)"},
		{[]string{"play", id, "--speed", "0"}, 2, "speed must be between 0.5 and 3 (got 0)"},
		{[]string{"play", id, "--speed=-1"}, 2, "speed must be between 0.5 and 3 (got -1)"},
		{[]string{"play", id, "--speed", "NaN"}, 2, "speed must be between 0.5 and 3 (got NaN)"},
		{[]string{"play", id, "--speed", "abc"}, 2, `--speed takes a number such as 1.5, not "abc"`},
		{[]string{"play", id, "--from", "0:02"}, 2, `--from 0:02 is past the end of "tone" (0:01.5 long)`},
		{[]string{"play", id, "--from", "soon"}, 2, `"soon" is not a time; write it as 1:23 (minutes:seconds), 1:02:03 or 83s`},
		{[]string{"trim", id}, 2, "say which part to keep with --from, --to or both"},
		{[]string{"trim", id, "--from", "0:01", "--to", "0:01"}, 2, "nothing to keep from 0:01 to 0:01; the end must come after the start"},
		{[]string{"trim", id, "--from", "1", "--to", "0.5"}, 2, "nothing to keep from 0:01 to 0:00.5"},
		{[]string{"trim", id, "--from", "1", "--to", "1.05"}, 2, "the part to keep is only 50 ms long; keep at least 0.1 s"},
		{[]string{"trim", id, "--from", "3"}, 2, `the part to keep starts at 0:03, past the end of "tone" (0:01.5 long)`},
		{[]string{"trim", id, "--to", "2:00"}, 2, `the part to keep ends at 2:00, past the end of "tone" (0:01.5 long)`},
		{[]string{"trim", id, "--to", "-1"}, 2, `"-1" is not a time`},
		// Lengths as `record --duration` takes them are times too.
		{[]string{"play", id, "--from", "2s"}, 2, `--from 2s is past the end of "tone" (0:01.5 long)`},
		{[]string{"trim", id, "--from", "1s", "--to", "500ms"}, 2, "nothing to keep from 0:01 to 0:00.5"},
		{[]string{"trim", id, "--from", "1m"}, 2, `the part to keep starts at 1:00, past the end of "tone" (0:01.5 long)`},
		{[]string{"export", id, "-", "--enhanced"}, 2, "--enhanced writes a file; give a file name instead of -"},
		{[]string{"export", id, filepath.Join(out, "x.aac"), "--enhanced"}, 1, "Earshot writes .opus, .flac, .wav or .mp3 files"},
		{[]string{"export", id, filepath.Join(out, "none", "x.wav"), "--enhanced"}, 1, "there is no folder " + filepath.Join(out, "none") + "; create it or pick another"},
	} {
		r := earshot(t, dir, nil, tc.args...)
		what := strings.Join(tc.args[:1], " ") + " " + strings.Join(tc.args[2:], " ")
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("earshot %s: exit %d, %q; want exit %d and %q", what, r.code, r.stderr, tc.code, tc.want)
		}
		oneLine(t, what, r.stderr)
	}
	if ls, _ := listJSON(t, dir); len(ls) != 1 || ls[0].ID != id || ls[0].Title != "tone" {
		t.Errorf("refusals changed the library: %+v", ls)
	}
	if tr := mustEarshot(t, dir, "trash", "--json").stdout; strings.TrimSpace(tr) != "[]" {
		t.Errorf("refusals put something in the trash: %s", tr)
	}
	if left, err := os.ReadDir(out); err != nil || len(left) != 0 {
		t.Errorf("refused exports left %v (%v) in the destination folder", left, err)
	}
}
