package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestExportMP3: `earshot export ID x.mp3` writes an MP3 that ffprobe
// reads at the recording's length; an extension Earshot does not write is
// refused in one line and leaves no file.
func TestExportMP3(t *testing.T) {
	dir := t.TempDir()
	id := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	out := filepath.Join(t.TempDir(), "memo.mp3")
	if r := mustEarshot(t, dir, "export", id, out); strings.TrimSpace(r.stdout) != out {
		t.Fatalf("export printed %q", r.stdout)
	}
	probe, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration", "-of", "default=nw=1", out).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, probe)
	}
	ls, _ := listJSON(t, dir)
	want := float64(find(t, ls, id).DurationMS) / 1000
	var got float64
	for _, l := range strings.Split(string(probe), "\n") {
		if v, ok := strings.CutPrefix(l, "duration="); ok {
			got, _ = strconv.ParseFloat(v, 64)
		}
	}
	if !strings.Contains(string(probe), "codec_name=mp3") || got < want-0.05 || got > want+0.05 {
		t.Fatalf("ffprobe of the export: %s (want mp3, %.3f s)", probe, want)
	}

	bad := filepath.Join(t.TempDir(), "memo.m4a")
	r := earshot(t, dir, nil, "export", id, bad)
	if r.code == 0 || !strings.Contains(r.stderr, ".mp3") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
		t.Fatalf("export to .m4a: exit %d, %q: want one line naming the formats", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(filepath.Dir(bad)); len(entries) != 0 {
		t.Fatalf("a refused export left %v", entries)
	}
}
