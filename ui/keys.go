package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Keyboard shortcuts (Ctrl on Linux and Windows, Cmd on macOS). They work
// whatever has focus, the text fields included, and wait while a dialog is
// open:
//
//	Ctrl+R  start recording, or stop and save the recording in progress
//	Ctrl+P  pause or resume the recording in progress
//	Ctrl+F  search the library
//	Ctrl+B  bookmark the moment: of the recording in progress, else of
//	        the selected recording at its playhead (bookmarks.go)
//
// Keys, when no text field has focus:
//
//	Delete      delete the selection (asks where)
//	Ctrl+A      pick every recording shown; Ctrl-click toggles one,
//	            Shift-click picks a range (selection.go)
//	Escape      clear the part chosen for trimming, else the selection
//	Space       play or pause the selected recording
//	← / →       skip back / forward 10 seconds
//	Home / End  go to the start / the end
//	PgUp / PgDn go to the previous / next bookmark (bookmarks.go)
//	Escape      (in a dialog) cancel it; Enter takes its safe default
var (
	shortcutRecord   = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutPause    = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSearch   = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutBookmark = &desktop.CustomShortcut{KeyName: fyne.KeyB, Modifier: fyne.KeyModifierShortcutDefault}
)

// addShortcuts routes the canvas's shortcuts and keys (nothing focused)
// to the window's handlers; focused widgets route theirs through
// shortcutEntry and recordList.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	for _, s := range []fyne.Shortcut{shortcutRecord, shortcutPause, shortcutSearch, shortcutBookmark} {
		c.AddShortcut(s, func(s fyne.Shortcut) { u.shortcut(s) })
	}
	// Not in shortcut: in a text field Ctrl+A selects its text.
	c.AddShortcut(&fyne.ShortcutSelectAll{}, func(fyne.Shortcut) { u.selectAll() })
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { u.typedKey(ev) })
}

// shortcut runs the window's shortcut s and reports whether s is one.
func (u *UI) shortcut(s fyne.Shortcut) bool {
	var run func()
	switch s.ShortcutName() {
	case shortcutRecord.ShortcutName():
		run = u.rec.toggle
	case shortcutPause.ShortcutName():
		run = u.rec.togglePause
	case shortcutBookmark.ShortcutName():
		run = u.addBookmark
	case shortcutSearch.ShortcutName():
		run = func() {
			u.tabs.SelectIndex(0)
			u.win.Canvas().Focus(u.list.search)
		}
	default:
		return false
	}
	if !u.modalOpen() {
		run()
	}
	return true
}

// typedKey handles a key that no text field took, and reports whether it
// was one of the window's.
func (u *UI) typedKey(ev *fyne.KeyEvent) bool {
	if u.modalOpen() {
		return u.modalKey(ev)
	}
	if u.tabs.SelectedIndex() != 0 {
		return false
	}
	pl := u.details.player
	switch ev.Name {
	case fyne.KeyDelete:
		u.details.askDelete()
	case fyne.KeyEscape:
		if pl.trim.chosen() { // the part chosen for trimming goes first
			pl.trim.reset()
			return true
		}
		return u.list.clearSelection()
	case fyne.KeySpace:
		pl.toggle()
	case fyne.KeyLeft:
		pl.skip(-skipStep)
	case fyne.KeyRight:
		pl.skip(skipStep)
	case fyne.KeyHome:
		pl.seekFraction(0)
	case fyne.KeyEnd:
		pl.seekFraction(1)
	case fyne.KeyPageUp:
		u.details.bookmarks.step(-1)
	case fyne.KeyPageDown:
		u.details.bookmarks.step(1)
	default:
		return false
	}
	return true
}

// recordList is the library's list with the window's keys: Delete, Space
// and the playback keys work on the selection while the list has focus
// (widget.List would swallow them), and Up/Down move the selection itself.
type recordList struct {
	widget.List
	u *UI
}

func newRecordList(u *UI, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *recordList {
	l := &recordList{u: u}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey implements fyne.Focusable.
func (l *recordList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyUp, fyne.KeyDown:
		if !l.u.modalOpen() {
			l.u.list.moveSelection(map[fyne.KeyName]int{fyne.KeyUp: -1, fyne.KeyDown: 1}[ev.Name])
		}
		return
	}
	if !l.u.typedKey(ev) {
		l.List.TypedKey(ev)
	}
}

// Tapped takes a click on the list's empty space: it releases the focus a
// text field held (committing a rename being typed), as a person expects.
func (l *recordList) Tapped(*fyne.PointEvent) { l.u.win.Canvas().Unfocus() }

// TypedShortcut implements fyne.Shortcutable: the window's shortcuts, and
// Ctrl+A picks every recording shown.
func (l *recordList) TypedShortcut(s fyne.Shortcut) {
	if _, ok := s.(*fyne.ShortcutSelectAll); ok {
		l.u.selectAll()
		return
	}
	l.u.shortcut(s)
}

// selectAll is Ctrl+A outside text fields: every recording shown picked.
func (u *UI) selectAll() {
	if !u.modalOpen() && u.tabs.SelectedIndex() == 0 {
		u.list.pickAll()
	}
}

// typingState is what has the focus and, for a text field, what it holds:
// if it changed between two moments, the user was busy in between.
func (u *UI) typingState() string {
	switch f := u.win.Canvas().Focused().(type) {
	case nil:
		return ""
	case *shortcutEntry:
		return fmt.Sprintf("%p %s", f, f.Text)
	case *titleEntry:
		return fmt.Sprintf("%p %s", f, f.Text)
	default:
		return fmt.Sprintf("%p", f)
	}
}
