package sync

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/library"
)

// Library settings naming the account a library syncs with. Not secret:
// the tokens are in the SessionStore.
const (
	settingServer = "account.server"
	settingEmail  = "account.email"
	settingActive = "account.active" // "1" while logged in
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
