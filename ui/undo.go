package ui

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// deleted says what a delete of rs did, with Undo wherever it can be
// undone (see deletedNotice).
func (u *UI) deleted(rs []library.Recording, scope sync.Scope) {
	if len(rs) == 0 {
		return
	}
	msg, undo := u.deletedNotice(rs, len(rs), scope)
	if undo == nil {
		u.notices.flash(msg)
		return
	}
	u.notices.undo(msg, undo)
}

// partlyDeleted says, in one line, where the recordings that went (done)
// went, with Undo for them, and which of the n asked for could not be
// deleted and why. It names a failure, so it stays until dismissed.
func (u *UI) partlyDeleted(done []library.Recording, failed []failure, n int, scope sync.Scope) {
	msg, undo := u.deletedNotice(done, n, scope)
	msg = fmt.Sprintf("%s Not deleted: %s.", msg, listFailures(failed))
	if undo == nil {
		u.notices.show(msg, true)
		return
	}
	u.notices.undoProblem(msg, undo)
}

// deletedNotice says what a delete of rs (of the n asked for) did, and
// returns its Undo, nil when nothing can be undone: from this device, Undo
// downloads the audio again; from the cloud, it uploads it again; to the
// trash, it restores, and for a recording whose deletion reached the
// server, sync then uploads it again and the other devices take it back
// out of their trash. Recordings that were only in the cloud are gone for
// good (the dialog said so) and get no Undo.
func (u *UI) deletedNotice(rs []library.Recording, n int, scope sync.Scope) (string, func()) {
	what := fmt.Sprintf("%q", rs[0].Title)
	switch {
	case n > len(rs):
		what = fmt.Sprintf("%d of %d recordings", len(rs), n)
	case len(rs) > 1:
		what = fmt.Sprintf("%d recordings", len(rs))
	}
	them := map[bool]string{true: "it", false: "them"}[len(rs) == 1]
	switch scope {
	case sync.FromDevice:
		return fmt.Sprintf("Removed %s from this device; the cloud keeps %s.", what, them),
			func() { u.undoDelete(rs, "download", u.be.Cloud.Download) }
	case sync.FromCloud:
		return fmt.Sprintf("Removed %s from the cloud; this device keeps %s.", what, them),
			func() { u.undoDelete(rs, "upload again", u.be.Cloud.UploadAgain) }
	}
	back := pickWhere(rs, func(r library.Recording) bool { return r.HasAudio })
	gone := len(rs) - len(back)
	cloud := countWhere(rs, inCloud) - gone
	var msg string
	switch {
	case len(back) == 0:
		return fmt.Sprintf("Deleted %s from the cloud.", what), nil
	case cloud == 0 && gone == 0:
		msg = fmt.Sprintf("Moved %s to the trash.", what)
	case cloud == len(rs):
		msg = fmt.Sprintf("Moved %s to the trash here and deleted %s from the cloud.", what, them)
	default:
		msg = fmt.Sprintf("Moved %s to the trash here (%d deleted from the cloud too).", what, cloud)
	}
	if gone > 0 {
		msg = fmt.Sprintf("%s %d only in the cloud deleted for good.", msg, gone)
	}
	return msg, func() { u.undoDelete(back, "restore", u.restoreOne) }
}

// restoreOne takes r out of the trash; sync follows from the library.
func (u *UI) restoreOne(ctx context.Context, id string) error {
	return u.be.Library.Restore(ctx, id)
}

// undoDelete runs undo (named action, for a failure) for each of rs in
// the background, then shows the list with the first of them selected.
func (u *UI) undoDelete(rs []library.Recording, action string, undo func(context.Context, string) error) {
	u.background(func(ctx context.Context) {
		var failed []failure
		for _, r := range rs {
			if err := undo(ctx, r.ID); err != nil {
				failed = append(failed, failure{r.Title, err})
			}
		}
		u.trash.load(ctx)
		u.list.loadNow(ctx, rs[0].ID)
		if len(failed) > 0 {
			onMain(func() { u.notices.show(failuresLine(action, failed, len(rs)), true) })
		}
	})
}

// pickWhere is the recordings of rs for which keep holds, in order.
func pickWhere(rs []library.Recording, keep func(library.Recording) bool) []library.Recording {
	var out []library.Recording
	for _, r := range rs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}
