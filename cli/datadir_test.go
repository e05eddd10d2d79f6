package cli_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataDir: a read command on a folder without a library (a mistyped
// --data-dir) says so and creates nothing; the index is private (0600) in a
// private folder (0700), and an older library's 0644 index is tightened.
func TestDataDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "earshto")
	for _, args := range [][]string{{"list"}, {"trash"}, {"play", "abcd"}} {
		r := earshot(t, missing, nil, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "no Earshot library in "+missing) {
			t.Errorf("%v on a missing folder: exit %d, %q", args, r.code, r.stderr)
		}
		oneLine(t, args[0], r.stderr)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a read command created %s: %v", missing, err)
	}

	dir := filepath.Join(t.TempDir(), "lib")
	mustEarshot(t, dir, "import", "../library/testdata/tone.flac")
	checkMode(t, dir, 0o700)
	for _, f := range []string{"earshot.db", "earshot.db-wal", "earshot.db-shm"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			checkMode(t, filepath.Join(dir, f), 0o600)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "earshot.db"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustEarshot(t, dir, "list")
	checkMode(t, filepath.Join(dir, "earshot.db"), 0o600)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != want {
		t.Errorf("%s is %v, want %v", filepath.Base(path), st.Mode().Perm(), want)
	}
}
