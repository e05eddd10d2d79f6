package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	stdsync "sync"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// SyncOptions configure a SyncCloud. The zero value is what the desktop
// program uses.
type SyncOptions struct {
	// Engine tunes the sync engine.
	Engine sync.Options
	// Keyring is where sessions are kept between runs; nil means the OS
	// keyring (sync.KeyringStore). Where it is unusable the session is
	// kept in memory until the window closes, and the status says so.
	Keyring sync.SessionStore
	// HTTP is the client for the server; nil means the engine's default.
	HTTP *http.Client
}

// SyncCloud is Cloud over the real sync engine: the account (sessions in the
// OS keyring, as the CLI keeps them, so both see the same login) and an
// Engine that runs while someone is signed in. Every method may block on
// disk, keyring or network; the window calls them from its own goroutines.
// Status is the exception: it reads memory only, so the delete dialog may
// ask it on the Fyne goroutine.
type SyncCloud struct {
	x       *library.SyncIndex
	opts    SyncOptions
	store   *fallbackStore
	account *sync.Account

	// acct serialises log in, log out and resume: each replaces the engine.
	acct stdsync.Mutex

	mu      stdsync.Mutex
	base    context.Context // parent of the engine's Run; set by Resume
	key     sync.AccountKey
	eng     *sync.Engine
	sess    *sync.Session
	stopEng func() // cancels Run and waits for it
	auto    bool
	note    string // a problem outside the engine (the keyring), for a person

	subMu stdsync.Mutex
	subs  map[chan Progress]struct{}
}

// NewSyncCloud returns the cloud of the library behind x. Nothing runs
// until Resume.
func NewSyncCloud(x *library.SyncIndex, o SyncOptions) *SyncCloud {
	ks := o.Keyring
	if ks == nil {
		ks = sync.KeyringStore{}
	}
	store := newFallbackStore(ks)
	return &SyncCloud{x: x, opts: o, store: store, account: sync.NewAccount(x, store, o.HTTP), subs: map[chan Progress]struct{}{}, base: context.Background()}
}

// Resume picks up the login stored by an earlier run
// (of the window or the CLI) and starts syncing; engines it starts stop
// when ctx ends.
func (c *SyncCloud) Resume(ctx context.Context) error {
	c.acct.Lock()
	defer c.acct.Unlock()
	c.mu.Lock()
	c.base = ctx
	c.mu.Unlock()
	key, sess, err := c.account.Open(ctx)
	if errors.Is(err, sync.ErrNotLoggedIn) {
		return nil
	}
	if key.Email != "" {
		c.mu.Lock()
		c.key = key
		c.mu.Unlock()
	}
	switch {
	case errors.Is(err, sync.ErrNoKeyring):
		c.setNote(fmt.Sprintf("Signed out: no OS keyring to read the login for %s from. Log in again (it will last until Earshot closes), or start a Secret Service such as gnome-keyring to stay signed in.", key.Email))
		return nil
	case errors.Is(err, sync.ErrNoSession):
		c.setNote(fmt.Sprintf("Signed out: no stored login for %s on %s. Log in again.", key.Email, key.Server))
		return nil
	case err != nil:
		return fmt.Errorf("resume the login of %s: %w", key, err)
	}
	return c.startEngine(ctx, key, sess)
}

// startEngine makes the engine for a session and runs it until the base
// context ends or the account changes.
func (c *SyncCloud) startEngine(ctx context.Context, key sync.AccountKey, sess *sync.Session) error {
	c.stopEngine()
	eng := c.account.Engine(sess, c.opts.Engine)
	auto, err := sync.AutoDownload(ctx, c.x)
	if err != nil {
		return err
	}
	unsubscribe := eng.Subscribe(c.forward)
	c.mu.Lock()
	runCtx, cancel := context.WithCancel(c.base)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = eng.Run(runCtx) // returns ctx's error; problems show in Status
	}()
	c.eng, c.sess, c.key, c.auto = eng, sess, key, auto
	c.stopEng = func() {
		cancel()
		<-done
		unsubscribe()
	}
	c.mu.Unlock()
	c.changed()
	return nil
}

