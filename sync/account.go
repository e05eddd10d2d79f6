package sync

import (
	"context"
	"errors"
	"fmt"

	"github.com/earshot/earshot/library"
)

// Library settings naming the account a library syncs with. Not secret:
// the tokens are in the SessionStore.
const (
	settingServer = "account.server"
	settingEmail  = "account.email"
	settingActive = "account.active" // "1" while logged in; library/syncschema.go's trigger reads it
)

// LibraryAccount returns the account this library syncs with; ok is false
// when nobody is logged in from it.
func LibraryAccount(ctx context.Context, x *library.SyncIndex) (key AccountKey, ok bool, err error) {
	if key, err = LastAccount(ctx, x); err != nil {
		return key, false, err
	}
	active, err := x.Setting(ctx, settingActive)
	return key, err == nil && active == "1" && key.Server != "" && key.Email != "", err
}

// LastAccount returns the account last used with this library, even after
// a logout (to prefill a login form); empty fields when there was none.
func LastAccount(ctx context.Context, x *library.SyncIndex) (key AccountKey, err error) {
	if key.Server, err = x.Setting(ctx, settingServer); err != nil {
		return key, err
	}
	key.Email, err = x.Setting(ctx, settingEmail)
	return key, err
}

// SetLibraryAccount makes key the account this library syncs with. A
// library that synced with another account before forgets that account's
// state (cloud-only entries go; every recording here is uploaded to the new
// account), so nothing leaks from one account to another.
func SetLibraryAccount(ctx context.Context, x *library.SyncIndex, key AccountKey) error {
	old, err := LastAccount(ctx, x)
	if err != nil {
		return err
	}
	if old.Server != "" && old != key {
		if err := x.ForgetRemote(ctx); err != nil {
			return fmt.Errorf("switch account: %w", err)
		}
	}
	return x.SetSettings(ctx, map[string]string{settingServer: key.Server, settingEmail: key.Email, settingActive: "1"})
}

// ClearLibraryAccount marks the library logged out. The sync state stays,
// so logging in again to the same account carries on where it stopped.
func ClearLibraryAccount(ctx context.Context, x *library.SyncIndex) error {
	return x.SetSettings(ctx, map[string]string{settingActive: ""})
}

// ErrNotLoggedIn: the library has no account to sync with.
var ErrNotLoggedIn = errors.New("not logged in: run earshot login --server URL --email ADDRESS")

// Connect is what a front end does at start: it finds the account the
// library syncs with, resumes its session from store and returns an engine
// for it. The errors match ErrNotLoggedIn, ErrNoSession (logged out
// elsewhere: log in again) or ErrNoKeyring (no usable keyring: offer
// --no-keyring, or a login kept in memory).
func Connect(ctx context.Context, x *library.SyncIndex, store SessionStore, opts Options) (*Engine, *Session, error) {
	key, ok, err := LibraryAccount(ctx, x)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, ErrNotLoggedIn
	}
	c, err := NewClient(key.Server, nil)
	if err != nil {
		return nil, nil, err
	}
	s, err := OpenSession(ctx, c, store, key)
	if err != nil {
		return nil, nil, err
	}
	return New(x, s.Client(), key, opts), s, nil
}
