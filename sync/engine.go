package sync

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// Options tune an Engine. The zero value is sensible.
type Options struct {
	// Workers bounds the transfers (and other requests) running at once;
	// 0 means 4.
	Workers int
	// ChunkSize is the size of each request of a chunked upload; 0 means
	// api.ChunkSize. Files up to this size go in one request.
	ChunkSize int64
	// NoDirect sends audio through earshot-server even when it offers
	// presigned uploads straight to object storage.
	NoDirect bool
	// DirectMax is the largest file sent with one presigned request (which
	// starts over when broken); larger ones go in resumable chunks through
	// the server. 0 means 64 MiB.
	DirectMax int64
	// PollInterval is how often Run asks the server for changes made on
	// other devices while nothing else wakes it; 0 means 30 s.
	PollInterval time.Duration
	// Attempts bounds the tries of one operation within a pass before it is
	// left for a later pass; 0 means 4.
	Attempts int
	// Backoff between those tries; zero values mean 200 ms to 5 s.
	Backoff Backoff
	// PageSize is the limit= of each list request; 0 means 1000.
	PageSize int
	// HealthInterval is how often Run asks the server whether it is still
	// there while idle between passes, so the status turns to offline soon
	// after the server goes away rather than at the next poll; 0 means 10 s.
	HealthInterval time.Duration
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.DirectMax <= 0 {
		o.DirectMax = 64 << 20
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = api.ChunkSize
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 30 * time.Second
	}
	if o.Attempts <= 0 {
		o.Attempts = 4
	}
	if o.Backoff.Min <= 0 {
		o.Backoff = Backoff{Min: 200 * time.Millisecond, Max: 5 * time.Second}
	}
	if o.PageSize <= 0 {
		o.PageSize = 1000
	}
	if o.HealthInterval <= 0 {
		o.HealthInterval = 10 * time.Second
	}
	return o
}

// Engine keeps one library in agreement with one account on a server. Its
// methods are safe for concurrent use; passes never overlap. The GUI and
// the CLI drive the same Engine: Run keeps it going, SyncOnce does one
// pass, Download and Delete act on one recording.
type Engine struct {
	x    *library.SyncIndex
	lib  *library.Library
	c    *Client
	opts Options
	key  AccountKey

	passMu sync.Mutex // one pass at a time
	wake   chan struct{}

	mu        sync.Mutex
	status    Status
	transfers map[string]*Transfer
	observers map[int]func(Event)
	nextObs   int
	inflight  map[string]bool // ids with an operation running
	info      *api.ServerInfo
	pulledAt  time.Time
}

func (e *Engine) setLastPull(t time.Time) {
	e.mu.Lock()
	e.pulledAt = t
	e.mu.Unlock()
}

func (e *Engine) lastPull() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pulledAt
}

// New returns an engine for the library behind x, syncing through c (an
// authenticated client, see Session.Client) with the account key.
func New(x *library.SyncIndex, c *Client, key AccountKey, opts Options) *Engine {
	return &Engine{
		x: x, lib: x.Library(), c: c, key: key, opts: opts.withDefaults(),
		wake:      make(chan struct{}, 1),
		status:    Status{State: StateIdle},
		transfers: map[string]*Transfer{},
		observers: map[int]func(Event){},
		inflight:  map[string]bool{},
	}
}

// Subscribe registers fn for every Event until cancel is called. fn runs on
// the engine's goroutines: it must not block (hand the event over, e.g.
// with a non-blocking channel send, and return).
func (e *Engine) Subscribe(fn func(Event)) (cancel func()) {
	e.mu.Lock()
	id := e.nextObs
	e.nextObs++
	e.observers[id] = fn
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		delete(e.observers, id)
		e.mu.Unlock()
	}
}

// Status returns a snapshot of the engine's state.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.status.clone()
	s.Transfers = sortedTransfers(e.transfers)
	return s
}

// Trigger asks a running Run to sync now ("Sync now"); it never blocks.
func (e *Engine) Trigger() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *Engine) emit(ev Event) {
	e.mu.Lock()
	obs := make([]func(Event), 0, len(e.observers))
	for _, fn := range e.observers {
		obs = append(obs, fn)
	}
	e.mu.Unlock()
	for _, fn := range obs {
		fn(ev)
	}
}

