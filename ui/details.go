package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// overviewBars is how many amplitudes the seek bar's overview holds.
const overviewBars = 400

// playInterval paces the playhead while playing (15 repaints a second).
const playInterval = 66 * time.Millisecond

// detailsPanel shows the selected recording: rename in place, playback over
// its waveform, export, delete and download.
type detailsPanel struct {
	u       *UI
	content fyne.CanvasObject
	body    *fyne.Container
	empty   *widget.Label

	title    *widget.Entry
	info     *widget.Label
	problem  *widget.Label
	seek     *Waveform
	play     *widget.Button
	position *widget.Label
	download *widget.Button
	progress *widget.ProgressBar
	export   *widget.Button
	del      *widget.Button

	rec      library.Recording
	player   *device.Player
	stopPlay context.CancelFunc
}

func newDetailsPanel(u *UI) *detailsPanel {
	d := &detailsPanel{u: u, seek: NewWaveformSeek()}
	d.title = widget.NewEntry()
	d.title.OnSubmitted = d.rename
	d.info = widget.NewLabel("")
	d.info.Wrapping = fyne.TextWrapWord
	d.problem = widget.NewLabel("")
	d.problem.Importance = widget.DangerImportance
	d.problem.Wrapping = fyne.TextWrapWord
	d.seek.OnSeek = d.seekTo
	d.play = widget.NewButtonWithIcon("Play", theme.MediaPlayIcon(), d.togglePlay)
	d.position = widget.NewLabel("0:00 / 0:00")
	d.download = widget.NewButtonWithIcon("Download", theme.DownloadIcon(), d.startDownload)
	d.progress = widget.NewProgressBar()
	d.export = widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), d.askExport)
	d.del = widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), d.askDelete)
	d.del.Importance = widget.DangerImportance

	rename := widget.NewLabel("Title (Enter renames)")
	rename.Importance = widget.LowImportance
	player := container.NewBorder(nil, nil, d.play, d.position, d.seek)
	actions := container.NewHBox(d.export, d.download, d.del)
	d.body = container.NewVBox(rename, d.title, d.info, d.problem, player, d.progress, actions)
	d.empty = widget.NewLabel("Select a recording to play, rename, export or delete it. Drop audio files here to import them.")
	d.empty.Wrapping = fyne.TextWrapWord
	d.content = container.NewPadded(container.NewStack(d.empty, container.NewVScroll(d.body)))
	d.show(library.Recording{})
	return d
}

// show displays r; a zero Recording clears the pane.
func (d *detailsPanel) show(r library.Recording) {
	same := r.ID != "" && r.ID == d.rec.ID
	d.rec = r
	if r.ID == "" {
		d.closePlayer()
		d.body.Hide()
		d.empty.Show()
		return
	}
	d.empty.Hide()
	d.body.Show()
	if !d.title.Disabled() && (!same || d.title.Text == "") {
		d.title.SetText(r.Title)
	} else if same && d.u.win.Canvas().Focused() != d.title {
		d.title.SetText(r.Title)
	}
	info := fmt.Sprintf("%s · %s · %s · %s %d Hz · %s",
		r.CreatedAt.Local().Format("Mon 2 Jan 2006 15:04"), clock(r.Duration), size(r.Size),
		r.Format, r.SampleRate, badge(r, d.u.list.progress[r.ID]))
	if r.Recovered {
		info += "\nRecovered after a crash: the end may be cut short."
	}
	d.info.SetText(info)
	d.problem.SetText(r.SyncError)
	d.problem.Hidden = r.SyncState != library.Error || r.SyncError == ""
	d.problem.Refresh()
	cloudOnly := !r.HasAudio
	d.download.Hidden = !cloudOnly
	d.download.Refresh()
	d.progress.Hidden = r.SyncState != library.Downloading && r.SyncState != library.Uploading
	d.progress.Refresh()
	if cloudOnly || r.SyncState == library.Downloading {
		d.play.Disable()
		d.export.Disable()
	} else {
		d.play.Enable()
		d.export.Enable()
	}
	if !same {
		d.closePlayer()
		d.position.SetText("0:00 / " + clock(r.Duration))
		d.seek.SetValues(nil)
		d.seek.SetPlayhead(0)
		d.loadOverview(r)
	}
}

