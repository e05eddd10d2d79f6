package ui

import (
	"context"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
)

// Every delete of a synced recording offers Undo, and Undo puts back what
// the delete took, on the server too: from this device → downloaded again;
// from the cloud → uploaded again; everywhere (the server's copy deleted)
// → restored here and uploaded again.
func TestUndoEveryDeleteOfASyncedRecording(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)
	u, lib, _ := newCloudUI(t, t.TempDir(), SyncOptions{})
	u.signIn(t, srv.URL, email, pw, false)
	r := u.importTone(t, "Keeper")
	u.eventually(t, "the Synced badge", func() bool { return u.badgeOf(r.ID) == "Synced" })
	onServer := func() bool {
		got, ok := serverView(t, srv.URL, email, pw)[r.ID]
		return ok && !got.Deleted && got.Available
	}
	undo := func(notice string) {
		t.Helper()
		var text string
		var offered bool
		u.eventually(t, "the notice "+notice, func() bool {
			text, offered = u.notices.text(), !u.notices.action.Hidden
			return text == notice
		})
		if !offered {
			t.Fatalf("no Undo on %q", text)
		}
		u.tapAndWait(u.notices.action)
	}

	u.selectID(t, r.ID)
	u.chooseDelete(t, "This device (keep the cloud copy)")
	undo(`Removed "Keeper" from this device; the cloud keeps it.`)
	u.eventually(t, "the audio downloaded again", func() bool { return u.badgeOf(r.ID) == "Synced" })
	if _, err := os.Stat(lib.AudioPath(r)); err != nil {
		t.Fatalf("no audio here after Undo: %v", err)
	}

	u.selectID(t, r.ID)
	u.chooseDelete(t, "The cloud (keep it on this device)")
	waitUntil(t, "the cloud copy deleted", func() bool { return !onServer() })
	undo(`Removed "Keeper" from the cloud; this device keeps it.`)
	waitUntil(t, "the recording back on the server", onServer)
	u.eventually(t, "Synced again", func() bool { return u.badgeOf(r.ID) == "Synced" })

	u.selectID(t, r.ID)
	u.chooseDelete(t, "Everywhere (move to the trash)")
	waitUntil(t, "the server's tombstone", func() bool { return !onServer() })
	undo(`Moved "Keeper" to the trash here and deleted it from the cloud.`)
	waitUntil(t, "the restored recording uploaded again", onServer)
	u.eventually(t, "Synced after the restore", func() bool { return u.badgeOf(r.ID) == "Synced" })
	if it, _ := lib.Get(context.Background(), r.ID); it.TrashedAt != nil {
		t.Fatal("still in the trash after Undo")
	}
}

// Picked recordings that differ (one only on this device, one synced): the
// dialog offers only the trash, true for both, says how many also leave
// the cloud, and Undo restores both.
func TestMultiDeleteMixedScopes(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)
	u, lib, _ := newCloudUI(t, t.TempDir(), SyncOptions{})
	u.signIn(t, srv.URL, email, pw, false)
	synced, local := u.importTone(t, "Synced one"), u.importTone(t, "Local one")
	u.eventually(t, "two synced", func() bool { return u.badgeOf(synced.ID) == "Synced" && u.badgeOf(local.ID) == "Synced" })
	// Removed from the cloud, "Local one" is on this device only.
	u.selectID(t, local.ID)
	u.chooseDelete(t, "The cloud (keep it on this device)")
	u.eventually(t, "a local-only row the cloud no longer has", func() bool {
		_, up := serverView(t, srv.URL, email, pw)[local.ID]
		i, ok := u.list.index[local.ID]
		return ok && u.badgeOf(local.ID) == "Local only" && u.list.items[i].RemoteVersion == 0 && !up
	})

	u.clickRow(t, "Local one", 0)
	u.clickRow(t, "Synced one", fyne.KeyModifierControl)
	u.do(func() { u.typeKey(fyne.KeyDelete) })
	var other bool
	var text string
	var trash *widget.Button
	onMainWait(func() {
		top := u.win.Canvas().Overlays().Top()
		other = findButton(top, "This device (keep the cloud copies)") != nil || findButton(top, "The cloud (keep them on this device)") != nil
		text, trash = markupText(top), findButton(top, "Move to the trash")
	})
	if other {
		t.Fatal("a choice not true for both recordings is offered")
	}
	const q = "Move 2 recordings to the trash? They stay there for 30 days. 1 of them is also deleted from the cloud."
	if !contains(text, q) || trash == nil {
		t.Fatalf("dialog says %s, want %q and Move to the trash", text, q)
	}
	u.tapAndWait(trash)
	u.eventually(t, "both out of the list", func() bool { return len(u.list.items) == 0 })
	undo := "Moved 2 recordings to the trash here (1 deleted from the cloud too)."
	if msg, offered := u.notice(), u.undoOffered(); msg != undo || !offered {
		t.Fatalf("notice %q (Undo %v), want %q with Undo", msg, offered, undo)
	}
	u.tapAndWait(u.notices.action)
	u.eventually(t, "both back", func() bool { return len(u.list.items) == 2 })
	if n, _ := lib.Count(context.Background(), library.ListOptions{}); n != 2 {
		t.Fatalf("%d recordings after Undo", n)
	}
}
