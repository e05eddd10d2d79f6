package ui

import (
	"context"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// overviewBars is how many amplitudes the seek bar's overview holds.
const overviewBars = 400

// detailsPanel shows the selected recording, top to bottom: the title
// (renamed in place), one line of facts, the sync problem if any, the
// player (playback.go), the transfer bar, the actions, then the sections
// other features add (see newDetailSections).
type detailsPanel struct {
	u       *UI
	content fyne.CanvasObject
	body    *fyne.Container
	empty   *widget.Label

	title    *titleEntry
	info     *widget.Label
	problem  *widget.Label
	player   *playback
	transfer *widget.ProgressBar
	export   *widget.Button
	beside   *besideChoice // a transcript beside the audio (exportbeside.go)
	download *widget.Button
	del      *widget.Button
	actions  *fyne.Container
	sections []detailSection
	tags     *tagEditor // tags.go
	many     *manyPane  // several recordings picked (multidetails.go)
	// bookmarks is the bookmarks section (bookmarks.go).
	bookmarks *bookmarkList
	// transcriptView is the transcript section (set by newTranscriptSection).
	transcriptView *transcriptView
	scroll         *container.Scroll // around body; the transcript keeps the segment said in view

	rec library.Recording
	// toName is the take just saved whose title is to get the focus,
	// selected, once the pane shows it (readyToName).
	toName struct{ id, typing string }
}

// detailSection is one block of the details pane below the actions: a
// transcript, tags, bookmarks. A feature adds its own in its own file and
// one line in newDetailSections.
type detailSection struct {
	content fyne.CanvasObject
	// show is called on the Fyne goroutine each time the pane shows r:
	// another recording (same false) or a new state of the same one (same
	// true, e.g. after a rename or a finished download). r.ID is never "".
	show func(r library.Recording, same bool)
	// clear is called when nothing is selected; it may be nil.
	clear func()
}

// newDetailSections lists the sections of the details pane in order.
func newDetailSections(d *detailsPanel) []detailSection {
	return []detailSection{
		newBookmarkSection(d),
		newTagSection(d),
		newTranscriptSection(d),
		newTitleHistorySection(d),
		newUploadAgainSection(d),
	}
}

func newDetailsPanel(u *UI) *detailsPanel {
	d := &detailsPanel{u: u}
	d.title = newTitleEntry(u, d.rename)
	d.info = widget.NewLabel("")
	d.info.Wrapping = fyne.TextWrapWord
	d.problem = widget.NewLabel("")
	d.problem.Importance = widget.DangerImportance
	d.problem.Wrapping = fyne.TextWrapWord
	d.player = newPlayback(d)
	d.transfer = newProgressBar()
	d.export = widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), d.askExport)
	d.download = widget.NewButtonWithIcon("Download", theme.DownloadIcon(), d.startDownload)
	d.del = widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), d.askDelete)
	d.sections = newDetailSections(d)

	d.beside = newBesideChoice(u)
	d.actions = container.NewHBox(d.export, d.beside.sel, d.download, d.del)
	parts := []fyne.CanvasObject{d.title, d.info, d.problem, d.player.content, reserve(d.transfer), d.actions}
	for _, s := range d.sections {
		parts = append(parts, s.content)
	}
	d.body = container.NewVBox(parts...)
	d.empty = widget.NewLabel("Select a recording to play, rename, export or delete it. Drop audio files here to import them.")
	d.empty.Wrapping = fyne.TextWrapWord
	// A scroller in both directions: what the pane holds never widens it,
	// so the split divider stays where it is as the selection changes.
	d.scroll = container.NewScroll(d.body)
	d.scroll.OnScrolled = func(fyne.Position) {
		if d.transcriptView != nil {
			d.transcriptView.scrolled()
		}
	}
	d.many = newManyPane(u)
	d.content = container.NewPadded(container.NewStack(d.empty, d.scroll, d.many.content))
	d.show(library.Recording{})
	return d
}

// reserve keeps o's space in the layout while o is hidden, so a progress
// bar appearing does not push what is below it down.
func reserve(o fyne.CanvasObject) fyne.CanvasObject {
	space := canvas.NewRectangle(color.Transparent) // nil crashes the software painter (tests, screenshots)
	space.SetMinSize(o.MinSize())
	return container.NewStack(space, o)
}