// stopEngine stops the running engine, if any, and waits for it.
func (c *SyncCloud) stopEngine() {
	c.mu.Lock()
	stop := c.stopEng
	c.eng, c.sess, c.stopEng = nil, nil, nil
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// Close stops syncing; the window calls it before closing the library.
func (c *SyncCloud) Close() {
	c.acct.Lock()
	defer c.acct.Unlock()
	c.stopEngine()
}

func (c *SyncCloud) setNote(s string) {
	c.mu.Lock()
	c.note = s
	c.mu.Unlock()
	c.changed()
}

// engine returns the running engine, or an error a person can act on.
func (c *SyncCloud) engine() (*sync.Engine, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.eng == nil {
		return nil, errors.New("not signed in: log in on the Account tab first")
	}
	return c.eng, nil
}

// Status is a snapshot of the account and the engine. It reads memory
// only (no I/O), so the Fyne goroutine may call it.
func (c *SyncCloud) Status() CloudStatus {
	c.mu.Lock()
	eng, key, auto, note := c.eng, c.key, c.auto, c.note
	c.mu.Unlock()
	s := CloudStatus{Email: key.Email, Server: key.Server, AutoDownload: auto, LastError: note}
	if eng == nil {
		return s
	}
	es := eng.Status()
	s.SignedIn = es.State != sync.StateSignedOut
	s.LastSync = es.LastSync
	s.Offline = es.State == sync.StateOffline
	s.Syncing = es.State == sync.StateSyncing
	s.Waiting, s.Failed = es.Waiting, es.Failed
	s.Done, s.Total = es.BytesDone, es.BytesTotal
	s.State, s.NextRetry = es.State, es.NextRetry
	for _, t := range es.Transfers {
		switch t.Op {
		case sync.OpUpload:
			s.Uploads++
		case sync.OpDownload:
			s.Downloads++
		}
	}
	var problems []string
	if note != "" {
		problems = append(problems, note)
	}
	switch es.State {
	case sync.StateSignedOut:
		problems = append(problems, fmt.Sprintf("The session of %s has ended (expired or revoked): log in again.", key.Email))
	case sync.StateOffline:
		problems = append(problems, fmt.Sprintf("Can't reach the server at %s — is earshot-server running? Earshot tries again as soon as it answers.", hostOf(key.Server)))
	case sync.StateWaiting:
		problems = append(problems, "The server is busy; Earshot tries again by itself.")
	}
	if es.Failed > 0 {
		problems = append(problems, plural(es.Failed, "recording", "recordings")+" could not be synced; select one to see why.")
	}
	s.LastError = strings.Join(problems, "\n")
	return s
}

// oneLine keeps the first line of a message.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Events delivers transfer progress and a zero Progress whenever Status
// changed, until ctx ends. Slow readers miss events, never block the engine.
func (c *SyncCloud) Events(ctx context.Context) <-chan Progress {
	ch := make(chan Progress, 64)
	c.subMu.Lock()
	c.subs[ch] = struct{}{}
	c.subMu.Unlock()
	go func() {
		<-ctx.Done()
		c.subMu.Lock()
		delete(c.subs, ch)
		close(ch)
		c.subMu.Unlock()
	}()
	return ch
}

// send hands p to every subscriber that has room; it never blocks the engine.
func (c *SyncCloud) send(p Progress) {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	for ch := range c.subs {
		select {
		case ch <- p:
		default:
		}
	}
}

// changed tells subscribers the status changed.
func (c *SyncCloud) changed() { c.send(Progress{}) }

// forward turns the engine's events into the window's: transfers report
// their bytes; a finished or failed operation reports Done = Total so its
// row loses the percentage; a status change is a zero Progress.
func (c *SyncCloud) forward(ev sync.Event) {
	switch ev.Kind {
	case sync.ItemStarted, sync.ItemProgress:
		if ev.Op == sync.OpUpload || ev.Op == sync.OpDownload {
			c.send(Progress{ID: ev.ID, Done: ev.Done, Total: ev.Total})
		}
	case sync.ItemDone, sync.ItemFailed:
		c.send(Progress{ID: ev.ID, Done: ev.Total, Total: ev.Total})
	case sync.StatusChanged:
		c.changed()
	}
}

// SignUp creates the account, then logs in.
func (c *SyncCloud) SignUp(ctx context.Context, server, email, password string) error {
	if err := checkCredentials(server, email, password); err != nil {
		return err
	}
	c.acct.Lock()
	defer c.acct.Unlock()
	sess, err := c.account.SignUp(ctx, server, email, password)
	if err != nil {
		return fmt.Errorf("sign up as %s: %w", email, err)
	}
	return c.signedIn(ctx, sess)
}

func checkCredentials(server, email, password string) error {
	switch {
	case strings.TrimSpace(server) == "":
		return errors.New("enter the server's address, for example https://sync.example.org")
	case strings.TrimSpace(email) == "":
		return errors.New("enter the account's email")
	case password == "":
		return errors.New("enter the password")
	}
	return nil
}

// LogIn signs in to server. The session goes to the OS keyring; without one
// it lasts until the window closes and the status says so.
func (c *SyncCloud) LogIn(ctx context.Context, server, email, password string) error {
	if err := checkCredentials(server, email, password); err != nil {
		return err
	}
	c.acct.Lock()
	defer c.acct.Unlock()
	sess, err := c.account.LogIn(ctx, server, email, password)
	if err != nil {
		return err
	}
	return c.signedIn(ctx, sess)
}

// signedIn starts syncing for a new login and says where it is kept.
func (c *SyncCloud) signedIn(ctx context.Context, sess *sync.Session) error {
	note := ""
	if c.store.inMemory(sess.Key()) {
		note = "Signed in until Earshot closes: there is no OS keyring to keep the login in. Start a Secret Service (gnome-keyring, KeePassXC) to stay signed in."
	}
	c.mu.Lock()
	c.note = note
	c.mu.Unlock()
	return c.startEngine(ctx, sess.Key(), sess)
}

// LogOut signs out: syncing stops, the session is revoked on the
// server (when it answers) and removed from the keyring. The library keeps
// its sync state, so logging in again carries on where it stopped.
func (c *SyncCloud) LogOut(ctx context.Context) error {
	c.acct.Lock()
	defer c.acct.Unlock()
	c.mu.Lock()
	sess := c.sess
	c.mu.Unlock()
	c.stopEngine()
	key, revokeErr, err := c.account.LogOut(ctx, sess)
	if err != nil {
		if sess != nil {
			_ = c.startEngine(ctx, key, sess) // still signed in: keep syncing
		}
		return err
	}
	c.setNote("")
	if revokeErr != nil {
		return fmt.Errorf("logged out here, but could not reach %s to revoke the session (it expires by itself): %s", key.Server, oneLine(revokeErr.Error()))
	}
	return nil
}

// SyncNow runs one full pass, failed recordings retried, failed recordings retried.
func (c *SyncCloud) SyncNow(ctx context.Context) error {
	eng, err := c.engine()
	if err != nil {
		return err
	}
	sum, err := eng.SyncOnce(ctx)
	switch {
	case err != nil && sync.KindOf(err) == sync.KindOffline:
		return fmt.Errorf("offline: cannot reach the server; %d change(s) wait for the next sync", sum.Waiting)
	case err != nil:
		return fmt.Errorf("sync: %w", err)
	case len(sum.Failed) == 1 && sum.Failed[0].Op == sync.OpTranscript:
		f := sum.Failed[0]
		return fmt.Errorf("%q: %s", f.Title, oneLine(f.Err.Error()))
	case len(sum.Failed) == 1:
		f := sum.Failed[0]
		return fmt.Errorf("could not %s %q: %s", f.Op, f.Title, oneLine(f.Err.Error()))
	case len(sum.Failed) > 1:
		return fmt.Errorf("%d recordings failed to sync; select one to see why", len(sum.Failed))
	}
	return nil
}

// Download fetches a cloud-only recording's audio now and waits for it;
// progress arrives through Events.
func (c *SyncCloud) Download(ctx context.Context, id string) error {
	eng, err := c.engine()
	if err != nil {
		return err
	}
	return eng.Download(ctx, id)
}

// Delete deletes a recording in scope. The decision is kept in the library at once; the
// engine carries out the cloud part in its next pass (offline, it waits).
// Signed out, the decision waits in the library for the next sign-in.
func (c *SyncCloud) Delete(ctx context.Context, id string, scope sync.Scope) error {
	if eng, err := c.engine(); err == nil {
		return eng.Delete(ctx, id, scope)
	}
	return sync.Delete(ctx, c.x, id, scope)
}

// Trim keeps from..to of a recording as a new recording and deletes the
// original everywhere (sync.Trim); a running engine passes both on at once.
func (c *SyncCloud) Trim(ctx context.Context, id string, from, to time.Duration) (library.Recording, error) {
	nr, err := sync.Trim(ctx, c.x, id, from, to)
	if eng, e := c.engine(); e == nil {
		eng.Trigger()
	}
	return nr, err
}

// SetAutoDownload turns automatic download on or off. The setting lives in
// the library (the CLI shares it), signed in or not; a running engine
// follows it at once.
func (c *SyncCloud) SetAutoDownload(ctx context.Context, on bool) error {
	if err := sync.SetAutoDownload(ctx, c.x, on); err != nil {
		return err
	}
	c.mu.Lock()
	eng := c.eng
	c.auto = on
	c.mu.Unlock()
	if eng != nil {
		eng.Trigger()
	}
	c.changed()
	return nil
}

// Usage asks the server how much of the account's quota is used.
func (c *SyncCloud) Usage(ctx context.Context) (api.Usage, error) {
	c.mu.Lock()
	sess := c.sess
	c.mu.Unlock()
	if sess == nil {
		return api.Usage{}, errors.New("not signed in")
	}
	u, err := sess.Client().Usage(ctx)
	if err != nil {
		return api.Usage{}, fmt.Errorf("read the account's storage use: %w", err)
	}
	return u, nil
}

// UploadAgain uploads a recording kept on this device only (removed from
// the cloud) with the next pass; signed out, the choice waits in the library.
func (c *SyncCloud) UploadAgain(ctx context.Context, id string) error {
	if eng, err := c.engine(); err == nil {
		return eng.UploadAgain(ctx, id)
	}
	return sync.UploadAgain(ctx, c.x, id)
}