// loadOverview reads the waveform overview off the Fyne goroutine.
func (d *detailsPanel) loadOverview(r library.Recording) {
	path := d.u.be.Library.AudioPath(r)
	if path == "" {
		return
	}
	d.u.background(func(ctx context.Context) {
		v, err := overview(ctx, path, overviewBars)
		onMain(func() {
			if d.rec.ID != r.ID {
				return
			}
			if err != nil {
				d.u.notices.show(fmt.Sprintf("could not read %q: %v", r.Title, err), true)
				return
			}
			d.seek.SetValues(v)
		})
	})
}

func (d *detailsPanel) rename(title string) {
	id, old := d.rec.ID, d.rec.Title
	if id == "" || title == old || title == "" {
		return
	}
	d.u.background(func(ctx context.Context) {
		if err := d.u.be.Library.Rename(ctx, id, title); err != nil {
			d.u.fail(fmt.Errorf("could not rename %q: %w", old, err))
			return
		}
		d.u.list.loadNow(ctx, id)
	})
}

// togglePlay opens the player on first use; play and pause run off the
// Fyne goroutine because they talk to the audio device.
func (d *detailsPanel) togglePlay() {
	r := d.rec
	pl := d.player
	d.u.background(func(ctx context.Context) {
		var err error
		if pl == nil {
			pl, err = device.NewPlayer(ctx, d.u.be.Library.AudioPath(r), d.u.be.Audio)
			if err != nil {
				d.u.fail(fmt.Errorf("could not play %q: %w", r.Title, err))
				return
			}
			onMainWait(func() {
				if d.rec.ID != r.ID || d.player != nil {
					pl.Close()
					pl = nil
					return
				}
				d.player = pl
			})
			if pl == nil {
				return
			}
		}
		if pl.Playing() {
			pl.Pause()
		} else {
			if pl.Position() >= pl.Duration() {
				err = pl.Seek(0)
			}
			if err == nil {
				err = pl.Play()
			}
		}
		if err != nil {
			d.u.fail(err)
		}
		onMain(d.trackPlayback)
	})
}

