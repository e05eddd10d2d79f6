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

// titleHistory is the details section listing the titles a recording had
// before a rename from another device won, each one click away.
type titleHistory struct {
	d    *detailsPanel
	box  *fyne.Container
	rows *fyne.Container
	id   string
}

func newTitleHistorySection(d *detailsPanel) detailSection {
	h := &titleHistory{d: d, rows: container.NewVBox()}
	head := widget.NewLabel("Earlier titles")
	head.TextStyle.Bold = true
	h.box = container.NewVBox(widget.NewSeparator(), head, h.rows)
	h.box.Hide()
	return detailSection{content: h.box, show: h.show, clear: h.box.Hide}
}

// show lists r's earlier titles (read in the background); none hides the
// section.
func (h *titleHistory) show(r library.Recording, _ bool) {
	h.id = r.ID
	cl := h.d.u.be.Cloud
	if cl == nil {
		return
	}
	h.d.u.background(func(ctx context.Context) {
		hist, err := cl.x.TitleHistory(ctx, r.ID)
		onMain(func() {
			if h.id != r.ID {
				return
			}
			if err != nil {
				h.d.u.fail(fmt.Errorf("could not read the earlier titles of %q: %w", r.Title, err))
			}
			h.fill(r, hist)
		})
	})
}

func (h *titleHistory) fill(r library.Recording, hist []library.TitleChange) {
	h.rows.RemoveAll()
	for i := len(hist) - 1; i >= 0; i-- { // newest first
		c := hist[i]
		if c.Title == r.Title {
			continue
		}
		back := widget.NewButtonWithIcon("Use", theme.ContentUndoIcon(), func() {
			h.d.rename(r.ID, r.Title, c.Title)
		})
		label := labelOf(fmt.Sprintf("%s — until %s", c.Title, when(c.At, time.Now())))
		h.rows.Add(container.NewBorder(nil, nil, nil, back, label))
	}
	h.box.Hidden = len(h.rows.Objects) == 0
	h.box.Refresh()
}
