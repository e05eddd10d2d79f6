package sync

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/earshot/earshot/api"
)

// refreshMargin is how long before its expiry an access token is replaced,
// so a request never starts with a token about to lapse.
const refreshMargin = time.Minute

// Session is a logged-in account: it hands the client valid access tokens,
// refreshing them transparently (refresh tokens rotate, and the new pair is
// saved to the store at once). It is safe for concurrent use, and tolerates
// another process (the GUI beside a CLI command) rotating the same entry.
type Session struct {
	key    AccountKey
	store  SessionStore
	client *Client // unauthenticated: for refresh only
	now    func() time.Time

	mu  sync.Mutex
	cur api.Session
}

var _ TokenSource = (*Session)(nil)

// Key is the account this session belongs to.
func (s *Session) Key() AccountKey { return s.key }

// UserID is the server's id of the account.
func (s *Session) UserID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.UserID
}

// ExpiresAt is when the current access token lapses.
func (s *Session) ExpiresAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.ExpiresAt
}

// Client returns an authenticated client for the session's server.
func (s *Session) Client() *Client { return s.client.WithAuth(s) }

// Login checks the password with the server, stores the session and
// returns it. c is a client for key.Server.
func Login(ctx context.Context, c *Client, store SessionStore, email, password string) (*Session, error) {
	return loginAs(ctx, c, store, AccountKey{Server: c.Server(), Email: email}, password)
}

// loginAs is Login for key (with its library).
func loginAs(ctx context.Context, c *Client, store SessionStore, key AccountKey, password string) (*Session, error) {
	email := key.Email
	cur, err := c.Login(ctx, email, password)
	if err != nil {
		return nil, err
	}
	if err := store.Save(ctx, key, cur); err != nil {
		// The server issued a session nobody can keep: revoke it.
		_ = c.WithAuth(staticToken(cur.AccessToken)).Logout(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("log in: %w", err)
	}
	return newSession(key, store, c, cur), nil
}

// OpenSession resumes the stored session of key (an error wrapping
// ErrNoSession when there is none, ErrNoKeyring when the store is
// unusable). c is a client for key.Server.
func OpenSession(ctx context.Context, c *Client, store SessionStore, key AccountKey) (*Session, error) {
	cur, err := store.Load(ctx, key)
	if err != nil {
		return nil, err
	}
	return newSession(key, store, c, cur), nil
}

func newSession(key AccountKey, store SessionStore, c *Client, cur api.Session) *Session {
	return &Session{key: key, store: store, client: c.WithAuth(nil), now: time.Now, cur: cur}
}

// Logout revokes the session on the server (when it can be reached: an
// offline logout still forgets the tokens here) and deletes it from the
// store. The returned error, if any, is about forgetting, never the revoke.
// Account.LogOut is the front ends' logout; this one serves a session that
// no library holds.
func (s *Session) Logout(ctx context.Context) (revokeErr, err error) {
	if err := s.store.Delete(ctx, s.key); err != nil {
		return nil, err
	}
	return s.revoke(ctx), nil
}

// revoke ends the session on the server and forgets its tokens here; the
// error says the server could not be reached (an ended session is no error).
func (s *Session) revoke(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err := s.Client().Logout(rctx)
	cancel()
	if KindOf(err) == KindAuth {
		err = nil // already over on the server
	}
	s.mu.Lock()
	s.cur = api.Session{}
	s.mu.Unlock()
	return err
}

// AccessToken implements TokenSource.
func (s *Session) AccessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.AccessToken != "" && s.now().Add(refreshMargin).Before(s.cur.ExpiresAt) {
		return s.cur.AccessToken, nil
	}
	return s.refreshLocked(ctx)
}

// Refresh implements TokenSource.
func (s *Session) Refresh(ctx context.Context, stale string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.AccessToken != stale && s.cur.AccessToken != "" {
		return s.cur.AccessToken, nil // another request refreshed meanwhile
	}
	return s.refreshLocked(ctx)
}

func (s *Session) refreshLocked(ctx context.Context) (string, error) {
	if s.cur.RefreshToken == "" {
		return "", s.loggedOut(nil)
	}
	// Another process may have rotated the pair already; spending our old
	// refresh token would then be refused as a reuse.
	if stored, err := s.store.Load(ctx, s.key); err == nil && stored.RefreshToken != s.cur.RefreshToken {
		s.cur = stored
		if s.now().Add(refreshMargin).Before(stored.ExpiresAt) {
			return stored.AccessToken, nil
		}
	}
	next, err := s.client.RefreshSession(ctx, s.cur.RefreshToken)
	if err != nil {
		if Retryable(err) || KindOf(err) == KindCanceled {
			return "", err
		}
		return "", s.loggedOut(err)
	}
	s.cur = next
	// If saving fails the new pair lives on in this process; the next
	// process will ask for a new login rather than use a spent token.
	_ = s.store.Save(ctx, s.key, next)
	return next.AccessToken, nil
}

func (s *Session) loggedOut(cause error) error {
	return &Error{Op: "refresh session", Kind: KindAuth, Err: cause,
		Message: fmt.Sprintf("the session for %s has ended (expired or revoked): run earshot login", s.key)}
}

// staticToken is a TokenSource with one token and no refresh.
type staticToken string

func (t staticToken) AccessToken(context.Context) (string, error) { return string(t), nil }
func (t staticToken) Refresh(context.Context, string) (string, error) {
	return "", &Error{Op: "refresh session", Kind: KindAuth, Err: errors.New("no refresh token")}
}
