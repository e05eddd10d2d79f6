package ui

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// deleteChoice is one answer of the delete dialog.
type deleteChoice struct {
	label string
	scope sync.Scope // 0: the trash, without sync
}

// deleteScopes lists the scopes that make sense for r, the safest first
// (Enter takes it): "this device" only when a verified copy is in the
// cloud (else the audio would be lost), "the cloud" only when the cloud has
// or may have a copy, and the trash always. A recording only on this device
// has the one choice.
func (u *UI) deleteScopes(r library.Recording) []sync.Scope {
	if u.be.Cloud == nil || (r.RemoteVersion == 0 && r.HasAudio) {
		return []sync.Scope{trashScope(u)}
	}
	var cs []sync.Scope
	if r.HasAudio && r.SyncState == library.Synced {
		cs = append(cs, sync.FromDevice)
	}
	if r.HasAudio {
		cs = append(cs, sync.FromCloud)
	}
	return append(cs, sync.Everywhere)
}

// deleteChoices lists the answers true for every recording of rs: the
// scopes all of them offer, in the safest-first order.
func (u *UI) deleteChoices(rs []library.Recording) []deleteChoice {
	scopes := u.deleteScopes(rs[0])
	for _, r := range rs[1:] {
		theirs := u.deleteScopes(r)
		scopes = slices.DeleteFunc(scopes, func(s sync.Scope) bool { return !slices.Contains(theirs, s) })
	}
	one := len(rs) == 1
	var cs []deleteChoice
	for _, s := range scopes {
		var label string
		switch {
		case s == sync.FromDevice && one:
			label = "This device (keep the cloud copy)"
		case s == sync.FromDevice:
			label = "This device (keep the cloud copies)"
		case s == sync.FromCloud && one:
			label = "The cloud (keep it on this device)"
		case s == sync.FromCloud:
			label = "The cloud (keep them on this device)"
		case len(scopes) > 1:
			label = "Everywhere (move to the trash)"
		case countWhere(rs, cloudOnly) == len(rs):
			label = "Delete from the cloud for good"
		default:
			label = "Move to the trash"
		}
		cs = append(cs, deleteChoice{label, s})
	}
	return cs
}

// cloudOnly reports whether r's audio is only in the cloud: deleted, it
// cannot come back from this device's trash.
func cloudOnly(r library.Recording) bool { return !r.HasAudio }

// inCloud reports whether the cloud has (or is about to have) r.
func inCloud(r library.Recording) bool { return r.RemoteVersion > 0 }

func countWhere(rs []library.Recording, f func(library.Recording) bool) int {
	n := 0
	for _, r := range rs {
		if f(r) {
			n++
		}
	}
	return n
}

// trashScope is how a plain move to the trash is asked: through the sync
// engine when there is one (it must know), else the library alone.
func trashScope(u *UI) sync.Scope {
	if u.be.Cloud == nil {
		return 0
	}
	return sync.Everywhere
}

// askDelete asks where to delete what is selected: the recordings picked
// in the list, or the one in the details pane.
func (d *detailsPanel) askDelete() { d.u.askDelete(d.u.list.selection()) }

// askDelete asks once where to delete rs: one dialog at a time, Escape
// cancels, Enter takes the first (safest) answer.
func (u *UI) askDelete(rs []library.Recording) {
	if len(rs) == 0 || u.modalOpen() {
		return
	}
	choices := u.deleteChoices(rs)
	var buttons []fyne.CanvasObject
	for i, c := range choices {
		b := widget.NewButton(c.label, func() { u.closeModal(); u.deleteAll(rs, c.scope) })
		if i == 0 {
			b.Importance = widget.HighImportance
		}
		buttons = append(buttons, b)
	}
	msg := widget.NewLabel(deleteQuestion(rs, len(choices)))
	msg.Wrapping = fyne.TextWrapWord
	title := "Delete recording"
	if len(rs) > 1 {
		title = fmt.Sprintf("Delete %d recordings", len(rs))
	}
	// Wide enough that the question reads in two or three lines, not six.
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(380, 0))
	dlg := dialog.NewCustom(title, "Cancel", container.NewVBox(width, msg, container.NewVBox(buttons...)), u.win)
	first := choices[0]
	u.showModal(dlg, func() { u.deleteAll(rs, first.scope) })
}

