package sync

import (
	"bytes"
	"context"
	"testing"

	"github.com/earshot/earshot/library"
)

// TestTwoDevices plays the story with two library folders as two
// devices of one account on the real server.
func TestTwoDevices(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	ctx := context.Background()

	// Record on A, sync: uploaded and synced.
	// Logged in, a new recording is queued the moment it is added; logged
	// out, it stays local only (and is queued when someone logs in).
	r := a.record(t, "Field notes", 300_000)
	if got := a.item(t, r.ID).SyncState; got != library.Queued {
		t.Fatalf("fresh recording is %s, want queued", got)
	}
	if err := clearLibraryAccount(ctx, a.x); err != nil {
		t.Fatal(err)
	}
	r0 := a.record(t, "Made logged out", 1000)
	if got := a.item(t, r0.ID).SyncState; got != library.LocalOnly {
		t.Fatalf("recording made logged out is %s, want local_only", got)
	}
	if err := setLibraryAccount(ctx, a.x, a.eng.key); err != nil {
		t.Fatal(err)
	}
	sum := a.sync(t)
	if sum.Uploaded != 2 || a.item(t, r.ID).SyncState != library.Synced || a.item(t, r0.ID).SyncState != library.Synced {
		t.Fatalf("after sync on A: %+v, state %s", sum, a.item(t, r.ID).SyncState)
	}

	// B learns of it as a cloud-only entry, then pulls the audio.
	sum = b.sync(t)
	it := b.item(t, r.ID)
	if sum.Remote != 2 || sum.RemoteNew != 2 || sum.RemoteRemoved != 0 || it.SyncState != library.CloudOnly || it.HasAudio || it.Title != "Field notes" {
		t.Fatalf("B after sync: %+v; item %+v", sum, it)
	}
	if err := b.eng.Download(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.audio(t, r.ID), a.audio(t, r.ID)) {
		t.Fatal("B's audio differs from A's")
	}
	if got := b.item(t, r.ID).SyncState; got != library.Synced {
		t.Fatalf("B after pull: %s, want synced", got)
	}

	// Rename on B, appears on A.
	if err := b.lib.Rename(ctx, r.ID, "Field notes, day 2"); err != nil {
		t.Fatal(err)
	}
	if sum := b.sync(t); sum.Renamed != 1 {
		t.Fatalf("B rename: %+v", sum)
	}
	a.sync(t)
	if got := a.item(t, r.ID).Title; got != "Field notes, day 2" {
		t.Fatalf("A title %q", got)
	}

	// Delete everywhere on A: gone from the server, in B's trash.
	if err := a.eng.Delete(ctx, r.ID, Everywhere); err != nil {
		t.Fatal(err)
	}
	if it := a.item(t, r.ID); it.SyncState != library.PendingDelete || !it.Trashed() {
		t.Fatalf("A after delete: %+v", it)
	}
	a.sync(t)
	if _, ok := remote(t, a.sess.Client())[r.ID]; ok {
		t.Fatal("deleted recording still on the server")
	}
	b.sync(t)
	if it := b.item(t, r.ID); !it.Trashed() || it.SyncState != library.LocalOnly {
		t.Fatalf("B after the remote delete: trashed %v, state %s", it.Trashed(), it.SyncState)
	}

	// Offline edits on both sides, then both sync and converge.
	r2 := a.record(t, "Interview", 100_000)
	a.sync(t)
	b.sync(t)
	a.net.offline.Store(true)
	b.net.offline.Store(true)
	if err := a.lib.Rename(ctx, r2.ID, "Interview (A)"); err != nil {
		t.Fatal(err)
	}
	r3 := b.record(t, "Made offline on B", 50_000)
	if _, err := a.eng.SyncOnce(ctx); KindOf(err) != KindOffline {
		t.Fatalf("offline sync: %v, want an offline error", err)
	}
	if st := a.eng.Status(); st.State != StateOffline || st.Waiting != 1 || st.String() != "offline, 1 waiting" {
		t.Fatalf("offline status %+v (%q)", st, st.String())
	}
	a.net.offline.Store(false)
	b.net.offline.Store(false)
	for range 2 {
		a.sync(t)
		b.sync(t)
	}
	for _, d := range []*device{a, b} {
		if got := d.item(t, r2.ID).Title; got != "Interview (A)" {
			t.Errorf("%s: r2 title %q", d.name, got)
		}
		if _, err := d.x.Item(ctx, r3.ID); err != nil {
			t.Errorf("%s: r3: %v", d.name, err)
		}
	}
	if st := a.eng.Status(); st.State != StateIdle || st.Waiting != 0 || st.String() != "in sync" {
		t.Fatalf("final status %+v", st)
	}
}
