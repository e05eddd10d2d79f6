package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// At the first window's size, everything in the details pane fits its
// width: no part of it (the player's rows, the trim row, the sections'
// headers) hides behind a horizontal scroll bar.
func TestDetailsFitTheirPaneAtTheDefaultSize(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTone(t, "Memo")
	u.selectTitle(t, "Memo")
	u.do(func() { u.win.Resize(defaultSize()) })
	onMainWait(func() {
		d := u.details
		if need, have := d.body.MinSize().Width, d.scroll.Size().Width; need > have {
			for i, o := range d.body.Objects {
				t.Logf("part %d needs %.0f", i, o.MinSize().Width)
			}
			for i, o := range d.player.content.(*fyne.Container).Objects {
				t.Logf("player row %d needs %.0f", i, o.MinSize().Width)
			}
			t.Errorf("the details need %.0f px, their pane is %.0f px wide", need, have)
		}
	})
}
