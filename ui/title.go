package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// titleEntry is the details pane's title field. A rename is committed by
// Enter and also by leaving the field (a click elsewhere, Tab, another
// selection, closing the window); Escape puts the title back. It remembers
// which recording it edits, so a commit that arrives after the selection
// moved renames the right one.
type titleEntry struct {
	shortcutEntry
	id, saved string // the recording edited and its title as last shown
	onRename  func(id, old, title string)
}

func newTitleEntry(u *UI, onRename func(id, old, title string)) *titleEntry {
	e := &titleEntry{onRename: onRename}
	e.u = u
	e.ExtendBaseWidget(e)
	e.OnSubmitted = func(string) { e.commit() }
	return e
}

// showTitle shows r's title, unless the user is typing a new one for it.
func (e *titleEntry) showTitle(r library.Recording, same bool) {
	if same && e.editing() {
		e.saved = r.Title
		return
	}
	e.id, e.saved = r.ID, r.Title
	e.SetText(r.Title)
}

// editing reports whether the field holds unsaved typing.
func (e *titleEntry) editing() bool { return e.id != "" && e.Text != e.saved }

// commit renames the recording to what the field holds, if it changed.
func (e *titleEntry) commit() {
	title := strings.TrimSpace(e.Text)
	if e.id == "" || title == "" || title == e.saved {
		return
	}
	if err := api.CheckTitle(title); err != nil {
		e.u.notices.show(sentence(err.Error())+" The title is unchanged.", true)
		e.revert()
		return
	}
	old := e.saved
	e.saved = title
	e.onRename(e.id, old, title)
}

// revert puts the saved title back.
func (e *titleEntry) revert() { e.SetText(e.saved) }

// FocusLost commits the rename: leaving the field is as good as Enter.
func (e *titleEntry) FocusLost() {
	e.commit()
	e.shortcutEntry.FocusLost()
}

// TypedKey reverts on Escape.
func (e *titleEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		e.revert()
		return
	}
	e.shortcutEntry.TypedKey(ev)
}

// selectAll focuses the field with its whole text selected, ready to type
// a name over the default one.
func (e *titleEntry) selectAll() {
	e.u.win.Canvas().Focus(e)
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// shortcutEntry is an Entry that lets the window's shortcuts through: Fyne
// gives a focused Entry every shortcut, and Entry drops those it does not
// know, so without this Ctrl+R would do nothing while typing a title.
type shortcutEntry struct {
	widget.Entry
	u *UI
}

func newShortcutEntry(u *UI) *shortcutEntry {
	e := &shortcutEntry{u: u}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut runs the window's shortcut, or the Entry's own.
func (e *shortcutEntry) TypedShortcut(s fyne.Shortcut) {
	if e.u.shortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}