// setStatus changes the status under the lock and tells observers.
func (e *Engine) setStatus(change func(*Status)) {
	e.mu.Lock()
	change(&e.status)
	s := e.status.clone()
	s.Transfers = sortedTransfers(e.transfers)
	e.mu.Unlock()
	e.emit(Event{Kind: StatusChanged, Status: s})
}

// claim marks id busy; false if another operation holds it.
func (e *Engine) claim(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inflight[id] {
		return false
	}
	e.inflight[id] = true
	return true
}

func (e *Engine) release(id string) {
	e.mu.Lock()
	delete(e.inflight, id)
	e.mu.Unlock()
}

// serverInfo asks the server once what it supports; a server without
// /v1/info gets the defaults (no presigned uploads).
func (e *Engine) serverInfo(ctx context.Context) api.ServerInfo {
	e.mu.Lock()
	info := e.info
	e.mu.Unlock()
	if info != nil {
		return *info
	}
	got, err := e.c.Info(ctx)
	if err != nil {
		if KindOf(err) == KindNotFound || KindOf(err) == KindPermanent {
			got = api.ServerInfo{} // an older server: remember, do not ask again
		} else {
			return api.ServerInfo{}
		}
	}
	e.mu.Lock()
	e.info = &got
	e.mu.Unlock()
	return got
}

// AutoDownload reports whether cloud-only entries download by themselves.
func (e *Engine) AutoDownload(ctx context.Context) (bool, error) {
	return AutoDownload(ctx, e.x)
}

// SetAutoDownload changes the automatic-download setting and syncs at once.
func (e *Engine) SetAutoDownload(ctx context.Context, on bool) error {
	if err := SetAutoDownload(ctx, e.x, on); err != nil {
		return err
	}
	e.Trigger()
	return nil
}

// AutoDownload reports whether cloud-only entries of the library behind x
// download by themselves.
func AutoDownload(ctx context.Context, x *library.SyncIndex) (bool, error) {
	v, err := x.Setting(ctx, settingAutoDownload)
	if err != nil {
		return false, fmt.Errorf("read the automatic-download setting: %w", err)
	}
	return v == "1", nil
}

// SetAutoDownload changes the automatic-download setting without an engine
// (signed out, say). It is kept in the library, so the GUI and the CLI share
// it, and every engine on the library follows it from its next pass.
func SetAutoDownload(ctx context.Context, x *library.SyncIndex, on bool) error {
	v := ""
	if on {
		v = "1"
	}
	if err := x.SetSettings(ctx, map[string]string{settingAutoDownload: v}); err != nil {
		return fmt.Errorf("change the automatic-download setting: %w", err)
	}
	return nil
}

const settingAutoDownload = "auto_download"

func (e *Engine) cursorKey() string { return cursorKey(e.key) }

// cursorKey names the setting holding where the library's last listing of
// key's cloud ended; it is set once a pass has listed the cloud.
func cursorKey(key AccountKey) string { return "cursor " + key.String() }

// passErrState maps the error that ended a pass to the engine's state.
func passErrState(err error) State {
	switch KindOf(err) {
	case KindOffline:
		return StateOffline
	case KindAuth:
		return StateSignedOut
	case KindCanceled:
		return StateIdle
	}
	return StateWaiting
}

// Run syncs until ctx ends: a pass at once, then whenever the library
// changes (a new recording is queued within a fraction of a second),
// Trigger is called, PollInterval passes, or a retry is due. Offline, it
// probes the server with backoff and syncs the moment it answers. It
// returns ctx's error.
func (e *Engine) Run(ctx context.Context) error {
	changes, cancel := e.lib.Subscribe()
	defer cancel()
	attempt := 0
	pull := true
	for {
		_, err := e.pass(ctx, passOptions{pull: pull})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var wait time.Duration
		switch {
		case err == nil:
			attempt = 0
			wait = e.untilNextRetry(ctx)
		case KindOf(err) == KindOffline:
			attempt++
			wait = 0 // sleep probes the server with backoff
		case KindOf(err) == KindAuth:
			wait = e.opts.PollInterval // a login in another process stores a new session; the GUI re-creates the engine
		default:
			attempt++
			wait = serverBackoff.Delay(attempt, RetryAfterOf(err))
		}
		if err != nil {
			e.setStatus(func(s *Status) { s.NextRetry = time.Now().Add(wait) })
		}
		var serr error
		if err != nil && KindOf(err) == KindOffline {
			serr = e.probe(ctx, changes)
		} else {
			serr = e.sleep(ctx, changes, wait)
		}
		switch {
		case errors.Is(serr, errLocalChange):
			pull = err != nil || time.Since(e.lastPull()) > e.opts.PollInterval
		case serr != nil:
			return serr
		default:
			pull = true
		}
	}
}

