package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// syncUntilClean runs passes until one leaves nothing failed or waiting.
func syncUntilClean(t *testing.T, d *device, passes int) {
	t.Helper()
	var last Summary
	var err error
	for range passes {
		last, err = d.eng.SyncOnce(context.Background())
		if err == nil && len(last.Failed) == 0 && last.Waiting == 0 {
			return
		}
	}
	t.Fatalf("%s: not clean after %d passes: %v %+v", d.name, passes, err, last)
}

func noKeepAlive() http.RoundTripper {
	tr := NewTransport()
	tr.DisableKeepAlives = true // one request per connection: faults land in bodies
	return tr
}

// TestFaultyUploads sends uploads through a proxy that cuts connections
// (before the server has everything, and after, losing its answer) and
// flips bytes: the engine converges and the server ends with exact copies.
func TestFaultyUploads(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	proxy := newTCPProxy(t, srv.Addr, func(n int64) tcpFault {
		switch {
		case n > 15:
			return tcpFault{}
		case n%3 == 1:
			return tcpFault{cutUpAfter: 150_000 + n*37_000}
		case n%3 == 2:
			return tcpFault{corruptUpAt: 60_000 + n*1000}
		}
		return tcpFault{cutDownAfter: 20} // the answer is lost
	})
	a := newDeviceVia(t, "A", srv.URL, proxy.URL(), email, pw, Options{ChunkSize: api.MinChunkSize, Backoff: Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond}})
	a.net.rt = noKeepAlive()
	var starts sync.Map
	defer a.eng.Subscribe(func(ev Event) {
		if ev.Kind == ItemStarted && ev.Op == OpUpload {
			n, _ := starts.LoadOrStore(ev.ID, new(int))
			*n.(*int)++
		}
	})()
	var recs []library.Recording
	for i, size := range []int{400_000, 1_000_000, 700_000, 12_000_000} {
		recs = append(recs, a.record(t, "faulty "+string(rune('A'+i)), size))
	}
	syncUntilClean(t, a, 20)
	if proxy.conns.Load() <= 15 {
		t.Fatalf("only %d connections: the faults did not all happen", proxy.conns.Load())
	}
	retried := 0
	starts.Range(func(_, n any) bool {
		if *n.(*int) > 1 {
			retried++
		}
		return true
	})
	if retried == 0 {
		t.Fatal("no upload was retried: the faults missed the transfers")
	}
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	b.sync(t)
	for _, r := range recs {
		if st := a.item(t, r.ID).SyncState; st != library.Synced {
			t.Errorf("A: %s is %s", r.Title, st)
		}
		if err := b.eng.Download(context.Background(), r.ID); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.audio(t, r.ID), b.audio(t, r.ID)) {
			t.Errorf("%s: the server's copy differs from the original", r.Title)
		}
	}
}

// TestFaultyDownloads fetches through a proxy that cuts and corrupts the
// server's answers: damaged bytes are never adopted, and broken downloads
// resume.
func TestFaultyDownloads(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	want := map[string]string{}
	for i, size := range []int{300_000, 2_000_000, 5_000_000} {
		r := a.record(t, "down "+string(rune('A'+i)), size)
		want[r.ID] = r.SHA256
	}
	a.sync(t)

	proxy := newTCPProxy(t, srv.Addr, func(n int64) tcpFault {
		switch {
		case n > 12:
			return tcpFault{}
		case n%2 == 1:
			return tcpFault{cutDownAfter: 120_000 + n*50_000}
		}
		return tcpFault{corruptDownAt: 30_000 + n*777}
	})
	b := newDeviceVia(t, "B", srv.URL, proxy.URL(), email, pw, Options{Backoff: Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond}})
	b.net.rt = noKeepAlive()
	if err := b.eng.SetAutoDownload(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	// Every download the engine reports done must be intact at that moment.
	var mu sync.Mutex
	var bad []string
	cancel := b.eng.Subscribe(func(ev Event) {
		if ev.Kind != ItemDone || ev.Op != OpDownload {
			return
		}
		it, err := b.x.Item(context.Background(), ev.ID)
		data, rerr := os.ReadFile(b.lib.AudioPath(it.Recording))
		sum := sha256.Sum256(data)
		if err != nil || rerr != nil || hex.EncodeToString(sum[:]) != want[ev.ID] {
			mu.Lock()
			bad = append(bad, ev.ID)
			mu.Unlock()
		}
	})
	defer cancel()
	syncUntilClean(t, b, 20)
	mu.Lock()
	defer mu.Unlock()
	if len(bad) > 0 {
		t.Fatalf("damaged downloads adopted: %v", bad)
	}
	for id, sha := range want {
		it := b.item(t, id)
		sum := sha256.Sum256(b.audio(t, id))
		if it.SyncState != library.Synced || hex.EncodeToString(sum[:]) != sha {
			t.Errorf("%s: %s, sha %x", id, it.SyncState, sum[:6])
		}
	}
	if proxy.conns.Load() <= 12 {
		t.Fatalf("only %d connections: the faults did not all happen", proxy.conns.Load())
	}
}

