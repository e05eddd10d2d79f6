package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// modal is the window's one dialog: a second request while it shows is
// ignored, Escape cancels it and Enter takes its safe default.
type modal struct {
	dlg     dialog.Dialog
	onEnter func() // the default (safest) choice; nil: Enter cancels
}

// showModal shows d unless a dialog is already open. enter is the default
// choice for the Enter key (nil: Enter cancels); d's own buttons must call
// u.closeModal before acting.
func (u *UI) showModal(d dialog.Dialog, enter func()) {
	if u.modalOpen() {
		return
	}
	m := &modal{dlg: d, onEnter: enter}
	u.modal = m
	d.SetOnClosed(func() {
		if u.modal == m {
			u.modal = nil
		}
	})
	u.win.Canvas().Unfocus() // keys go to the window, which routes them here
	d.Show()
}

// closeModal hides the window's dialog, if any.
func (u *UI) closeModal() {
	if m := u.modal; m != nil {
		u.modal = nil
		m.dlg.Hide()
	}
}

// modalOpen reports whether a dialog covers the window: ours, or one Fyne
// shows (a file chooser). Shortcuts wait while one does.
func (u *UI) modalOpen() bool {
	return u.modal != nil || u.win.Canvas().Overlays().Top() != nil
}

// modalKey handles Escape and Enter for the window's dialog.
func (u *UI) modalKey(ev *fyne.KeyEvent) bool {
	m := u.modal
	if m == nil {
		return false
	}
	switch ev.Name {
	case fyne.KeyEscape:
		u.closeModal()
	case fyne.KeyReturn, fyne.KeyEnter:
		u.closeModal()
		if m.onEnter != nil {
			m.onEnter()
		}
	default:
		return false
	}
	return true
}
