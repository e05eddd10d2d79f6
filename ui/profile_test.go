//go:build unix

package ui

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestProfileFiles runs the profiler the way EARSHOT_PROFILE_DIR does: a
// SIGUSR1 snapshot while running, then the final files, each a whole
// profile and non-empty statistics.
func TestProfileFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(profileEnv, dir)
	stop := startProfile()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	waitForFile(t, filepath.Join(dir, "heap-1.pprof"))
	stop()
	for _, name := range []string{"cpu.pprof", "heap.pprof", "allocs.pprof", "heap-1.pprof"} {
		if n, err := profileSize(filepath.Join(dir, name)); err != nil || n == 0 {
			t.Errorf("%s: %d bytes of profile, %v", name, n, err)
		}
	}
	for _, name := range []string{"memstats.txt", "memstats-1.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
}

// waitForFile waits until the profile at path is whole: a complete gzip
// stream, as pprof writes it.
func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if n, err := profileSize(path); err == nil && n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not written within 30 s of SIGUSR1", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// profileSize returns how many bytes the gzip-compressed profile at path
// holds once uncompressed; an error if it is missing or cut short.
func profileSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, z)
}
