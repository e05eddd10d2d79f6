// Package durable holds the one step every crash-safe write in Earshot
// shares: making a rename or a new file in a folder survive a power cut.
package durable

import (
	"fmt"
	"os"
	"path/filepath"
)

// SyncDir fsyncs the folder dir, so that files created, renamed or removed
// in it stay so after a crash (an fsync of the file alone does not record
// its name).
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// WriteFile replaces path with data so that a crash leaves either the old
// file or the new one, never a part: data goes to a temporary file of its own
// in the same folder (two processes may write the same path at once), is
// fsynced, given perm, renamed over path, and the folder is fsynced. On
// failure the temporary file is removed and path is untouched.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return SyncDir(filepath.Dir(path))
}
