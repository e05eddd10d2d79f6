package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/durable"
)

// FileStore keeps sessions in a file readable by its owner only (0600), for
// machines without an OS keyring (a server, cron): the opt-in that rclone
// and restic users know, `earshot login --token-file`. Anyone who can read
// the file can use the account until the session is revoked (`earshot
// logout`), so the keyring is the default.
type FileStore struct {
	Path string
}

var _ SessionStore = FileStore{}

// fileStoreMu serialises this process's read-modify-write of the file; the
// file itself is replaced atomically, so a reader never sees half of it.
var fileStoreMu sync.Mutex

// Load implements SessionStore.
func (f FileStore) Load(_ context.Context, key AccountKey) (api.Session, error) {
	fileStoreMu.Lock()
	defer fileStoreMu.Unlock()
	m, err := f.read()
	if err != nil {
		return api.Session{}, err
	}
	s, ok := m[key.String()]
	if !ok || s.RefreshToken == "" {
		return api.Session{}, fmt.Errorf("%w to %s in %s: run earshot login --token-file", ErrNoSession, key, f.Path)
	}
	return s, nil
}

// Save implements SessionStore.
func (f FileStore) Save(_ context.Context, key AccountKey, s api.Session) error {
	return f.change(func(m map[string]api.Session) { m[key.String()] = s })
}

// Delete implements SessionStore.
func (f FileStore) Delete(_ context.Context, key AccountKey) error {
	return f.change(func(m map[string]api.Session) { delete(m, key.String()) })
}

func (f FileStore) change(fn func(map[string]api.Session)) error {
	fileStoreMu.Lock()
	defer fileStoreMu.Unlock()
	m, err := f.read()
	if err != nil {
		return err
	}
	fn(m)
	if len(m) == 0 {
		// The last session gone (logout): removing the file frees space
		// where writing "{}" would need some, so logout works on a full disk.
		if err := os.Remove(f.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the session file: %w", err)
		}
		return durable.SyncDir(filepath.Dir(f.Path))
	}
	return f.write(m)
}

// read returns the file's sessions by account; a missing file holds none.
func (f FileStore) read() (map[string]api.Session, error) {
	m := map[string]api.Session{}
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the session file: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("the session file %s is damaged (%v): remove it and run earshot login --token-file", f.Path, err)
	}
	return m, nil
}

// write replaces the file: a temporary file (0600, as CreateTemp makes
// it), fsynced, renamed over it, the folder fsynced.
func (f FileStore) write(m map[string]api.Session) error {
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := durable.WriteFile(f.Path, b, 0o600); err != nil {
		return fmt.Errorf("save the session file: %w", err)
	}
	return nil
}
