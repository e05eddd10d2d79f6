package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
)

// bookmarkList is the details section listing the selected recording's
// bookmarks by time: each row the moment (a click plays from there), its
// name (renamed in place, like the title) and a remove button. The same
// bookmarks are markers on the seek bar; a click on one moves there.
type bookmarkList struct {
	d     *detailsPanel
	rows  *fyne.Container
	add   *widget.Button
	marks []api.Bookmark
	rec   library.Recording // the recording shown, at the version last read
	names []*markEntry      // one per row, in marks' order
}

func newBookmarkSection(d *detailsPanel) detailSection {
	b := &bookmarkList{d: d, rows: container.NewVBox()}
	d.bookmarks = b
	b.add = widget.NewButtonWithIcon("Bookmark here (Ctrl+B)", theme.ContentAddIcon(), d.u.addBookmark)
	head := widget.NewLabel("Bookmarks")
	head.TextStyle.Bold = true
	d.player.seek.OnMark = b.jumpToMark
	box := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, head, b.add), b.rows)
	return detailSection{content: box, show: b.show, clear: b.clear}
}

// show reads r's bookmarks when another recording is shown or this one
// changed: an edit here bumps its version, one synced from another device
// its server version.
func (b *bookmarkList) show(r library.Recording, same bool) {
	if same && r.Version == b.rec.Version && r.RemoteVersion == b.rec.RemoteVersion && r.Duration == b.rec.Duration {
		return
	}
	if !same {
		b.fill(nil)
	}
	b.rec = r
	b.reload(r)
}

func (b *bookmarkList) clear() {
	b.rec = library.Recording{}
	b.fill(nil)
}

// reload reads r's bookmarks off the Fyne goroutine and shows them if r is
// still the one shown.
func (b *bookmarkList) reload(r library.Recording) {
	b.d.u.background(func(ctx context.Context) {
		marks, err := b.d.u.be.Library.Bookmarks(ctx, r.ID)
		if err != nil {
			b.d.u.fail(fmt.Errorf("could not read the bookmarks of %q: %w", r.Title, err))
			return
		}
		onMain(func() {
			if b.rec.ID == r.ID {
				b.fill(marks)
			}
		})
	})
}

// fill shows marks as rows and markers. When the same bookmarks come back
// (a rename here or from another device), the rows stay and only their
// names change, so a name being typed keeps its focus and its text.
func (b *bookmarkList) fill(marks []api.Bookmark) {
	sameRows := len(marks) == len(b.marks) && len(marks) > 0
	for i := range marks {
		sameRows = sameRows && marks[i].ID == b.marks[i].ID && marks[i].AtMS == b.marks[i].AtMS
	}
	b.marks = marks
	b.showMarkers()
	if sameRows {
		for i, m := range marks {
			b.names[i].showName(m)
		}
		return
	}
	b.rows.RemoveAll()
	b.names = nil
	if len(marks) == 0 {
		none := widget.NewLabel("No bookmarks yet. Ctrl+B marks the moment playing or recording.")
		none.Importance = widget.LowImportance
		none.Wrapping = fyne.TextWrapWord
		b.rows.Add(none)
	}
	for _, m := range marks {
		b.rows.Add(b.row(m))
	}
	b.rows.Refresh()
}

// row is one bookmark: its moment, its name, remove.
func (b *bookmarkList) row(m api.Bookmark) fyne.CanvasObject {
	at := markTime(m)
	jump := widget.NewButtonWithIcon(human.Moment(at), theme.MediaPlayIcon(), func() { b.d.player.playFrom(at) })
	jump.Alignment = widget.ButtonAlignLeading
	name := newMarkEntry(b.d.u, b.rename)
	name.SetPlaceHolder("Unnamed — type a name")
	name.showName(m)
	b.names = append(b.names, name)
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { b.remove(m) })
	remove.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, container.New(&minScale{w: 6, h: 1}, jump), remove, name)
}

