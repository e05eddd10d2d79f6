package sync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// Library settings naming the account a library syncs with. Not secret:
// the tokens are in the SessionStore.
const (
	settingServer = "account.server"
	settingEmail  = "account.email"
	settingActive = "account.active" // "1" while logged in; library/syncschema.go's trigger reads it
	// settingLibrary is the library's own random id: its logins are its own.
	settingLibrary = "account.library"
)

// ErrNotLoggedIn: the library has no account to sync with.
var ErrNotLoggedIn = errors.New("not logged in: run earshot login --server URL --email ADDRESS")

// Account is one library's link to a cloud account: which account it syncs
// with (kept in the library), the session (kept in a SessionStore) and the
// engine for it. It is the whole account lifecycle for both front ends.
// Its methods may block on disk, the keyring and the network.
type Account struct {
	x     *library.SyncIndex
	store SessionStore
	http  *http.Client
}

// NewAccount returns the account of the library behind x, with sessions in
// store. hc is the HTTP client for the server; nil means the default.
func NewAccount(x *library.SyncIndex, store SessionStore, hc *http.Client) *Account {
	return &Account{x: x, store: store, http: hc}
}

// Key returns the account this library syncs with; ok is false when nobody
// is logged in from it.
func (a *Account) Key(ctx context.Context) (key AccountKey, ok bool, err error) {
	return libraryAccount(ctx, a.x)
}

// Listed reports whether this library has listed key's cloud at least
// once: until then, what the cloud holds is not shown here (a sync pass
// lists it).
func (a *Account) Listed(ctx context.Context, key AccountKey) (bool, error) {
	c, err := a.x.Setting(ctx, cursorKey(key))
	if err != nil {
		return false, fmt.Errorf("read when the cloud was listed: %w", err)
	}
	return c != "", nil
}

// Last returns the account last used with this library, even after a
// logout (to prefill a login form); empty fields when there was none.
func (a *Account) Last(ctx context.Context) (AccountKey, error) {
	return lastAccount(ctx, a.x)
}

// Client returns an unauthenticated client for server.
func (a *Account) Client(server string) (*Client, error) {
	return NewClient(server, a.http)
}

// Open resumes the stored session of the library's account. The errors
// match ErrNotLoggedIn, ErrNoSession (logged out elsewhere: log in again) or
// ErrNoKeyring (no usable keyring: offer a login kept in memory); key is
// the library's account whenever it has one, errors or not.
func (a *Account) Open(ctx context.Context) (key AccountKey, s *Session, err error) {
	key, ok, err := a.Key(ctx)
	if err != nil {
		return key, nil, err
	}
	if !ok {
		return key, nil, ErrNotLoggedIn
	}
	if key.Library == "" { // logged in by an older version: the login becomes this library's
		if key.Library, err = libraryID(ctx, a.x); err != nil {
			return key, nil, err
		}
	}
	c, err := a.Client(key.Server)
	if err != nil {
		return key, nil, err
	}
	s, err = OpenSession(ctx, c, a.store, key)
	if errors.Is(err, ErrNoSession) {
		if own, aerr := a.adoptShared(ctx, c, key); !errors.Is(aerr, ErrNoSession) {
			return key, own, aerr
		}
	}
	return key, s, err
}

// adoptShared gives the library a session of its own from the entry older
// versions kept for the account and shared among every library on it, so
// that an upgrade logs nobody out: the server forks the shared session
// (POST /v1/sessions/fork) and the shared entry stays for the account's
// other libraries to do the same. (One refresh token must never be spent
// by two libraries: the server takes a second use for theft and ends the
// session.) A server too old to fork gets the older way: the first library
// takes the shared entry over, and the others log in once. Its error
// wraps ErrNoSession when there is no shared entry either.
func (a *Account) adoptShared(ctx context.Context, c *Client, key AccountKey) (*Session, error) {
	if key.Library == "" {
		return nil, ErrNoSession
	}
	shared, err := a.store.Load(ctx, key.shared())
	if err != nil {
		return nil, err
	}
	own, err := c.ForkSession(ctx, shared.RefreshToken)
	takeOver := KindOf(err) == KindNotFound
	switch {
	case takeOver:
		own = shared
	case KindOf(err) == KindAuth:
		return nil, fmt.Errorf("%w to %s (the older Earshot's session has ended): run earshot login", ErrNoSession, key)
	case err != nil:
		return nil, fmt.Errorf("take over the login of an older Earshot: %w", err)
	}
	if err := a.store.Save(ctx, key, own); err != nil {
		return nil, err
	}
	if takeOver {
		if err := a.store.Delete(ctx, key.shared()); err != nil {
			return nil, err
		}
	}
	return newSession(key, a.store, c, own), nil
}

// LogIn checks the password with the server, keeps the session in the
// store and makes the account the one this library syncs with.
func (a *Account) LogIn(ctx context.Context, server, email, password string) (*Session, error) {
	c, err := a.Client(server)
	if err != nil {
		return nil, err
	}
	lib, err := libraryID(ctx, a.x)
	if err != nil {
		return nil, fmt.Errorf("log in: %w", err)
	}
	s, err := loginAs(ctx, c, a.store, AccountKey{Server: c.Server(), Email: strings.TrimSpace(email), Library: lib}, password)
	if err != nil {
		return nil, err
	}
	if err := setLibraryAccount(ctx, a.x, s.Key()); err != nil {
		_, _ = s.Logout(context.WithoutCancel(ctx)) // nobody could use it
		return nil, fmt.Errorf("log in: %w", err)
	}
	return s, nil
}

