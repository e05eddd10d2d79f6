package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
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

// deleteChoices lists the answers that make sense for r, the safest first
// (Enter takes it): "this device" only when a verified copy is in the
// cloud (else the audio would be lost), "the cloud" only when the cloud has
// or may have a copy, and the trash always. A recording only on this device
// has the one choice.
func (d *detailsPanel) deleteChoices(r library.Recording) []deleteChoice {
	if d.u.be.Cloud == nil || (r.RemoteVersion == 0 && r.HasAudio) {
		return []deleteChoice{{label: "Move to the trash", scope: trashScope(d.u)}}
	}
	var cs []deleteChoice
	if r.HasAudio && r.SyncState == library.Synced {
		cs = append(cs, deleteChoice{"This device (keep the cloud copy)", sync.FromDevice})
	}
	if r.HasAudio {
		cs = append(cs, deleteChoice{"The cloud (keep it on this device)", sync.FromCloud})
	}
	return append(cs, deleteChoice{"Everywhere (move to the trash)", sync.Everywhere})
}

// trashScope is how a plain move to the trash is asked: through the sync
// engine when there is one (it must know), else the library alone.
func trashScope(u *UI) sync.Scope {
	if u.be.Cloud == nil {
		return 0
	}
	return sync.Everywhere
}

// askDelete asks where to delete the selected recording: one dialog at a
// time, Escape cancels, Enter takes the first (safest) answer.
func (d *detailsPanel) askDelete() {
	r := d.rec
	if r.ID == "" || d.u.modalOpen() {
		return
	}
	choices := d.deleteChoices(r)
	var buttons []fyne.CanvasObject
	for i, c := range choices {
		b := widget.NewButton(c.label, func() { d.u.closeModal(); d.delete(r, c.scope) })
		if i == 0 {
			b.Importance = widget.HighImportance
		}
		buttons = append(buttons, b)
	}
	question := fmt.Sprintf("Delete %q from…", r.Title)
	if len(choices) == 1 {
		question = fmt.Sprintf("Move %q to the trash? It stays there for %d days.", r.Title, trashDays)
	}
	msg := widget.NewLabel(question)
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustom("Delete recording", "Cancel", container.NewVBox(msg, container.NewVBox(buttons...)), d.u.win)
	first := choices[0]
	d.u.showModal(dlg, func() { d.delete(r, first.scope) })
}

// delete applies one answer. The decision is kept in the library at once;
// the sync engine carries out its cloud part (signed out or offline, it
// waits there). A move to the trash of a recording the cloud never had
// offers Undo.
func (d *detailsPanel) delete(r library.Recording, scope sync.Scope) {
	cl := d.u.be.Cloud
	d.u.background(func(ctx context.Context) {
		var err error
		if scope == 0 || cl == nil {
			err = d.u.be.Library.Trash(ctx, r.ID)
		} else {
			err = cl.Delete(ctx, r.ID, scope)
		}
		if err != nil {
			d.u.fail(fmt.Errorf("could not delete %q: %w", r.Title, err))
		}
		d.u.list.loadNow(ctx, "")
		if err == nil {
			onMain(func() { d.u.deleted(r, scope) })
		}
	})
}

// deleted says what a delete did, with Undo where a restore brings the
// recording back as it was.
func (u *UI) deleted(r library.Recording, scope sync.Scope) {
	switch {
	case scope == sync.FromDevice:
		u.notices.flash(fmt.Sprintf("Removed %q from this device; the cloud keeps it.", r.Title))
	case scope == sync.FromCloud:
		u.notices.flash(fmt.Sprintf("Removed %q from the cloud; this device keeps it.", r.Title))
	case r.RemoteVersion == 0 || u.be.Cloud == nil:
		u.notices.undo(fmt.Sprintf("Moved %q to the trash.", r.Title), func() { u.trash.restore(r) })
	default:
		u.notices.flash(fmt.Sprintf("Moved %q to the trash here and deleted it from the cloud.", r.Title))
	}
}