// showMarkers puts the bookmarks on the seek bar.
func (b *bookmarkList) showMarkers() {
	var at []float64
	if dur := b.rec.Duration; dur > 0 {
		for _, m := range b.marks {
			at = append(at, float64(markTime(m))/float64(dur))
		}
	}
	b.d.player.seek.SetMarks(at)
}

// jumpToMark moves the playhead to the i-th bookmark (a click on its
// marker), to its exact moment rather than where the click landed.
func (b *bookmarkList) jumpToMark(i int) {
	if i >= 0 && i < len(b.marks) {
		b.d.player.seekTo(markTime(b.marks[i]))
	}
}

// stepBack is how far past a bookmark the playhead may be for PgUp to go
// to the one before it rather than back to it.
const stepBack = 500 * time.Millisecond

// step moves the playhead to the next bookmark (dir 1) or back (dir -1),
// as a media player's chapter keys do: back goes to the bookmark just
// passed, or to the one before it when the playhead is barely past it.
// With none that way it stays.
func (b *bookmarkList) step(dir int) {
	pos := b.d.player.now()
	if dir > 0 {
		for _, m := range b.marks {
			if markTime(m) > pos {
				b.d.player.seekTo(markTime(m))
				return
			}
		}
		return
	}
	k := -1 // the last bookmark at or before the playhead
	for i, m := range b.marks {
		if markTime(m) <= pos {
			k = i
		}
	}
	if k >= 0 && pos-markTime(b.marks[k]) < stepBack {
		k--
	}
	if k >= 0 {
		b.d.player.seekTo(markTime(b.marks[k]))
	}
}

// rename names (or unnames) the bookmark id.
func (b *bookmarkList) rename(id, name string) {
	u := b.d.u
	u.background(func(ctx context.Context) {
		if err := u.be.Library.RenameBookmark(ctx, id, name); err != nil {
			u.fail(fmt.Errorf("could not rename the bookmark: %w", metaReason(err)))
			onMain(func() { b.reload(b.rec) }) // show the name it kept
			return
		}
		u.list.loadNow(ctx, "")
	})
}

// remove deletes a bookmark, offering Undo (which marks the same moment
// again, with the same name).
func (b *bookmarkList) remove(m api.Bookmark) {
	u, r := b.d.u, b.rec
	u.background(func(ctx context.Context) {
		if err := u.be.Library.RemoveBookmark(ctx, m.ID); err != nil {
			u.fail(fmt.Errorf("could not remove the bookmark at %s: %w", human.Moment(markTime(m)), err))
			return
		}
		u.list.loadNow(ctx, "")
		onMain(func() {
			u.notices.undo(fmt.Sprintf("Removed the bookmark at %s.", human.Moment(markTime(m))), func() {
				u.markAt(r.ID, r.Title, markTime(m), m.Name, false)
			})
		})
	})
}

// addBookmark marks the moment now: of the recording in progress while
// recording (paused included), else of the selected recording at its
// playhead (playing or not). Ctrl+B, the tray and the section's button
// call it; it waits while a dialog is open, and while a recording starts
// or stops (else it would mark the selected recording instead).
func (u *UI) addBookmark() {
	if u.modalOpen() || u.rec.state == recBusy {
		return // a recording starting or stopping has no moment to mark yet
	}
	if s := u.rec.session; s != nil && (u.rec.state == recRunning || u.rec.state == recPaused) {
		u.markAt(s.p.ID, s.p.Title, s.rec.Stats().Elapsed, "", true)
		return
	}
	r := u.details.rec
	if r.ID == "" {
		u.notices.flash("Select a recording or start recording to add a bookmark.")
		return
	}
	u.markAt(r.ID, r.Title, u.details.player.now(), "", true)
}

