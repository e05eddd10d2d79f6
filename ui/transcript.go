package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/transcribe"
)

// transcriptView is the details section with the recording's transcript:
// where it stands (queued, "Transcribing 40 %", failed and why), then each
// segment after its time. Clicking a time or a word plays from there; while
// playing, the segment and word being said are highlighted. A segment's
// pencil edits it in place. Transcripts are made on this computer, in US
// English.
type transcriptView struct {
	d      *detailsPanel
	box    *fyne.Container
	status *widget.Label
	action *widget.Button
	save   *widget.Button // the transcript as txt, srt or vtt
	auto   *widget.Check  // the library's automatic transcription setting
	pane   *segmentPane   // the segments, built lazily (transcriptpane.go)

	// Following the playhead (follow.go): the mode, the last segment the
	// playhead was in (-1 none), whether the pane follows, and Follow,
	// shown while it does not.
	mode      followMode
	last      int
	following bool
	followBtn *widget.Button

	id          string
	rec         library.Recording
	settingAuto bool // showAuto is setting the check, not the user
	info        library.TranscriptInfo
}

func newTranscriptSection(d *detailsPanel) detailSection {
	v := &transcriptView{d: d, last: -1}
	v.pane = newSegmentPane(v.playFrom, v.edit)
	v.followBtn = widget.NewButtonWithIcon("Follow", theme.VisibilityIcon(), v.followNow)
	v.followBtn.Hide()
	head := widget.NewLabel("Transcript")
	head.TextStyle.Bold = true
	v.status = widget.NewLabel("")
	v.status.Importance = widget.LowImportance
	v.status.Wrapping = fyne.TextWrapWord
	v.action = widget.NewButtonWithIcon("Transcribe now", theme.MediaReplayIcon(), v.transcribe)
	v.save = widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), v.askSave)
	// A check label does not wrap: keep it short, the rest below it.
	v.auto = widget.NewCheck("Transcribe new recordings", v.setAuto)
	where := widget.NewLabel("On this computer, in US English only.")
	where.Importance = widget.LowImportance
	where.Wrapping = fyne.TextWrapWord
	v.box = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, head, container.NewHBox(v.followBtn, v.save, v.action)),
		v.status, v.pane.box, v.auto, where)
	v.box.Hide()
	d.player.onPosition = append(d.player.onPosition, v.follow)
	d.player.seek.OnTouch = v.hold
	d.transcriptView = v
	return detailSection{content: v.box, show: v.show, clear: v.box.Hide}
}

// show reads r's transcript in the background; the same recording's
// segments are rebuilt only when the transcript changed, so progress
// updates repaint one line.
func (v *transcriptView) show(r library.Recording, same bool) {
	v.id = r.ID
	if !same {
		v.resetFollow()
	}
	v.box.Show()
	lib := v.d.u.be.Library
	v.d.u.background(func(ctx context.Context) {
		info, err := lib.Transcript(ctx, r.ID)
		if errors.Is(err, library.ErrNotFound) {
			return
		} else if err != nil {
			v.d.u.fail(fmt.Errorf("could not read the transcript: %w", err))
			return
		}
		auto, err := lib.AutoTranscribe(ctx)
		if err != nil {
			v.d.u.fail(err)
		}
		onMain(func() {
			if v.id != r.ID {
				return
			}
			v.showAuto(auto)
			changed := !same || info.LocalVersion != v.info.LocalVersion || info.UpdatedAt != v.info.UpdatedAt || info.Has != v.info.Has
			v.info = info
			v.showStatus(r)
			if changed {
				v.build()
			}
		})
	})
}

