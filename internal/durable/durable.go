// Package durable holds the one step every crash-safe write in Earshot
// shares: making a rename or a new file in a folder survive a power cut.
package durable

import (
	"fmt"
	"os"
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
