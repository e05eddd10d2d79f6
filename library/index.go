package library

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoLibrary is matched (errors.Is) by OpenExisting's answer for a folder
// that holds no library.
var ErrNoLibrary = errors.New("no library here")

// NoLibraryError is OpenExisting's answer for a folder without a library
// (a mistyped --data-dir, or nothing recorded yet).
type NoLibraryError struct{ Dir string }

func (e *NoLibraryError) Error() string {
	return fmt.Sprintf("no Earshot library in %s; check --data-dir, or start one there with `earshot record` or `earshot import FILE`", e.Dir)
}

// Is makes errors.Is(err, ErrNoLibrary) true.
func (e *NoLibraryError) Is(target error) bool { return target == ErrNoLibrary }

// ErrIndexLost is matched (errors.Is) by an *IndexLostError.
var ErrIndexLost = errors.New("the library's index is missing")

// IndexLostError is Open's answer when earshot.db is missing or empty while
// recordings/ holds audio: opening would show an empty library and hide
// them. Reindex rebuilds the index from the files.
type IndexLostError struct {
	Dir   string
	Files int // audio files in recordings/
	Empty bool
}

func (e *IndexLostError) Error() string {
	what := "is missing"
	if e.Empty {
		what = "is empty"
	}
	return fmt.Sprintf("the library's index %s %s but %s holds %d audio files; rebuild it from them with `earshot reindex`",
		filepath.Join(e.Dir, dbName), what, filepath.Join(e.Dir, "recordings"), e.Files)
}

// Is makes errors.Is(err, ErrIndexLost) true.
func (e *IndexLostError) Is(target error) bool { return target == ErrIndexLost }

const dbName = "earshot.db"

// checkIndex refuses a folder whose index is gone while its audio is not.
// It reports whether the index exists.
func checkIndex(dir string) (exists bool, err error) {
	st, err := os.Stat(filepath.Join(dir, dbName))
	switch {
	case err == nil && st.Size() > 0:
		return true, nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return false, fmt.Errorf("open library %s: %w", dir, err)
	}
	if n := countAudio(filepath.Join(dir, "recordings")); n > 0 {
		return false, &IndexLostError{Dir: dir, Files: n, Empty: err == nil}
	}
	return err == nil, nil
}

// countAudio counts the finished audio files in a recordings folder.
func countAudio(dir string) int {
	es, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range es {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			n++
		}
	}
	return n
}

// privateFiles makes sure the index is readable by its owner only (titles,
// the account's email and server are in it): created 0600, and tightened
// if an older version left it 0644. SQLite gives its -wal and -shm files
// the database's mode.
func privateFiles(dir string) error {
	db := filepath.Join(dir, dbName)
	f, err := os.OpenFile(db, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open library %s: %w", dir, err)
	}
	f.Close()
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("open library %s: make %s private: %w", dir, filepath.Base(p), err)
		}
	}
	return nil
}
