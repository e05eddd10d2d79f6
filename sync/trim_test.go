package sync

import (
	"context"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	ta "github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/library"
)

// TestTrimReachesTheOtherDevice trims a synced recording on A: A has the
// new recording and the original in its trash; after both sync, B has the
// new one (cloud-only) and the original in its trash,
// restorable.
func TestTrimReachesTheOtherDevice(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	ctx := context.Background()

	p, err := a.lib.BeginRecording(ctx, "Lecture", audio.FLAC)
	if err != nil {
		t.Fatal(err)
	}
	ta.WriteFile(t, p.PartPath, audio.FLAC, ta.Tone(4*time.Second, 440, 0.3))
	r, err := a.lib.Commit(ctx, p, audio.Info{})
	if err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	if err := b.eng.Download(ctx, r.ID); err != nil {
		t.Fatal(err)
	}

	nr, err := Trim(ctx, a.x, r.ID, time.Second, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if it := a.item(t, r.ID); !it.Trashed() || it.SyncState != library.PendingDelete {
		t.Fatalf("A's original after trim: trashed %v, %s", it.Trashed(), it.SyncState)
	}
	a.sync(t)
	b.sync(t)
	it := b.item(t, nr.ID)
	if it.Title != "Lecture (trimmed)" || it.SyncState != library.CloudOnly {
		t.Fatalf("B's view of the trimmed recording: %q, %s", it.Title, it.SyncState)
	}
	if orig := b.item(t, r.ID); !orig.Trashed() {
		t.Fatalf("B's original is not in the trash: %+v", orig)
	}
	if err := b.lib.Restore(ctx, r.ID); err != nil {
		t.Fatalf("restore the original on B: %v", err)
	}
}