// TestServerErrors injects 500s and 429s in front of the real server: the
// engine retries with backoff (after Retry-After for 429) and completes in
// one pass; a 400 is not retried by itself.
func TestServerErrors(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	h := newHTTPFaults(t, srv.URL)
	a := newDeviceVia(t, "A", srv.URL, h.srv.URL, email, pw, Options{Backoff: Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond}})
	ok := a.record(t, "survives", 50_000)
	bad := a.record(t, "refused", 50_000)
	var mu sync.Mutex
	count := map[string]int{}
	h.setInject(func(r *http.Request) (int, http.Header, string) {
		mu.Lock()
		defer mu.Unlock()
		key := r.Method + " " + r.URL.Path
		count[key]++
		switch {
		case r.URL.Path == "/v1/recordings" && count[key] == 1:
			return 429, http.Header{"Retry-After": {"1"}}, `{"error":"rate_limited","message":"slow down"}`
		case strings.HasSuffix(r.URL.Path, ok.ID+"/content") && count[key] <= 2:
			return 500, nil, `{"error":"internal","message":"boom"}`
		case r.Method == "PUT" && r.URL.Path == "/v1/recordings/"+bad.ID:
			return 400, nil, `{"error":"bad_request","message":"no such thing"}`
		}
		return 0, nil, ""
	})
	sum, err := a.eng.SyncOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Uploaded != 1 || len(sum.Failed) != 1 || sum.Failed[0].ID != bad.ID {
		t.Fatalf("summary %+v", sum)
	}
	if it := a.item(t, ok.ID); it.SyncState != library.Synced {
		t.Fatalf("after 500s: %s %s", it.SyncState, it.SyncError)
	}
	it := a.item(t, bad.ID)
	if it.SyncState != library.Failed || !strings.Contains(it.SyncError, "no such thing") || it.NextAttempt.Before(time.Now().Add(24*time.Hour)) {
		t.Fatalf("refused recording: %+v", it)
	}
	// The 429 was honoured: the next list came a second later at the earliest.
	var lists []hit
	for _, x := range h.hits() {
		if x.path == "/v1/recordings" {
			lists = append(lists, x)
		}
	}
	if len(lists) < 2 || lists[0].status != 429 || lists[1].at.Sub(lists[0].at) < time.Second {
		t.Fatalf("list requests %+v", lists)
	}
	mu.Lock()
	if n := count["PUT /v1/recordings/"+bad.ID]; n != 1 {
		t.Errorf("a 400 was sent %d times in a pass, want once", n)
	}
	mu.Unlock()

	// A background pass leaves the refused one alone; "sync now" tries again.
	if _, err := a.eng.pass(context.Background(), passOptions{pull: true}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	n := count["PUT /v1/recordings/"+bad.ID]
	mu.Unlock()
	if n != 1 {
		t.Fatalf("a background pass retried a 400 (%d requests)", n)
	}
	h.setInject(nil)
	a.sync(t)
	if it := a.item(t, bad.ID); it.SyncState != library.Synced {
		t.Fatalf("after the fault went: %s", it.SyncState)
	}
}