// show displays r; a zero Recording clears the pane.
func (d *detailsPanel) show(r library.Recording) {
	same := r.ID != "" && r.ID == d.rec.ID
	if !same {
		d.title.commit() // a rename typed for the previous selection
	}
	d.rec = r
	d.many.content.Hide()
	if r.ID == "" {
		d.player.close()
		d.body.Hide()
		d.scroll.Hide() // its scroll bars would still follow the hidden body's size
		d.empty.Show()
		for _, s := range d.sections {
			if s.clear != nil {
				s.clear()
			}
		}
		return
	}
	d.empty.Hide()
	d.body.Show()
	d.scroll.Show()
	if !same {
		// Another recording starts at its title: the pane kept the previous
		// one's scroll (a long transcript followed), hiding the title that
		// has the focus after Stop.
		d.scroll.ScrollToTop()
	}
	d.title.showTitle(r, same)
	if !same {
		d.nameIfDue(r.ID)
	}
	d.showState()
	d.player.show(r, same)
	for _, s := range d.sections {
		s.show(r, same)
	}
}

// readyToName gives the title of id, the take just saved, the focus with
// its text selected, ready to type a name, unless the focus has moved since
// typing was read (the user went on to something else). If the pane does
// not show id yet it does so when it shows it next: a library change notice
// can start a reload between the one Stop asked for and its answer, and
// only the newer answer is shown, a moment after Stop's own callback ran.
func (d *detailsPanel) readyToName(id, typing string) {
	d.toName.id, d.toName.typing = id, typing
	if d.rec.ID == id {
		d.nameIfDue(id)
	}
}

// nameIfDue does what readyToName asked when the pane shows id; another
// recording shown first cancels it.
func (d *detailsPanel) nameIfDue(id string) {
	want := d.toName
	d.toName.id = ""
	if want.id != "" && want.id == id && !d.u.modalOpen() && d.u.typingState() == want.typing {
		d.title.selectAll()
	}
}

// showState shows everything that follows the recording's sync state:
// facts, problem, transfer bar and which actions apply. The row uses the
// same transferOf, so the two never disagree.
func (d *detailsPanel) showState() {
	r := d.rec
	t := transferOf(r, d.u.list.progress[r.ID], d.u.list.signedIn())
	info := fmt.Sprintf("%s · %s · %s · %s %d Hz · %s",
		r.CreatedAt.Local().Format("Mon 2 Jan 2006 15:04"), clock(r.Duration), size(r.Size),
		r.Format, r.SampleRate, t.label)
	if r.Recovered {
		info += "\nRecovered after a crash: the end may be cut short."
	}
	d.info.SetText(info)
	d.problem.SetText(r.SyncError)
	d.problem.Hidden = r.SyncState != library.Failed || r.SyncError == ""
	d.problem.Refresh()
	d.transfer.Hidden = !t.running
	if t.running {
		d.transfer.SetValue(t.fraction)
	}
	d.transfer.Refresh()
	d.download.Hidden = r.HasAudio || d.u.be.Cloud == nil
	if r.SyncState == library.Downloading {
		d.download.Disable()
	} else {
		d.download.Enable()
	}
	d.actions.Refresh()
	if r.HasAudio {
		d.export.Enable()
	} else {
		d.export.Disable()
	}
}

// showProgress repaints the selected recording's transfer.
func (d *detailsPanel) showProgress() {
	if d.rec.ID != "" {
		d.showState()
	}
}

// loadOverview reads the waveform overview off the Fyne goroutine.
func (d *detailsPanel) loadOverview(r library.Recording) {
	path := d.u.be.Library.AudioPath(r)
	if path == "" {
		return
	}
	d.u.background(func(ctx context.Context) {
		v, err := overview(ctx, d.u.be.Library, r, overviewBars)
		onMain(func() {
			if d.rec.ID != r.ID {
				return
			}
			if err != nil {
				d.u.notices.show(fmt.Sprintf("Could not read the audio of %q: %s. Try Save as… to check the file, or import it again.", r.Title, plain(err)), true)
				return
			}
			d.player.seek.SetValues(v)
		})
	})
}

// rename commits a new title for the recording id.
func (d *detailsPanel) rename(id, old, title string) {
	d.u.list.rename(id, title, func(err error) {
		d.u.fail(fmt.Errorf("could not rename %q: %w", old, err))
	})
}

// startDownload fetches a cloud-only recording; progress arrives through
// the sync engine's events. then, if not nil, runs on the Fyne goroutine
// once the audio is here.
func (d *detailsPanel) startDownload() { d.downloadThen(d.rec, nil) }

func (d *detailsPanel) downloadThen(r library.Recording, then func()) {
	cl := d.u.be.Cloud
	if cl == nil {
		return
	}
	d.download.Disable()
	d.u.background(func(ctx context.Context) {
		err := cl.Download(ctx, r.ID)
		if err != nil {
			d.u.fail(fmt.Errorf("could not download %q: %w", r.Title, err))
		}
		d.u.list.loadNow(ctx, "")
		if err == nil && then != nil {
			onMain(then)
		}
	})
}
