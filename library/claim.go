package library

import (
	"fmt"
	"os"
	"path/filepath"
)

// ClaimTransfer claims a recording's upload or download for this process,
// so that two processes on one library (the window's engine, `sync --watch`,
// a `pull`) never move the same file at once. It does not wait: held is
// false while another holder has it (whose result the caller can then wait
// for in the index). release gives the claim up; a process that dies gives
// it up by itself (an flock on $DATA/downloads/<id>.claim).
func (x *SyncIndex) ClaimTransfer(id string) (release func(), held bool, err error) {
	if err := cleanID(id); err != nil {
		return nil, false, err
	}
	dir := filepath.Join(x.l.dir, "downloads")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("claim the transfer of %s: %w", id, err)
	}
	path := filepath.Join(dir, id+".claim")
	for {
		f, held, err := lockClaim(path)
		if err != nil {
			return nil, false, fmt.Errorf("claim the transfer of %s: %w", id, err)
		}
		if !held {
			return nil, false, nil
		}
		if f == nil {
			continue // the file went while we locked it: its holder is done
		}
		return func() {
			// Removed while locked: a waiter that locks the old file
			// afterwards sees it gone and opens a fresh one.
			os.Remove(path)
			unlock(f)
			f.Close()
		}, true, nil
	}
}

// lockClaim locks the claim file at path without waiting. held is false
// when another holds it; f is nil (with held true) when the file was
// removed between opening and locking it, and the caller tries again.
func lockClaim(path string) (f *os.File, held bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, err
	}
	ok, err := tryLock(f)
	if err != nil || !ok {
		f.Close()
		return nil, false, err
	}
	locked, err1 := f.Stat()
	named, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(locked, named) {
		unlock(f)
		f.Close()
		return nil, true, nil
	}
	return f, true, nil
}