// TestServerKilledMidUpload kills the server (SIGKILL) in the middle of a
// large upload and starts it again: the engine, running in watch mode,
// shows offline, notices the server is back, and resumes from the bytes the
// server kept.
func TestServerKilledMidUpload(t *testing.T) {
	srv := startServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{ChunkSize: api.MinChunkSize})
	a.net.upRate = 12 << 20
	const size = 30 << 20
	r := a.record(t, "long interview", size)

	killed, offline, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var once, onceOff, onceDone sync.Once
	var finished Progress // the pass's progress as the upload ended
	cancelSub := a.eng.Subscribe(func(ev Event) {
		switch {
		case ev.Kind == ItemProgress && ev.Op == OpUpload && ev.Done >= 15<<20:
			once.Do(func() { close(killed) })
		case ev.Kind == StatusChanged && ev.Status.State == StateOffline:
			onceOff.Do(func() { close(offline) })
		case ev.Kind == ItemDone && ev.Op == OpUpload:
			onceDone.Do(func() { finished = ev.Pass; close(done) })
		}
	})
	defer cancelSub()
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- a.eng.Run(ctx) }()
	defer func() { cancel(); <-runDone }() // before the library closes

	waitFor(t, killed, "15 MB uploaded")
	srv.Kill()
	waitFor(t, offline, "the offline state")
	if st := a.eng.Status(); st.Waiting != 1 || !strings.HasPrefix(st.String(), "offline, 1 waiting") {
		t.Fatalf("status while the server is down: %q", st)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, done, "the upload to finish after the restart")
	if it := a.item(t, r.ID); it.SyncState != library.Synced {
		t.Fatalf("state %s", it.SyncState)
	}
	if got := remote(t, a.sess.Client())[r.ID]; got.SHA256 != r.SHA256 || !got.Available {
		t.Fatalf("server copy %+v", got)
	}
	// Resumed, not restarted: well under 15 MB + 30 MB went up.
	if up := a.net.sent.Load(); up > size+3*api.MinChunkSize {
		t.Fatalf("%d bytes sent for a %d-byte recording: the upload started over", up, size)
	}
	// The resuming pass counts the whole file as done, but only what it sent
	// itself as moved: speed and time left come from those bytes.
	if finished.BytesDone != size || finished.BytesTotal != size || finished.FilesDone != 1 || finished.FilesTotal != 1 {
		t.Fatalf("progress at the end of the resumed upload: %+v", finished)
	}
	if finished.BytesMoved <= 0 || finished.BytesMoved > size-15<<20+2*api.MinChunkSize {
		t.Fatalf("the resuming pass says it moved %d bytes of a %d-byte file resumed after 15 MB", finished.BytesMoved, size)
	}
}

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(90 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// TestOfflineCountsNewRecordings: with the server down from the start, the
// engine in watch mode says "offline", and recordings made meanwhile are
// counted in its status at once ("offline, 2 waiting"), not only when the
// server comes back.
func TestOfflineCountsNewRecordings(t *testing.T) {
	srv := startServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	srv.Kill()

	offline, two := make(chan struct{}), make(chan struct{})
	var onceOff, onceTwo sync.Once
	cancelSub := a.eng.Subscribe(func(ev Event) {
		if ev.Kind != StatusChanged || ev.Status.State != StateOffline {
			return
		}
		onceOff.Do(func() { close(offline) })
		if ev.Status.Waiting == 2 {
			onceTwo.Do(func() { close(two) })
		}
	})
	defer cancelSub()
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- a.eng.Run(ctx) }()
	defer func() { cancel(); <-runDone }()

	waitFor(t, offline, "the offline state")
	a.record(t, "on the train", 20_000)
	a.record(t, "in the field", 20_000)
	waitFor(t, two, `the status "offline, 2 waiting"`)
	if st := a.eng.Status(); !strings.HasPrefix(st.String(), "offline, 2 waiting") {
		t.Fatalf("status: %q", st)
	}
}

