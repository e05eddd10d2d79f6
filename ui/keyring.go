package ui

import (
	"context"
	"errors"
	stdsync "sync"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/sync"
)

// fallbackStore keeps sessions in the OS keyring and, where there is no
// usable keyring (a desktop without a Secret Service, a keyring that stays
// locked), in this process's memory: the window then stays usable and says
// that the login ends with it, instead of refusing to log in. What the CLI
// does with --no-keyring, chosen for the user when there is no choice.
type fallbackStore struct {
	keyring sync.SessionStore
	mem     *sync.MemoryStore

	mu    stdsync.Mutex
	inMem map[sync.AccountKey]bool
}

var _ sync.SessionStore = (*fallbackStore)(nil)

func newFallbackStore(keyring sync.SessionStore) *fallbackStore {
	return &fallbackStore{keyring: keyring, mem: sync.NewMemoryStore(), inMem: map[sync.AccountKey]bool{}}
}

// inMemory reports whether key's session lives in memory only.
func (s *fallbackStore) inMemory(key sync.AccountKey) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inMem[key]
}

// Load implements sync.SessionStore.
func (s *fallbackStore) Load(ctx context.Context, key sync.AccountKey) (api.Session, error) {
	if s.inMemory(key) {
		return s.mem.Load(ctx, key)
	}
	return s.keyring.Load(ctx, key)
}

// Save implements sync.SessionStore: to the keyring, else to memory.
func (s *fallbackStore) Save(ctx context.Context, key sync.AccountKey, sess api.Session) error {
	if !s.inMemory(key) {
		err := s.keyring.Save(ctx, key, sess)
		if !errors.Is(err, sync.ErrNoKeyring) {
			return err
		}
		s.mu.Lock()
		s.inMem[key] = true
		s.mu.Unlock()
	}
	return s.mem.Save(ctx, key, sess)
}

// Delete implements sync.SessionStore.
func (s *fallbackStore) Delete(ctx context.Context, key sync.AccountKey) error {
	if s.inMemory(key) {
		s.mu.Lock()
		delete(s.inMem, key)
		s.mu.Unlock()
		return s.mem.Delete(ctx, key)
	}
	return s.keyring.Delete(ctx, key)
}
