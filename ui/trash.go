package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// trashDays is how long the trash keeps a recording before purging it.
var trashDays = int(library.TrashRetention / (24 * time.Hour))

// trashPanel lists deleted recordings with the date each was deleted and
// the days it has left, Restore and Delete forever on each, and Empty trash.
type trashPanel struct {
	u       *UI
	content fyne.CanvasObject
	list    *widget.List
	empty   *widget.Button
	none    *widget.Label
	items   []library.Recording
}

func newTrashPanel(u *UI) *trashPanel {
	t := &trashPanel{u: u}
	t.list = widget.NewList(func() int { return len(t.items) }, t.newRow, t.updateRow)
	hint := widget.NewLabel(fmt.Sprintf("Deleted recordings stay here for %d days, then they are deleted for good.", trashDays))
	hint.Wrapping = fyne.TextWrapWord
	t.empty = widget.NewButtonWithIcon("Empty trash…", theme.DeleteIcon(), t.askEmpty)
	t.none = widget.NewLabel("The trash is empty.")
	t.none.Alignment = fyne.TextAlignCenter
	top := container.NewBorder(nil, nil, nil, t.empty, hint)
	t.content = container.NewBorder(top, nil, nil, nil, container.NewStack(t.list, container.NewVBox(layout.NewSpacer(), t.none, layout.NewSpacer())))
	return t
}

func (t *trashPanel) newRow() fyne.CanvasObject {
	restore := widget.NewButtonWithIcon("Restore", theme.ContentUndoIcon(), nil)
	forever := widget.NewButtonWithIcon("Delete forever…", theme.DeleteIcon(), nil)
	text := container.New(&tightVBox{}, labelOf(""), labelOf(""))
	return container.NewBorder(nil, nil, nil, container.NewHBox(restore, forever), text)
}

func (t *trashPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(t.items) {
		return
	}
	r := t.items[i]
	c := o.(*fyne.Container)
	text := c.Objects[0].(*fyne.Container)
	title := text.Objects[0].(*widget.Label)
	title.SetText(r.Title)
	title.TextStyle.Bold = true
	text.Objects[1].(*widget.Label).SetText(trashLine(r, time.Now()))
	buttons := c.Objects[1].(*fyne.Container)
	buttons.Objects[0].(*widget.Button).OnTapped = func() { t.restore(r) }
	buttons.Objects[1].(*widget.Button).OnTapped = func() { t.askPurge([]library.Recording{r}) }
}

// trashLine is a trash row's second line: "Deleted 3 Dec 10:12 · 28 days left · 0:42".
func trashLine(r library.Recording, now time.Time) string {
	if r.TrashedAt == nil {
		return clock(r.Duration)
	}
	left := r.TrashedAt.Add(library.TrashRetention).Sub(now)
	days := int((left + 24*time.Hour - 1) / (24 * time.Hour))
	leftText := fmt.Sprintf("%d days left", max(days, 0))
	switch {
	case days == 1:
		leftText = "1 day left"
	case days <= 0:
		leftText = "deleted for good at the next start"
	}
	return "Deleted " + when(*r.TrashedAt, now) + " · " + leftText + " · " + clock(r.Duration)
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
		t.none.Hidden = len(rs) > 0
		if len(rs) == 0 {
			t.empty.Disable()
		} else {
			t.empty.Enable()
		}
		t.none.Refresh()
		t.list.Refresh()
	})
}

// restore takes r back out of the trash, says so (the row just leaves the
// trash) and offers to show it among the recordings, where it is selected.
func (t *trashPanel) restore(r library.Recording) {
	t.u.background(func(ctx context.Context) {
		err := t.u.be.Library.Restore(ctx, r.ID)
		if err != nil {
			t.u.fail(fmt.Errorf("could not restore %q: %w", r.Title, err))
		}
		t.load(ctx)
		t.u.list.loadNow(ctx, r.ID)
		if err == nil {
			onMain(func() {
				t.u.notices.offer(fmt.Sprintf("Restored %q to your recordings.", r.Title), "Show", func() { t.u.tabs.SelectIndex(0) })
			})
		}
	})
}

// askEmpty asks before deleting everything in the trash for good.
func (t *trashPanel) askEmpty() { t.askPurge(t.items) }

// askPurge asks before deleting rs for good; Enter cancels.
func (t *trashPanel) askPurge(rs []library.Recording) {
	if len(rs) == 0 || t.u.modalOpen() {
		return
	}
	what := fmt.Sprintf("%q", rs[0].Title)
	if len(rs) > 1 {
		what = fmt.Sprintf("the %d recordings in the trash", len(rs))
	}
	msg := widget.NewLabel(fmt.Sprintf("Delete %s for good? This cannot be undone.", what))
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm("Delete forever", "Delete forever", "Cancel", msg, func(ok bool) {
		if ok {
			t.purge(rs)
		}
	}, t.u.win)
	t.u.showModal(dlg, nil)
}

func (t *trashPanel) purge(rs []library.Recording) {
	t.u.background(func(ctx context.Context) {
		for _, r := range rs {
			if err := t.u.be.Library.Purge(ctx, r.ID); err != nil {
				t.u.fail(fmt.Errorf("could not delete %q for good: %w", r.Title, err))
				break
			}
		}
		t.load(ctx)
	})
}
