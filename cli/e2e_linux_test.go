package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/earshot/earshot/internal/testenv"
)

// TestDiskFull records onto a nearly full filesystem (a small tmpfs): the
// recording stops with a one-line error and what was written is kept.
func TestDiskFull(t *testing.T) {
	env := pulse(t)
	dir := t.TempDir()
	// The library sets about 1.3 MB aside for its index (library/fulldisk.go).
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=2600k"); err != nil {
		testenv.Missing(t, "root, to mount a small tmpfs ("+err.Error()+")")
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	// Create the library first (a read command such as list makes none).
	id := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	mustEarshot(t, dir, "rm", id)
	mustEarshot(t, dir, "trash", "empty")
	// Leave about 400 kB: four seconds of WAV.
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	filler := filepath.Join(dir, "filler")
	if err := os.WriteFile(filler, make([]byte, free-400_000), 0o600); err != nil {
		t.Fatal(err)
	}
	playTone(t, 15)
	r := earshot(t, dir, env, "record", "--format", "wav", "--title", "full", "--duration", "20s")
	t.Logf("record on a full disk: exit %d, %q", r.code, r.stderr)
	if r.code == 0 || !strings.Contains(r.stderr, "disk full") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	// Free some space: the recording is there (committed, or recovered now).
	os.Remove(filler)
	ls, lr := listJSON(t, dir)
	if len(ls) != 1 {
		t.Fatalf("after the disk filled: %+v (%s)", ls, lr.stderr)
	}
	if ls[0].DurationMS < 2000 {
		t.Fatalf("kept only %d ms", ls[0].DurationMS)
	}
	decodeAll(t, filepath.Join(dir, "recordings", ls[0].ID+".wav"))
}
