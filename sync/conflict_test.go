package sync

import (
	"context"
	"testing"

	"github.com/earshot/earshot/library"
)

// TestRenameConflict renames one recording on two devices while both are
// offline: the rename that reaches the server first wins everywhere, and
// the other device keeps its own title in the history.
func TestRenameConflict(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	ctx := context.Background()
	r := a.record(t, "Original", 10_000)
	a.sync(t)
	b.sync(t)
	a.net.offline.Store(true)
	b.net.offline.Store(true)
	if err := a.lib.Rename(ctx, r.ID, "A's title"); err != nil {
		t.Fatal(err)
	}
	if err := b.lib.Rename(ctx, r.ID, "B's title"); err != nil {
		t.Fatal(err)
	}
	a.net.offline.Store(false)
	b.net.offline.Store(false)
	if sum := a.sync(t); sum.Renamed != 1 {
		t.Fatalf("A: %+v", sum)
	}
	if sum := b.sync(t); sum.Conflicts != 1 {
		t.Fatalf("B: %+v, want one conflict", sum)
	}
	a.sync(t)
	for _, d := range []*device{a, b} {
		if it := d.item(t, r.ID); it.Title != "A's title" || (it.SyncState != library.Synced && it.SyncState != library.CloudOnly) || it.RenamePending() {
			t.Errorf("%s: %q %s pending=%v", d.name, it.Title, it.SyncState, it.RenamePending())
		}
	}
	h, err := b.x.TitleHistory(ctx, r.ID)
	if err != nil || len(h) != 1 || h[0].Title != "B's title" || h[0].ReplacedBy != "A's title" {
		t.Fatalf("B's title history %+v, %v", h, err)
	}
	if h, _ := a.x.TitleHistory(ctx, r.ID); len(h) != 0 {
		t.Fatalf("A lost nothing, but has history %+v", h)
	}
}