// recount refreshes the status's counts of waiting and failed recordings.
func (e *Engine) recount(ctx context.Context) {
	waiting, failed, _ := e.countWork(ctx)
	e.setStatus(func(s *Status) { s.Waiting, s.Failed = waiting, failed })
}

// errLocalChange is sleep's way to say that only the library changed, so
// the next pass need not ask the server for changes.
var errLocalChange = errors.New("local change")

// probe waits, offline, until the server answers GET /healthz (asked
// with backoff up to offlineBackoff.Max, so a pass starts within seconds
// of its return), or Trigger is called. Local changes go on waiting: they
// are recorded in the library and go out with that pass.
func (e *Engine) probe(ctx context.Context, changes <-chan library.Change) error {
	for attempt := 1; ; attempt++ {
		t := time.NewTimer(offlineBackoff.Delay(attempt, 0))
	wait:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-e.wake:
				t.Stop()
				return nil
			case _, ok := <-changes:
				if !ok {
					t.Stop()
					return errors.New("sync: the library was closed")
				}
				// Recorded offline: the status must count it ("offline, N waiting").
				e.recount(ctx)
			case <-t.C:
				break wait
			}
		}
		if err := e.health(ctx); err == nil || KindOf(err) != KindOffline {
			return nil
		}
	}
}

// sleep waits for the next reason to run a pass: a library change, a
// Trigger, or the end of wait. Meanwhile it asks the server's /healthz
// every HealthInterval (one small request): when the server has gone, the
// status says offline at once and sleep turns into probe, which waits for
// it to come back with backoff.
func (e *Engine) sleep(ctx context.Context, changes <-chan library.Change, wait time.Duration) error {
	t := time.NewTimer(wait)
	defer t.Stop()
	health := time.NewTicker(e.opts.HealthInterval)
	defer health.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-e.wake:
			return nil
		case <-t.C:
			return nil
		case <-health.C:
			if err := e.health(ctx); KindOf(err) == KindOffline {
				e.setStatus(func(s *Status) { s.State, s.Err = StateOffline, err })
				return e.probe(ctx, changes)
			}
		case _, ok := <-changes:
			if !ok {
				return errors.New("sync: the library was closed")
			}
			// Gather a burst of changes (including the engine's own) into one pass.
			debounce(ctx, changes, 150*time.Millisecond)
			return errLocalChange
		}
	}
}

// health asks the server whether it is there, for at most healthWait. A
// server that takes the connection and does not answer (hung, stopped,
// swamped) is as good as gone: offline, like one that refuses it — the
// status must not say "up to date" or "syncing" beside a server that
// answers nothing.
func (e *Engine) health(ctx context.Context) error {
	hctx, cancel := context.WithTimeout(ctx, healthWait)
	defer cancel()
	err := e.c.Health(hctx)
	if err != nil && ctx.Err() == nil && errors.Is(hctx.Err(), context.DeadlineExceeded) {
		return &Error{Op: "health", Kind: KindOffline, Err: err,
			Message: fmt.Sprintf("the server did not answer within %s", healthWait)}
	}
	return err
}

// healthWait is how long health waits for the server's answer.
const healthWait = 5 * time.Second

func debounce(ctx context.Context, changes <-chan library.Change, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			return
		case _, ok := <-changes:
			if !ok {
				return
			}
		}
	}
}

// untilNextRetry is how long Run sleeps after a good pass: the poll
// interval, or less when a failed recording's retry is due sooner.
func (e *Engine) untilNextRetry(ctx context.Context) time.Duration {
	wait := e.opts.PollInterval
	items, err := e.x.Work(ctx, false)
	if err != nil {
		return wait
	}
	now := time.Now()
	for _, it := range items {
		if it.SyncState == library.Failed && it.NextAttempt.Before(never) {
			if d := it.NextAttempt.Sub(now); d < wait {
				wait = max(d, 100*time.Millisecond)
			}
		}
	}
	return wait
}

// never marks a failure that is not retried by itself (only by SyncOnce,
// the user's "sync now").
var never = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
