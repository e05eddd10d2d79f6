package sync

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// TestSessionRefresh: an access token near its expiry is replaced before
// use, one the server refuses is replaced and the request repeated, the new
// pair is saved at once, and a spent refresh token is refused.
func TestSessionRefresh(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	ctx := context.Background()
	c, err := NewClient(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	store := NewMemoryStore()
	s, err := Login(ctx, c, store, email, pw)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := store.Load(ctx, s.Key())

	// Near expiry (the clock says the hour is almost up): refreshed first.
	s.now = func() time.Time { return first.ExpiresAt.Add(-30 * time.Second) }
	if _, err := s.Client().List(ctx, "", 1); err != nil {
		t.Fatal(err)
	}
	second, _ := store.Load(ctx, s.Key())
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("the session was not refreshed, or the new pair not saved")
	}
	s.now = time.Now

	// Refused by the server (401): refreshed and sent again, transparently.
	s.mu.Lock()
	s.cur.AccessToken = "revoked-" + api.NewID()
	s.mu.Unlock()
	if _, err := s.Client().List(ctx, "", 1); err != nil {
		t.Fatalf("request after a 401: %v", err)
	}
	third, _ := store.Load(ctx, s.Key())
	if third.RefreshToken == second.RefreshToken {
		t.Fatal("no refresh after the 401")
	}

	// Another process with the same stored session refreshes too: it picks
	// up the rotated pair from the store instead of replaying a spent
	// token (which the server would punish by revoking the session).
	other, err := OpenSession(ctx, c, store, s.Key())
	if err != nil {
		t.Fatal(err)
	}
	other.mu.Lock()
	other.cur = second // what it read before this process rotated
	other.cur.AccessToken = "stale-" + api.NewID()
	other.mu.Unlock()
	if _, err := other.Client().List(ctx, "", 1); err != nil {
		t.Fatalf("second process: %v", err)
	}
	if _, err := s.Client().List(ctx, "", 1); err != nil {
		t.Fatalf("first process after the second refreshed: %v", err)
	}

	// A spent refresh token is refused.
	if _, err := c.RefreshSession(ctx, first.RefreshToken); KindOf(err) != KindAuth {
		t.Fatalf("reused refresh token: %v, want refused", err)
	}
	// ... and the server ends that session, which the client reports plainly.
	s.mu.Lock()
	s.cur.AccessToken = "x"
	s.mu.Unlock()
	_, err = s.Client().List(ctx, "", 1)
	if KindOf(err) != KindAuth || !strings.Contains(err.Error(), "earshot login") {
		t.Fatalf("after the session was revoked: %v", err)
	}

	// Logout revokes on the server and forgets here.
	s2, err := Login(ctx, c, store, email, pw)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := s2.AccessToken(ctx)
	if rerr, err := s2.Logout(ctx); rerr != nil || err != nil {
		t.Fatal(rerr, err)
	}
	if _, err := store.Load(ctx, s2.Key()); !errors.Is(err, ErrNoSession) {
		t.Fatalf("store after logout: %v", err)
	}
	if _, err := c.WithAuth(staticToken(tok)).List(ctx, "", 1); KindOf(err) != KindAuth {
		t.Fatalf("revoked token still works: %v", err)
	}
}

// TestNoopSyncIsOneRequest: with everything in agreement, a pass asks the
// server one question (the change feed) and reads no file.
func TestNoopSyncIsOneRequest(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	for i := range 20 {
		a.record(t, "r"+string(rune('a'+i)), 1000)
	}
	a.sync(t)
	a.sync(t)
	before := a.net.requests.Load()
	sum := a.sync(t)
	if n := a.net.requests.Load() - before; n != 1 {
		t.Fatalf("a no-op sync made %d requests, want 1 (%+v)", n, sum)
	}
}

// TestExpiredCursor: when the server has forgotten the cursor (older than
// its tombstones), the device lists everything again and treats what is no
// longer listed as removed from the cloud: an entry without audio goes, a
// copy here stays, local-only and not uploaded again (whether it was
// deleted everywhere or from the cloud only went with the tombstone; the
// trash would purge it in 30 days on a guess).
func TestExpiredCursor(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	h := newHTTPFaults(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	b := newDeviceVia(t, "B", srv.URL, h.srv.URL, email, pw, Options{})
	ctx := context.Background()
	keep, gone, held := a.record(t, "keep", 1000), a.record(t, "gone", 1000), a.record(t, "held", 1000)
	a.sync(t)
	b.sync(t)
	if err := b.eng.Download(ctx, held.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{gone.ID, held.ID} {
		if err := a.eng.Delete(ctx, id, Everywhere); err != nil {
			t.Fatal(err)
		}
	}
	a.sync(t)
	expired := true
	h.setInject(func(r *http.Request) (int, http.Header, string) {
		if r.URL.Path == "/v1/recordings" && r.URL.Query().Get("since") != "" && expired {
			expired = false
			return http.StatusGone, nil, `{"error":"cursor_expired","message":"list again"}`
		}
		return 0, nil, ""
	})
	// The full listing shows no tombstones: "gone" must still go (a
	// cloud-only entry on B, so nothing is left of it).
	b.sync(t)
	if it, err := b.x.Item(ctx, gone.ID); !errors.Is(err, library.ErrNotFound) {
		t.Fatalf("B: deleted recording still here after a full listing: %+v", it)
	}
	if it := b.item(t, keep.ID); it.Trashed() || it.SyncState != library.CloudOnly {
		t.Fatalf("B: kept recording %+v", it)
	}
	if it := b.item(t, held.ID); it.Trashed() || !it.HasAudio || !it.KeepLocal || it.SyncState != library.LocalOnly {
		t.Fatalf("B: its copy of a recording no longer listed: trashed %v, audio %v, keep-local %v, %s; want it kept here only",
			it.Trashed(), it.HasAudio, it.KeepLocal, it.SyncState)
	}
	if sum := b.sync(t); sum.Uploaded != 0 {
		t.Fatalf("B uploaded the kept copy again by itself: %+v", sum)
	}
}