// deleteQuestion is the dialog's question for rs with n answers; with one
// answer (the trash) it says how many go where, and what cannot be undone.
func deleteQuestion(rs []library.Recording, n int) string {
	what := fmt.Sprintf("%q", rs[0].Title)
	if len(rs) > 1 {
		what = fmt.Sprintf("%d recordings", len(rs))
	}
	if n > 1 {
		return fmt.Sprintf("Delete %s from…", what)
	}
	gone, cloud := countWhere(rs, cloudOnly), countWhere(rs, inCloud)
	switch {
	case gone == len(rs) && len(rs) == 1:
		return fmt.Sprintf("Delete %s from the cloud for good? It is not on this device, so this cannot be undone.", what)
	case gone == len(rs):
		return fmt.Sprintf("Delete %s from the cloud for good? They are not on this device, so this cannot be undone.", what)
	}
	q := fmt.Sprintf("Move %s to the trash? It stays there for %d days.", what, trashDays)
	if len(rs) > 1 {
		q = fmt.Sprintf("Move %s to the trash? They stay there for %d days.", what, trashDays)
	}
	if kept := cloud - gone; kept > 0 && len(rs) > 1 {
		q += fmt.Sprintf(" %s also deleted from the cloud.", isAre(kept, len(rs)))
	}
	if gone > 0 {
		q += fmt.Sprintf(" %s only in the cloud: deleted for good, it cannot be undone.", isAre(gone, len(rs)))
	}
	return q
}

// isAre says "1 of them is", "2 of them are", "All 3 are".
func isAre(n, of int) string {
	switch {
	case n == of:
		return fmt.Sprintf("All %d are", n)
	case n == 1:
		return "1 of them is"
	}
	return fmt.Sprintf("%d of them are", n)
}

// delete applies one answer to r.
func (d *detailsPanel) delete(r library.Recording, scope sync.Scope) {
	d.u.deleteAll([]library.Recording{r}, scope)
}

// deleteAll applies one answer to rs. Each decision is kept in the library
// at once; the sync engine carries out the cloud part (signed out or
// offline, it waits there). Failures are said once, together, in the same
// line as what went (with its Undo).
func (u *UI) deleteAll(rs []library.Recording, scope sync.Scope) {
	cl := u.be.Cloud
	instead := u.list.neighbours(rs)
	u.background(func(ctx context.Context) {
		var done []library.Recording
		var failed []failure
		for _, r := range rs {
			var err error
			if scope == 0 || cl == nil {
				err = u.be.Library.Trash(ctx, r.ID)
			} else {
				err = cl.Delete(ctx, r.ID, scope)
			}
			if err != nil {
				failed = append(failed, failure{r.Title, err})
				continue
			}
			done = append(done, r)
		}
		onMainWait(func() { u.list.instead = instead })
		u.list.loadNow(ctx, "")
		onMain(func() {
			switch {
			case len(failed) == 0:
				u.deleted(done, scope)
			case len(done) == 0:
				u.notices.show(failuresLine("delete", failed, len(rs)), true)
			default:
				u.partlyDeleted(done, failed, len(rs), scope)
			}
		})
	})
}

// failure is one recording an action on many could not do.
type failure struct {
	title string
	err   error
}

// failuresLine says which of n recordings the action ("delete", "save")
// failed for and why, in one line.
func failuresLine(action string, fs []failure, n int) string {
	if n == 1 {
		return fmt.Sprintf("Could not %s %q: %s.", action, fs[0].title, why(fs[0].err))
	}
	return fmt.Sprintf("Could not %s %d of %d recordings: %s.", action, len(fs), n, listFailures(fs))
}

// listFailures is `"Memo" (why); "Talk" (why)`.
func listFailures(fs []failure) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%q (%s)", f.title, why(f.err)))
	}
	return strings.Join(parts, "; ")
}

// why is err as the reason after a recording's name: its plain meaning
// alone when it has one (the line already says what failed; the library's
// operation would only add an id), else the whole chain in plain words;
// lower case, no full stop.
func why(err error) string {
	w, cause := plainCause(err)
	if cause == nil {
		w = strings.TrimSuffix(plain(err), ".")
	}
	if r, n := utf8.DecodeRuneInString(w); n > 0 {
		w = string(unicode.ToLower(r)) + w[n:]
	}
	return w
}
