package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// trashPanel lists deleted recordings, each with a Restore button.
type trashPanel struct {
	u       *UI
	content fyne.CanvasObject
	list    *widget.List
	items   []library.Recording
}

func newTrashPanel(u *UI) *trashPanel {
	t := &trashPanel{u: u}
	t.list = widget.NewList(func() int { return len(t.items) }, t.newRow, t.updateRow)
	hint := widget.NewLabel("Deleted recordings stay here until you restore them.")
	hint.Importance = widget.LowImportance
	t.content = container.NewBorder(hint, nil, nil, nil, t.list)
	return t
}

func (t *trashPanel) newRow() fyne.CanvasObject {
	restore := widget.NewButtonWithIcon("Restore", theme.ContentUndoIcon(), nil)
	return container.NewBorder(nil, nil, nil, restore, labelOf(""))
}

func (t *trashPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(t.items) {
		return
	}
	r := t.items[i]
	c := o.(*fyne.Container)
	c.Objects[0].(*widget.Label).SetText(r.Title + " — " + subtitle(r, time.Now()))
	c.Objects[1].(*widget.Button).OnTapped = func() { t.restore(r) }
}

// reload lists the trash in the background.
func (t *trashPanel) reload() {
	t.u.background(t.load)
}

func (t *trashPanel) load(ctx context.Context) {
	rs, err := t.u.be.Library.List(ctx, library.ListOptions{Trash: library.OnlyTrashed})
	if err != nil {
		t.u.fail(fmt.Errorf("could not read the trash: %w", err))
		return
	}
	onMain(func() {
		t.items = rs
		t.list.Refresh()
	})
}

func (t *trashPanel) restore(r library.Recording) {
	t.u.background(func(ctx context.Context) {
		if err := t.u.be.Library.Restore(ctx, r.ID); err != nil {
			t.u.fail(fmt.Errorf("could not restore %q: %w", r.Title, err))
		}
		t.load(ctx)
		t.u.list.loadNow(ctx, r.ID)
	})
}