// TestIdleNoticesServerGone: an engine idle between passes (the poll an
// hour away) says "offline" soon after the server dies, from its health
// probe alone, and syncs again once the server is back.
func TestIdleNoticesServerGone(t *testing.T) {
	srv := startServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{PollInterval: time.Hour, HealthInterval: 100 * time.Millisecond})
	idle, offline, back := runWatched(t, a)

	waitFor(t, idle, "the first pass")
	srv.Kill()
	waitFor(t, offline, "the offline state with no pass due for an hour")
	if st := a.eng.Status(); st.State != StateOffline || st.Err == nil {
		t.Fatalf("status after the server died: %+v", st)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, back, "a good pass once the server is back")
	if st := a.eng.Status(); st.State != StateIdle || st.Err != nil {
		t.Fatalf("status once the server is back: %+v", st)
	}
}

// A server that takes connections and answers nothing (hung, stopped) is
// offline too: the idle engine's health check gives up after healthWait
// and says so, instead of "up to date"; once it answers, a pass runs.
func TestIdleNoticesServerHung(t *testing.T) {
	srv := startServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{PollInterval: time.Hour, HealthInterval: 100 * time.Millisecond})
	idle, offline, back := runWatched(t, a)

	waitFor(t, idle, "the first pass")
	proc := serverProcess(t, srv.PID())
	if err := proc.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	defer func() {
		if !resumed {
			proc.Signal(syscall.SIGCONT)
		}
	}()
	waitFor(t, offline, "the offline state while the server answers nothing")
	if st := a.eng.Status(); st.State != StateOffline || st.Err == nil || !strings.Contains(st.Err.Error(), "did not answer") {
		t.Fatalf("status while the server is stopped: %+v", st)
	}
	resumed = true
	if err := proc.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	waitFor(t, back, "a good pass once the server answers again")
}

// A pass under way when the server stops answering ends as offline once
// the health check gives up, instead of waiting minutes on requests nobody
// answers while the status says "syncing"; what it was sending waits, not
// failed, and goes once the server is back.
func TestPassEndsWhenTheServerStopsAnswering(t *testing.T) {
	srv := startServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{PollInterval: time.Hour, HealthInterval: 200 * time.Millisecond})
	r := a.record(t, "Said while the server slept", 50_000)
	proc := serverProcess(t, srv.PID())
	if err := proc.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	defer func() {
		if !resumed {
			proc.Signal(syscall.SIGCONT)
		}
	}()
	sum, err := a.eng.SyncOnce(context.Background())
	if KindOf(err) != KindOffline || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("a pass against a stopped server ended with %v (%+v), want offline", err, sum)
	}
	if st := a.eng.Status(); st.State != StateOffline {
		t.Fatalf("status after the pass: %+v", st)
	}
	if it := a.item(t, r.ID); it.SyncState == library.Failed {
		t.Fatalf("the recording was marked failed: %+v", it)
	}
	resumed = true
	if err := proc.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if sum := a.sync(t); sum.Uploaded != 1 || a.item(t, r.ID).SyncState != library.Synced {
		t.Fatalf("once the server answers again: %+v, %s", sum, a.item(t, r.ID).SyncState)
	}
}

// serverProcess is the running test server's process, to stop and resume.
// A pid of 0 (no server running) must never reach kill(2): signalled, 0 is
// the test's whole process group — the test binary and the services.
func serverProcess(t *testing.T, pid int) *os.Process {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("no running server to stop (pid %d)", pid)
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	return proc
}

// runWatched runs a's engine until the test ends and reports its status:
// idle closes at the first idle state, offline at the first offline one,
// back at the first idle state after that.
func runWatched(t *testing.T, a *device) (idle, offline, back <-chan struct{}) {
	t.Helper()
	idleC, offlineC, backC := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var onceIdle, onceOff, onceBack sync.Once
	var wentOffline atomic.Bool
	cancelSub := a.eng.Subscribe(func(ev Event) {
		if ev.Kind != StatusChanged {
			return
		}
		switch {
		case ev.Status.State == StateOffline:
			wentOffline.Store(true)
			onceOff.Do(func() { close(offlineC) })
		case ev.Status.State == StateIdle && wentOffline.Load():
			onceBack.Do(func() { close(backC) })
		case ev.Status.State == StateIdle:
			onceIdle.Do(func() { close(idleC) })
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- a.eng.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-runDone; cancelSub() })
	return idleC, offlineC, backC
}
