package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// uploadAgain is the details section for a recording removed from the
// cloud and kept on this device only: it says so and offers to upload it
// again on purpose (sync.UploadAgain); nothing uploads it by itself.
type uploadAgain struct {
	d   *detailsPanel
	box *fyne.Container
	id  string
}

func newUploadAgainSection(d *detailsPanel) detailSection {
	s := &uploadAgain{d: d}
	note := widget.NewLabel("Removed from the cloud: kept on this device only, and not uploaded again by itself.")
	note.Wrapping = fyne.TextWrapWord
	button := widget.NewButtonWithIcon("Upload again", theme.UploadIcon(), s.upload)
	s.box = container.NewVBox(widget.NewSeparator(), note, container.NewHBox(button))
	s.box.Hide()
	return detailSection{content: s.box, show: s.show, clear: s.box.Hide}
}

// show asks the sync index (in the background) whether r is kept here only.
func (s *uploadAgain) show(r library.Recording, _ bool) {
	s.id = r.ID
	cl := s.d.u.be.Cloud
	if cl == nil || !r.HasAudio || r.SyncState != library.LocalOnly {
		s.box.Hide()
		return
	}
	s.d.u.background(func(ctx context.Context) {
		it, err := cl.x.Item(ctx, r.ID)
		onMain(func() {
			if s.id == r.ID {
				s.box.Hidden = err != nil || !it.KeepLocal
				s.box.Refresh()
			}
		})
	})
}

func (s *uploadAgain) upload() {
	r := s.d.rec
	cl := s.d.u.be.Cloud
	s.box.Hide()
	s.d.u.background(func(ctx context.Context) {
		if err := cl.UploadAgain(ctx, r.ID); err != nil {
			s.d.u.fail(fmt.Errorf("could not upload %q again: %w", r.Title, err))
		}
		s.d.u.list.loadNow(ctx, "")
	})
}