func (v *transcriptView) showStatus(r library.Recording) {
	info := v.info
	v.action.Show()
	v.action.Enable()
	v.rec = r
	has := info.Has && len(info.Transcript.Segments) > 0
	if has {
		v.save.Show()
	} else {
		v.save.Hide()
	}
	if sel := v.d.beside.sel; sel.Hidden == has {
		sel.Hidden = !has
		v.d.actions.Refresh()
	}
	switch {
	case info.State == library.TranscriptRunning:
		v.status.SetText(fmt.Sprintf("Transcribing %.0f %% (on this computer, US English)", info.Progress*100))
		v.action.Disable()
	case info.State == library.TranscriptQueued:
		v.status.SetText("Waiting to be transcribed (on this computer, US English).")
	case info.State == library.TranscriptFailed:
		v.status.SetText("Could not transcribe: " + info.Error)
		v.action.SetText("Try again")
	case info.Has && len(info.Transcript.Segments) == 0:
		v.status.SetText("No speech was heard in this recording.")
		v.action.SetText("Redo")
	case info.Has:
		v.status.SetText(fmt.Sprintf("Made on this computer by %s (%s). Click a word to play from there.",
			info.Transcript.Engine, info.Transcript.Language))
		v.action.SetText("Redo")
	case !r.HasAudio:
		v.status.SetText("No transcript yet. Download the recording to transcribe it here.")
		v.action.Hide()
	default:
		v.status.SetText("No transcript yet (automatic transcription is off, or it is new).")
		v.action.SetText("Transcribe now")
	}
}

// build shows the segments (the pane makes rows only for those in view).
func (v *transcriptView) build() {
	v.pane.view, v.pane.viewed = v.d.scroll, v.d.body
	v.pane.setSegments(v.info.Transcript.Segments)
	v.last = -1
	v.showFollowing(v.following)
}

// scrolled is told when the details pane scrolls: the rows in view change.
func (v *transcriptView) scrolled() { v.pane.scrolled() }

// transcribe queues a transcript now, or a redo; a redo of a transcript
// with corrections asks whether to keep them.
func (v *transcriptView) transcribe() {
	id, info := v.id, v.info
	edited := 0
	for _, s := range info.Transcript.Segments {
		if s.Edited {
			edited++
		}
	}
	queue := func(opts library.QueueOptions) {
		v.d.u.background(func(ctx context.Context) {
			if err := v.d.u.be.Library.QueueTranscription(ctx, id, opts); err != nil {
				v.d.u.fail(fmt.Errorf("could not queue the transcript: %w", err))
			}
		})
	}
	if !info.Has || edited == 0 {
		queue(library.QueueOptions{Redo: info.Has})
		return
	}
	what := fmt.Sprintf("%d segments", edited)
	if edited == 1 {
		what = "one segment"
	}
	msg := widget.NewLabel(fmt.Sprintf("You corrected %s of this transcript. Keep your corrections in the new one?", what))
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm("Redo transcript", "Keep my corrections", "Replace them too", msg, func(keep bool) {
		queue(library.QueueOptions{Redo: true, DiscardEdits: !keep})
	}, v.d.u.win)
	v.d.u.showModal(dlg, func() { queue(library.QueueOptions{Redo: true}) })
}

// follow highlights the segment and word at the playhead, and keeps the
// segment in view as it changes while the person reads along (followRule).
func (v *transcriptView) follow(pos time.Duration) {
	p := v.pane
	seg, word := p.at(pos.Milliseconds())
	if [2]int{seg, word} == p.cur {
		return
	}
	scroll := seg != p.cur[0] && seg >= 0 && v.enter(seg)
	p.highlight(seg, word)
	if scroll {
		v.keepInView(seg)
	}
}

// keepInView scrolls the details pane so that segment i (the one being
// said) is visible, when it is not: the transcript follows the playhead.
func (v *transcriptView) keepInView(i int) {
	sc, p := v.d.scroll, v.pane
	if sc == nil || !v.box.Visible() || i+1 >= len(p.tops) {
		return
	}
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(p.box).Y - d.AbsolutePositionForObject(v.d.body).Y + p.tops[i]
	bottom := top + p.tops[i+1] - p.tops[i]
	view := sc.Size().Height
	if top >= sc.Offset.Y && bottom <= sc.Offset.Y+view {
		return
	}
	sc.Offset.Y = max(0, min(top, v.d.body.MinSize().Height-view))
	sc.Refresh()
	p.scrolled()
}

