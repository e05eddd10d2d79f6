package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/human"
)

// writeSilence writes a WAV file of d of silence at 8 kHz mono.
func writeSilence(t *testing.T, path string, d time.Duration) {
	t.Helper()
	enc, err := audio.Create(path, audio.WAV, 8000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Write(make([]int16, int(d*8000/time.Second))); err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestListLengthsFollowTheSharedRule (fault 22): `earshot list` shows
// lengths as the window does — 9.6 s reads 0:10, a 0.5 s clip 0:00.5.
func TestListLengthsFollowTheSharedRule(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		d    time.Duration
		want string
	}{
		{"short", 500 * time.Millisecond, "0:00.5"},
		{"ninepointsix", 9600 * time.Millisecond, "0:10"},
	} {
		path := filepath.Join(t.TempDir(), c.name+".wav")
		writeSilence(t, path, c.d)
		id := strings.TrimSpace(mustEarshot(t, dir, "import", path).stdout)
		if got := human.Length(c.d); got != c.want {
			t.Fatalf("human.Length(%v) = %q, want %q", c.d, got, c.want)
		}
		out := mustEarshot(t, dir, "list").stdout
		row := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, id[len(id)-8:]) { // list shows the short id
				row = l
			}
		}
		if !strings.Contains(row, "  "+c.want+"  ") {
			t.Errorf("list row for the %v clip is %q, want the length %s", c.d, row, c.want)
		}
	}
}