// markAt adds a bookmark to recording id at at; offer says whether the
// notice offers to name it.
func (u *UI) markAt(id, title string, at time.Duration, name string, offer bool) {
	u.background(func(ctx context.Context) {
		b, err := u.be.Library.AddBookmark(ctx, id, at, name)
		if err != nil {
			u.fail(fmt.Errorf("could not add a bookmark to %q at %s: %w", title, human.Moment(at), metaReason(err)))
			return
		}
		u.list.loadNow(ctx, "")
		if !offer {
			return
		}
		onMain(func() {
			if s := u.rec.session; s != nil && s.p.ID == id {
				u.rec.wave.MarkNow() // on the live waveform, where the audio is
			}
			u.notices.offer(fmt.Sprintf("Bookmark at %s.", human.Moment(at)), "Rename", func() { u.askBookmarkName(b) })
		})
	})
}

// askBookmarkName asks for a bookmark's name in a small dialog (the
// bookmark may belong to a recording still recording, which has no
// details to rename it in). Enter saves, Escape cancels.
func (u *UI) askBookmarkName(b api.Bookmark) {
	if u.modalOpen() {
		return
	}
	entry := newMarkEntry(u, nil)
	entry.SetPlaceHolder("A name, e.g. Question from the audience")
	entry.SetText(b.Name)
	save := func() {
		u.closeModal()
		u.details.bookmarks.rename(b.ID, entry.Text)
	}
	entry.OnSubmitted = func(string) { save() }
	entry.onEscape = u.closeModal
	label := widget.NewLabel(fmt.Sprintf("Name the bookmark at %s:", human.Moment(markTime(b))))
	dlg := dialog.NewCustomConfirm("Rename bookmark", "Save", "Cancel", container.NewVBox(label, entry), func(ok bool) {
		if ok {
			save()
		}
	}, u.win)
	dlg.Resize(fyne.NewSize(420, dlg.MinSize().Height))
	u.showModal(dlg, save)
	u.win.Canvas().Focus(entry)
}

// markEntry is a bookmark's name field: like the title, a rename is
// committed by Enter or by leaving the field, and Escape puts the name
// back (or, in the rename dialog, closes it).
type markEntry struct {
	shortcutEntry
	id, saved string
	onRename  func(id, name string)
	onEscape  func() // nil: revert
}

func newMarkEntry(u *UI, onRename func(id, name string)) *markEntry {
	e := &markEntry{onRename: onRename}
	e.u = u
	e.ExtendBaseWidget(e)
	e.OnSubmitted = func(string) { e.commit() }
	return e
}

// showName shows m's name, unless the user is typing a new one for it.
func (e *markEntry) showName(m api.Bookmark) {
	if e.id == m.ID && e.Text != e.saved {
		e.saved = m.Name
		return
	}
	e.id, e.saved = m.ID, m.Name
	e.SetText(m.Name)
}

func (e *markEntry) commit() {
	if e.onRename == nil || e.id == "" || e.Text == e.saved {
		return
	}
	if _, err := api.NormalizeBookmarkName(e.Text); err != nil {
		e.u.notices.show(sentence(err.Error())+" The name is unchanged.", true)
		e.SetText(e.saved)
		return
	}
	e.saved = e.Text
	e.onRename(e.id, e.Text)
}

// FocusLost commits the rename: leaving the field is as good as Enter.
func (e *markEntry) FocusLost() {
	e.commit()
	e.shortcutEntry.FocusLost()
}

// TypedKey reverts (or cancels) on Escape.
func (e *markEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name != fyne.KeyEscape {
		e.shortcutEntry.TypedKey(ev)
		return
	}
	if e.onEscape != nil {
		e.onEscape()
		return
	}
	e.SetText(e.saved)
}

// marksIn returns the bookmarks of marks inside [from, to].
func marksIn(marks []api.Bookmark, from, to time.Duration) []api.Bookmark {
	return slices.DeleteFunc(slices.Clone(marks), func(m api.Bookmark) bool { return markTime(m) < from || markTime(m) > to })
}

// markTime is a bookmark's moment.
func markTime(m api.Bookmark) time.Duration { return time.Duration(m.AtMS) * time.Millisecond }