// playFrom plays the recording from d (a word or a segment clicked); the
// transcript follows from there.
func (v *transcriptView) playFrom(d time.Duration) {
	v.jump()
	v.d.player.playFrom(d)
}

// edit shows a form in place of segment i; Save stores the correction.
func (v *transcriptView) edit(i int) {
	if i >= len(v.info.Transcript.Segments) {
		return
	}
	entry := newShortcutEntry(v.d.u) // Ctrl+R, Ctrl+B… still work while correcting
	entry.MultiLine = true
	entry.Wrapping = fyne.TextWrapWord
	entry.SetText(v.info.Transcript.Segments[i].Text)
	cancel := widget.NewButton("Cancel", v.pane.stopEdit)
	var save *widget.Button
	save = widget.NewButtonWithIcon("Save", theme.ConfirmIcon(), func() {
		text, id := entry.Text, v.id
		save.Disable()
		v.d.u.background(func(ctx context.Context) {
			if err := v.d.u.be.Library.EditSegment(ctx, id, i, text); err != nil {
				v.d.u.fail(fmt.Errorf("could not save the correction: %w", err))
				onMain(save.Enable)
			}
			// The library's change notice shows the saved text.
		})
	})
	save.Importance = widget.HighImportance
	v.pane.startEdit(i, container.NewBorder(nil, container.NewHBox(save, cancel), nil, nil, entry))
	v.d.u.win.Canvas().Focus(entry)
}

// playFrom moves to pos and plays (a transcript word or a search hit was
// clicked).
func (p *playback) playFrom(pos time.Duration) {
	r := p.rec
	if r.ID == "" {
		return
	}
	if !r.HasAudio {
		p.offerDownload(r)
		return
	}
	pl := p.player
	p.d.u.background(func(ctx context.Context) {
		pl, err := p.open(ctx, r, pl, pos)
		if err != nil || pl == nil {
			p.d.u.fail(err)
			return
		}
		if err = pl.Seek(pos); err == nil && !pl.Playing() {
			err = pl.Play()
		}
		if err != nil {
			p.d.u.fail(fmt.Errorf("could not play %q from %s: %w", r.Title, human.Moment(pos), err))
		}
		onMain(p.track)
	})
}

// askSave saves the transcript where a Save dialog says; the name's
// extension (.txt, .srt, .vtt) chooses the format, subtitles by default.
func (v *transcriptView) askSave() {
	if v.d.u.modalOpen() || !v.info.Has {
		return
	}
	t, title := v.info.Transcript, v.rec.Title
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.d.u.fail(fmt.Errorf("could not choose where to save: %w", err))
			return
		}
		if w == nil {
			return
		}
		v.d.u.background(func(context.Context) {
			defer w.Close()
			format := strings.TrimPrefix(strings.ToLower(filepath.Ext(w.URI().Path())), ".")
			if !slices.Contains(transcribe.Formats, format) {
				format = "txt"
			}
			if err := transcribe.WriteFormat(w, t, format); err != nil {
				v.d.u.fail(fmt.Errorf("could not save the transcript of %q: %w", title, err))
				return
			}
			name := filepath.Base(w.URI().Path())
			onMain(func() { v.d.u.notices.flash("Saved the transcript as " + name + ".") })
		})
	}, v.d.u.win)
	save.SetFileName(library.FileName(title) + ".srt")
	save.Show()
}

// showAuto shows the setting without storing it again.
func (v *transcriptView) showAuto(on bool) {
	if v.auto.Checked == on {
		return
	}
	v.settingAuto = true
	v.auto.SetChecked(on)
	v.settingAuto = false
}

// setAuto stores the automatic transcription setting the user ticked.
func (v *transcriptView) setAuto(on bool) {
	if v.settingAuto {
		return
	}
	v.d.u.background(func(ctx context.Context) {
		if err := v.d.u.be.Library.SetAutoTranscribe(ctx, on); err != nil {
			v.d.u.fail(err)
		}
	})
}