// trackPlayback moves the playhead while the player plays.
func (d *detailsPanel) trackPlayback() {
	pl := d.player
	if pl == nil {
		return
	}
	if d.stopPlay != nil {
		d.stopPlay()
	}
	ctx, cancel := context.WithCancel(d.u.ctx)
	d.stopPlay = cancel
	go func() {
		t := time.NewTicker(playInterval)
		defer t.Stop()
		for {
			pos, dur, playing := pl.Position(), pl.Duration(), pl.Playing()
			onMain(func() { d.showPosition(pos, dur, playing) })
			if !playing {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (d *detailsPanel) showPosition(pos, dur time.Duration, playing bool) {
	d.position.SetText(clock(pos) + " / " + clock(dur))
	if dur > 0 {
		d.seek.SetPlayhead(float64(pos) / float64(dur))
	}
	if playing {
		d.play.SetText("Pause")
		d.play.SetIcon(theme.MediaPauseIcon())
	} else {
		d.play.SetText("Play")
		d.play.SetIcon(theme.MediaPlayIcon())
	}
}

func (d *detailsPanel) seekTo(f float64) {
	pl := d.player
	dur := d.rec.Duration
	if pl == nil {
		d.position.SetText(clock(time.Duration(f*float64(dur))) + " / " + clock(dur))
		return
	}
	d.u.background(func(context.Context) {
		err := pl.Seek(time.Duration(f * float64(pl.Duration())))
		if err != nil {
			d.u.fail(err)
		}
		pos, dur, playing := pl.Position(), pl.Duration(), pl.Playing()
		onMain(func() { d.showPosition(pos, dur, playing) })
	})
}

func (d *detailsPanel) closePlayer() {
	if d.stopPlay != nil {
		d.stopPlay()
		d.stopPlay = nil
	}
	if pl := d.player; pl != nil {
		d.player = nil
		go pl.Close()
	}
	d.play.SetText("Play")
	d.play.SetIcon(theme.MediaPlayIcon())
}

// startDownload fetches a cloud-only recording; progress arrives through the
// sync engine's events.
func (d *detailsPanel) startDownload() {
	cl := d.u.be.Cloud
	if cl == nil {
		return
	}
	r := d.rec
	d.download.Disable()
	d.progress.SetValue(0)
	d.progress.Show()
	d.u.background(func(ctx context.Context) {
		err := cl.Download(ctx, r.ID)
		onMain(d.download.Enable)
		if err != nil {
			d.u.fail(fmt.Errorf("could not download %q: %w", r.Title, err))
		}
		d.u.list.loadNow(ctx, r.ID)
	})
}

func (d *detailsPanel) showProgress(p Progress) {
	if p.Total <= 0 {
		return
	}
	d.progress.Show()
	d.progress.SetValue(float64(p.Done) / float64(p.Total))
}

// deleteChoices says which delete answers make sense for r: "this device"
// only when the audio is here and a verified copy is in the cloud (else it
// would be lost), "the cloud" only when the cloud has or may have a copy
// ("everywhere" always does).
func (d *detailsPanel) deleteChoices(r library.Recording) (here, cloud bool) {
	if d.u.be.Cloud == nil {
		return false, false
	}
	here = r.HasAudio && r.RemoteVersion > 0 && r.SyncState == library.Synced
	cloud = r.RemoteVersion > 0 || !r.HasAudio
	return here, cloud
}

// askDelete asks where to delete the selected recording.
func (d *detailsPanel) askDelete() {
	r := d.rec
	if r.ID == "" {
		return
	}
	here, cloud := d.deleteChoices(r)
	var dlg *dialog.CustomDialog
	choice := func(label string, scope sync.Scope, ok bool) *widget.Button {
		b := widget.NewButton(label, func() { dlg.Hide(); d.delete(r, scope) })
		if !ok {
			b.Disable()
		}
		return b
	}
	msg := widget.NewLabel(fmt.Sprintf("Delete %q from…", r.Title))
	buttons := container.NewVBox(
		choice("This device (keep the cloud copy)", sync.FromDevice, here),
		choice("The cloud (keep it on this device)", sync.FromCloud, cloud),
		choice("Everywhere (move to the trash)", sync.Everywhere, true),
	)
	dlg = dialog.NewCustom("Delete recording", "Cancel", container.NewVBox(msg, buttons), d.u.win)
	dlg.Show()
}

// delete applies one of the three answers. The decision is kept in the
// library at once; the sync engine carries out its cloud part (signed out or
// offline, it waits there). Without sync built in, a delete is the trash.
func (d *detailsPanel) delete(r library.Recording, scope sync.Scope) {
	cl := d.u.be.Cloud
	d.u.background(func(ctx context.Context) {
		var err error
		if cl != nil {
			err = cl.Delete(ctx, r.ID, scope)
		} else {
			err = d.u.be.Library.Trash(ctx, r.ID)
		}
		if err != nil {
			d.u.fail(fmt.Errorf("could not delete %q: %w", r.Title, err))
		}
		d.u.list.loadNow(ctx, r.ID)
	})
}

// askExport asks for a format, then for where to save.
func (d *detailsPanel) askExport() {
	r := d.rec
	format := widget.NewSelect(formatNames(), nil)
	format.SetSelected(string(r.Format))
	dialog.ShowCustomConfirm("Save as…", "Choose file…", "Cancel",
		widget.NewForm(widget.NewFormItem("Format", format)), func(ok bool) {
			if !ok {
				return
			}
			f, err := audio.ParseFormat(format.Selected)
			if err != nil {
				d.u.notices.show(err.Error(), true)
				return
			}
			d.saveAs(r, f)
		}, d.u.win)
}

func (d *detailsPanel) saveAs(r library.Recording, f audio.Format) {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			d.u.fail(err)
			return
		}
		uri := w.URI()
		d.u.background(func(ctx context.Context) {
			// The dialog created the file; the library replaces it whole
			// once the export is complete, so a failure leaves no half file.
			w.Close()
			if _, err := d.u.be.Library.Export(ctx, r.ID, uri.Path(), nil); err != nil {
				d.u.fail(fmt.Errorf("could not export %q: %w", r.Title, err))
				return
			}
			onMain(func() { d.u.notices.show("Saved "+uri.Name(), false) })
		})
	}, d.u.win)
	save.SetFileName(r.Title + f.Ext())
	save.Show()
}