// TestRestoreAfterRemoteDelete: a recording deleted everywhere on A goes to
// B's trash; restoring it on B brings it back to the cloud, and to A.
func TestRestoreAfterRemoteDelete(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	ctx := context.Background()
	r := a.record(t, "Keeper", 20_000)
	a.sync(t)
	b.sync(t)
	if err := b.eng.Download(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.eng.Delete(ctx, r.ID, Everywhere); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	if sum := b.sync(t); sum.Remote != 1 || sum.RemoteRemoved != 1 || sum.RemoteTrashed != 1 || sum.RemoteKept != 0 || sum.RemoteNew != 0 {
		t.Fatalf("B's summary of the remote delete: %+v", sum)
	}
	if it := b.item(t, r.ID); !it.Trashed() {
		t.Fatalf("B: not in the trash after the remote delete: %+v", it)
	}
	if err := b.lib.Restore(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if sum := b.sync(t); sum.Uploaded != 1 {
		t.Fatalf("B restore: %+v", sum)
	}
	if got, ok := remote(t, b.sess.Client())[r.ID]; !ok || !got.Available || got.SHA256 != r.SHA256 {
		t.Fatalf("server after the restore: %+v %v", got, ok)
	}
	if sum := a.sync(t); sum.Remote != 1 || sum.RemoteNew != 0 || sum.RemoteRemoved != 0 {
		t.Fatalf("A: %+v", sum)
	}
	if it := a.item(t, r.ID); it.Trashed() || it.SyncState != library.Synced {
		t.Fatalf("A after B's restore: trashed %v, %s", it.Trashed(), it.SyncState)
	}
}

// TestDeleteScopes checks each scope's result on the device and the server.
func TestDeleteScopes(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	ctx := context.Background()
	local, cloud, every := a.record(t, "device only", 1000), a.record(t, "cloud only", 1000), a.record(t, "everywhere", 1000)
	fresh := a.record(t, "not uploaded", 1000)
	if err := a.eng.Delete(ctx, fresh.ID, FromDevice); err == nil {
		t.Fatal("deleting a recording not in the cloud from this device only succeeded")
	}
	a.sync(t)
	for _, c := range []struct {
		id    string
		scope Scope
	}{{local.ID, FromDevice}, {cloud.ID, FromCloud}, {every.ID, Everywhere}} {
		if err := a.eng.Delete(ctx, c.id, c.scope); err != nil {
			t.Fatal(err)
		}
	}
	a.sync(t)
	srvSet := remote(t, a.sess.Client())
	if it := a.item(t, local.ID); it.HasAudio || it.SyncState != library.CloudOnly || srvSet[local.ID].ID == "" {
		t.Errorf("device only: %+v; in cloud %v", it.SyncState, srvSet[local.ID].ID != "")
	}
	if it := a.item(t, cloud.ID); !it.HasAudio || it.SyncState != library.LocalOnly || !it.KeepLocal || srvSet[cloud.ID].ID != "" {
		t.Errorf("cloud only: %s keep=%v; in cloud %v", it.SyncState, it.KeepLocal, srvSet[cloud.ID].ID != "")
	}
	if it := a.item(t, every.ID); !it.Trashed() || srvSet[every.ID].ID != "" {
		t.Errorf("everywhere: trashed %v; in cloud %v", it.Trashed(), srvSet[every.ID].ID != "")
	}
	// The cloud-deleted recording is not uploaded again by later syncs.
	if sum := a.sync(t); sum.Uploaded != 0 {
		t.Fatalf("re-uploaded: %+v", sum)
	}
	// A purge while offline leaves a tombstone that goes out later.
	other := a.record(t, "purged offline", 1000)
	a.sync(t)
	a.net.offline.Store(true)
	if err := a.lib.Purge(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	a.net.offline.Store(false)
	if sum := a.sync(t); sum.Deleted != 1 {
		t.Fatalf("tombstone: %+v", sum)
	}
	if _, ok := remote(t, a.sess.Client())[other.ID]; ok {
		t.Fatal("purged recording still in the cloud")
	}
	if _, err := a.x.Item(ctx, other.ID); err == nil {
		t.Fatal("tombstone kept after its deletion went out")
	}
}

// TestEverywhereAfterCloudDelete (issue 9, tombstones): a recording removed
// from the cloud stays on every device that holds it; a later delete
// everywhere from one of them reaches the others (the server's tombstone
// says "everywhere" now), and their copies go to the trash, restorable.
func TestEverywhereAfterCloudDelete(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	c := newDevice(t, "C", srv.URL, email, pw, Options{})
	ctx := context.Background()
	r := a.record(t, "kept, then deleted", 1000)
	a.sync(t)
	for _, d := range []*device{b, c} {
		d.sync(t)
		if err := d.eng.Download(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.eng.Delete(ctx, r.ID, FromCloud); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*device{a, b, c} {
		sum := d.sync(t)
		if it := d.item(t, r.ID); !it.HasAudio || it.Trashed() || !it.KeepLocal || it.SyncState != library.LocalOnly {
			t.Fatalf("%s after the removal from the cloud: %+v", d.name, it)
		}
		if d != a && (sum.RemoteRemoved != 1 || sum.RemoteKept != 1 || sum.RemoteTrashed != 0) {
			t.Fatalf("%s's summary of the removal from the cloud: %+v, want 1 removed, kept here", d.name, sum)
		}
	}
	if err := b.eng.Delete(ctx, r.ID, Everywhere); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	for _, d := range []*device{a, c, b} {
		d.sync(t)
		if it := d.item(t, r.ID); !it.HasAudio || !it.Trashed() || it.KeepLocal {
			t.Errorf("%s after B deleted it everywhere: trashed %v, audio %v, keep-local %v; want it in the trash", d.name, it.Trashed(), it.HasAudio, it.KeepLocal)
		}
	}

	// Removed from the cloud, uploaded again from A and deleted everywhere
	// from A while B, which kept its copy, did not sync in between: B's
	// copy goes to its trash too.
	s := a.record(t, "kept, pushed again, deleted", 1000)
	a.sync(t)
	b.sync(t)
	if err := b.eng.Download(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.eng.Delete(ctx, s.ID, FromCloud); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	if err := a.eng.UploadAgain(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	if err := a.eng.Delete(ctx, s.ID, Everywhere); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	if it := b.item(t, s.ID); !it.HasAudio || !it.Trashed() {
		t.Errorf("B after A pushed it again and deleted it everywhere: trashed %v, audio %v, keep-local %v; want it in the trash", it.Trashed(), it.HasAudio, it.KeepLocal)
	}
}