// SignUp creates the account on the server, then logs in as LogIn does.
func (a *Account) SignUp(ctx context.Context, server, email, password string) (*Session, error) {
	return a.SignUpInvited(ctx, server, email, password, "")
}

// SignUpInvited is SignUp with an invite code from the server's owner
// (needed by a server with --signup invite).
func (a *Account) SignUpInvited(ctx context.Context, server, email, password, invite string) (*Session, error) {
	c, err := a.Client(server)
	if err != nil {
		return nil, err
	}
	if err := a.storeUsable(ctx, c.Server(), email); err != nil {
		return nil, fmt.Errorf("sign up: %w", err) // before the account exists: nothing was changed
	}
	if _, err := c.SignupInvited(ctx, strings.TrimSpace(email), password, invite); err != nil {
		return nil, err
	}
	return a.LogIn(ctx, server, email, password)
}

// storeUsable asks the session store for this account's entry, so that a
// store that cannot keep a session (no keyring) is found before a sign-up
// creates an account the user then could not stay logged in to.
func (a *Account) storeUsable(ctx context.Context, server, email string) error {
	lib, err := libraryID(ctx, a.x)
	if err != nil {
		return err
	}
	_, err = a.store.Load(ctx, AccountKey{Server: server, Email: strings.TrimSpace(email), Library: lib})
	if err != nil && !errors.Is(err, ErrNoSession) {
		return err
	}
	return nil
}

// LogOut ends the library's login: the library forgets the account (its
// sync state stays, so logging in again carries on), the session leaves the
// store, and only then is it revoked on the server, so a local step that
// fails (a full disk, a locked keyring) never leaves the user logged in
// here with a session the server has revoked. s is the open session, or
// nil to open the stored one. revokeErr, if any, says the server could not
// be reached (the session then expires by itself); err is about the local
// steps, after which nothing has changed.
func (a *Account) LogOut(ctx context.Context, s *Session) (key AccountKey, revokeErr, err error) {
	key, ok, err := a.Key(ctx)
	if err != nil || !ok {
		return key, nil, err
	}
	if s == nil {
		if _, s, err = a.Open(ctx); err != nil && !errors.Is(err, ErrNoSession) {
			return key, nil, err
		}
	}
	if err := clearLibraryAccount(ctx, a.x); err != nil {
		return key, nil, fmt.Errorf("log out: %w", err)
	}
	if err := a.store.Delete(ctx, key); err != nil {
		if rerr := setLibraryAccount(ctx, a.x, key); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return key, nil, fmt.Errorf("log out: %w", err)
	}
	if s == nil {
		return key, nil, nil
	}
	return key, s.revoke(ctx), nil
}

// Engine returns an engine syncing this library through s.
func (a *Account) Engine(s *Session, opts Options) *Engine {
	return New(a.x, s.Client(), s.Key(), opts)
}

// libraryAccount returns the account this library syncs with; ok is false
// when nobody is logged in from it.
func libraryAccount(ctx context.Context, x *library.SyncIndex) (key AccountKey, ok bool, err error) {
	if key, err = lastAccount(ctx, x); err != nil {
		return key, false, err
	}
	active, err := x.Setting(ctx, settingActive)
	return key, err == nil && active == "1" && key.Server != "" && key.Email != "", err
}

func lastAccount(ctx context.Context, x *library.SyncIndex) (key AccountKey, err error) {
	if key.Server, err = x.Setting(ctx, settingServer); err != nil {
		return key, err
	}
	if key.Email, err = x.Setting(ctx, settingEmail); err != nil {
		return key, err
	}
	key.Library, err = x.Setting(ctx, settingLibrary)
	return key, err
}

// libraryID returns the library's own id, made at its first login.
func libraryID(ctx context.Context, x *library.SyncIndex) (string, error) {
	id, err := x.Setting(ctx, settingLibrary)
	if err != nil || id != "" {
		return id, err
	}
	id = api.NewID()
	return id, x.SetSettings(ctx, map[string]string{settingLibrary: id})
}

// setLibraryAccount makes key the account this library syncs with. A
// library that synced with another account before forgets that account's
// state (cloud-only entries go; every recording here is uploaded to the new
// account), so nothing leaks from one account to another.
func setLibraryAccount(ctx context.Context, x *library.SyncIndex, key AccountKey) error {
	old, err := lastAccount(ctx, x)
	if err != nil {
		return err
	}
	if old.Server != "" && (old.Server != key.Server || old.Email != key.Email) {
		if err := x.ForgetRemote(ctx); err != nil {
			return fmt.Errorf("switch account: %w", err)
		}
	}
	return x.SetSettings(ctx, map[string]string{settingServer: key.Server, settingEmail: key.Email, settingActive: "1"})
}

// clearLibraryAccount marks the library logged out. The sync state stays,
// so logging in again to the same account carries on where it stopped.
func clearLibraryAccount(ctx context.Context, x *library.SyncIndex) error {
	return x.SetSettings(ctx, map[string]string{settingActive: ""})
}
