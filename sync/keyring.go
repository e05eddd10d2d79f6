package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/zalando/go-keyring"
)

// KeyringService is the service name of Earshot's entries in the OS keyring.
const KeyringService = "earshot"

// DefaultKeyringTimeout bounds every keyring call: a locked keyring may
// open an unlock prompt and block its caller for as long as nobody answers.
const DefaultKeyringTimeout = 5 * time.Second

// ErrNoKeyring is wrapped by errors that mean no usable OS keyring is here
// (no Secret Service on the session bus, no bus, a keyring that stays
// locked). The session can then be kept for one process with --no-keyring.
var ErrNoKeyring = errors.New("no usable OS keyring")

// ErrNoSession means no session is stored for the account: log in first.
var ErrNoSession = errors.New("not logged in")

// AccountKey names one login: a server, an email on it, and the library
// logged in (each library has its own session, so logging out of one
// leaves the others logged in). Each has its own keyring entry.
type AccountKey struct {
	Server string // normalised base URL, see NormalizeServer
	Email  string
	// Library is the library's own random id; "" for a login that no
	// library holds (and for the entries of older versions, shared by
	// every library on the account).
	Library string
}

// KeyringUser is the user attribute of the key's entry in the OS keyring
// (service KeyringService; what `secret-tool lookup` takes), e.g.
// "alice@example.com on https://sync.example.com (library 3f9a…)".
func (k AccountKey) KeyringUser() string {
	if k.Library == "" {
		return k.String()
	}
	return k.String() + " (library " + k.Library + ")"
}

// String names the account in messages: "alice@example.com on https://…".
func (k AccountKey) String() string { return k.Email + " on " + k.Server }

// shared is the entry an older version kept for the account, shared by
// every library.
func (k AccountKey) shared() AccountKey { k.Library = ""; return k }

// SessionStore keeps a session's tokens between runs. Implementations must
// be safe for concurrent use.
type SessionStore interface {
	// Load returns the stored session, or an error wrapping ErrNoSession.
	Load(ctx context.Context, key AccountKey) (api.Session, error)
	// Save stores s, replacing what was there.
	Save(ctx context.Context, key AccountKey, s api.Session) error
	// Delete forgets the session; deleting one that is absent is no error.
	Delete(ctx context.Context, key AccountKey) error
}

// KeyringStore keeps sessions in the OS keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows) through go-keyring.
type KeyringStore struct {
	// Timeout bounds each call; 0 means DefaultKeyringTimeout.
	Timeout time.Duration
}

var _ SessionStore = KeyringStore{}

// Load implements SessionStore. (The entry older versions shared among
// libraries is taken over by Account.Open, which can ask the server for a
// session of the library's own.)
func (k KeyringStore) Load(ctx context.Context, key AccountKey) (api.Session, error) {
	var s api.Session
	secret, err := k.call(ctx, "read", func() (string, error) { return keyring.Get(KeyringService, key.KeyringUser()) })
	if errors.Is(err, keyring.ErrNotFound) {
		return s, fmt.Errorf("%w to %s: run earshot login", ErrNoSession, key)
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(secret), &s); err != nil || s.RefreshToken == "" {
		return api.Session{}, fmt.Errorf("%w to %s (the keyring entry is unreadable): run earshot login", ErrNoSession, key)
	}
	return s, nil
}

// Save implements SessionStore.
func (k KeyringStore) Save(ctx context.Context, key AccountKey, s api.Session) error {
	b, _ := json.Marshal(s)
	_, err := k.call(ctx, "save to", func() (string, error) { return "", keyring.Set(KeyringService, key.KeyringUser(), string(b)) })
	return err
}

// Delete implements SessionStore.
func (k KeyringStore) Delete(ctx context.Context, key AccountKey) error {
	_, err := k.call(ctx, "delete from", func() (string, error) { return "", keyring.Delete(KeyringService, key.KeyringUser()) })
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}

// call runs f in a goroutine and gives up after the timeout: go-keyring has
// no context and blocks while an unlock prompt waits. Any failure but
// "not found" means there is no usable keyring.
func (k KeyringStore) call(ctx context.Context, verb string, f func() (string, error)) (string, error) {
	if err := sessionBusMissing(); err != nil {
		return "", err
	}
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	type result struct {
		s   string
		err error
	}
	done := make(chan result, 1) // buffered: a call that answers late must not leak a blocked sender
	go func() {
		s, err := f()
		done <- result{s, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-done:
		if r.err == nil || errors.Is(r.err, keyring.ErrNotFound) {
			return r.s, r.err
		}
		return "", fmt.Errorf("%w: %s the keyring: %v; start a Secret Service (gnome-keyring, KeePassXC), or pass --token-file to keep the session in the data folder (readable by you only), or --no-keyring for this process only", ErrNoKeyring, verb, r.err)
	case <-t.C:
		return "", fmt.Errorf("%w: the keyring did not answer within %s (is it locked and waiting for a password?); unlock it, or pass --token-file to keep the session in the data folder (readable by you only), or --no-keyring for this process only", ErrNoKeyring, timeout)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// sessionBusMissing reports, on systems whose keyring is the Secret Service
// over D-Bus, that no session bus is there. Without this check godbus would
// launch a stray bus whose keyring starts locked and blocks.
func sessionBusMissing() error {
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "android":
		return nil
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "bus")); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%w: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service to keep the login in; log in from a desktop session, or pass --token-file to keep the session in the data folder (readable by you only), or --no-keyring for this process only", ErrNoKeyring)
}

// MemoryStore keeps sessions in this process's memory only: what
// --no-keyring uses. Nothing is written anywhere.
type MemoryStore struct {
	mu sync.Mutex
	m  map[AccountKey]api.Session
}

var _ SessionStore = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: map[AccountKey]api.Session{}} }

// Load implements SessionStore.
func (m *MemoryStore) Load(_ context.Context, key AccountKey) (api.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.m[key]
	if !ok {
		return s, fmt.Errorf("%w to %s in this process", ErrNoSession, key)
	}
	return s, nil
}

// Save implements SessionStore.
func (m *MemoryStore) Save(_ context.Context, key AccountKey, s api.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[key] = s
	return nil
}

// Delete implements SessionStore.
func (m *MemoryStore) Delete(_ context.Context, key AccountKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
	return nil
}
