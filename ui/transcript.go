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
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
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
	segs   *fyne.Container

	id          string
	rec         library.Recording
	settingAuto bool // showAuto is setting the check, not the user
	info        library.TranscriptInfo
	rows        []*segmentRow
	cur         [2]int // segment and word highlighted; -1 none
}

func newTranscriptSection(d *detailsPanel) detailSection {
	v := &transcriptView{d: d, segs: container.NewVBox(), cur: [2]int{-1, -1}}
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
	v.box = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, head, container.NewHBox(v.save, v.action)),
		v.status, v.segs, v.auto, where)
	v.box.Hide()
	d.player.onPosition = append(d.player.onPosition, v.follow)
	d.transcriptView = v
	return detailSection{content: v.box, show: v.show, clear: v.box.Hide}
}

// show reads r's transcript in the background; the same recording's
// segments are rebuilt only when the transcript changed, so progress
// updates repaint one line.
func (v *transcriptView) show(r library.Recording, same bool) {
	v.id = r.ID
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
	if info.Has && len(info.Transcript.Segments) > 0 {
		v.save.Show()
	} else {
		v.save.Hide()
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

// build lays out the segments.
func (v *transcriptView) build() {
	v.rows = v.rows[:0]
	objs := make([]fyne.CanvasObject, 0, len(v.info.Transcript.Segments))
	for i, s := range v.info.Transcript.Segments {
		row := newSegmentRow(v, i, s)
		v.rows = append(v.rows, row)
		objs = append(objs, row.content)
	}
	v.cur = [2]int{-1, -1}
	v.segs.Objects = objs
	v.segs.Refresh()
}

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

// follow highlights the segment and word at the playhead.
func (v *transcriptView) follow(pos time.Duration) {
	ms := pos.Milliseconds()
	seg, word := -1, -1
	for i, s := range v.info.Transcript.Segments {
		if s.StartMS <= ms && ms < s.EndMS+300 {
			seg = i
			for j, w := range s.Words {
				if w.StartMS <= ms {
					word = j
				}
			}
			break
		}
	}
	if [2]int{seg, word} == v.cur || seg >= len(v.rows) {
		return
	}
	if old := v.cur[0]; old >= 0 && old < len(v.rows) {
		v.rows[old].highlight(-1, false)
	}
	moved := seg != v.cur[0]
	v.cur = [2]int{seg, word}
	if seg >= 0 {
		v.rows[seg].highlight(word, true)
		if moved {
			v.keepInView(v.rows[seg].content)
		}
	}
}

// keepInView scrolls the details pane so that o (the segment being said)
// is visible, when it is not: the transcript follows the playhead.
func (v *transcriptView) keepInView(o fyne.CanvasObject) {
	sc := v.d.scroll
	if sc == nil || !o.Visible() {
		return
	}
	top := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Y -
		fyne.CurrentApp().Driver().AbsolutePositionForObject(v.d.body).Y
	bottom := top + o.Size().Height
	view := sc.Size().Height
	if top >= sc.Offset.Y && bottom <= sc.Offset.Y+view {
		return
	}
	sc.Offset.Y = max(0, min(top, v.d.body.MinSize().Height-view))
	sc.Refresh()
}

// playFrom plays the recording from d (a word or a segment clicked).
func (v *transcriptView) playFrom(d time.Duration) { v.d.player.playFrom(d) }

// segmentRow is one segment: its time (click: play from it), its words
// (click one: play from it) and a pencil to correct it.
type segmentRow struct {
	v       *transcriptView
	index   int
	seg     api.Segment
	content *fyne.Container
	back    *canvas.Rectangle
	text    *fyne.Container // the words, or the corrected text
	words   *fyne.Container // the words' links, in a flow
	line    *fyne.Container
}

func newSegmentRow(v *transcriptView, i int, s api.Segment) *segmentRow {
	r := &segmentRow{v: v, index: i, seg: s}
	at := time.Duration(s.StartMS) * time.Millisecond
	stamp := widget.NewButton(human.Moment(at), func() { v.playFrom(at) })
	stamp.Importance = widget.LowImportance
	edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), r.edit)
	edit.Importance = widget.LowImportance
	// Links carry padding on every side: overlap most of it, so the words
	// read as a paragraph.
	pad := theme.InnerPadding()
	flow := &flowLayout{hgap: -pad, vgap: -pad, reflow: v.segs.Refresh}
	r.words = container.New(flow)
	r.text = container.NewStack(r.words)
	r.setWords(-1)
	r.back = canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	r.back.Hide()
	r.line = container.NewBorder(nil, nil, container.NewVBox(stamp), container.NewVBox(edit), r.text)
	r.content = container.NewStack(r.back, r.line)
	return r
}

// setWords fills the text: each word a link that plays from it, the one
// being said (cur) in bold. A segment without word times is plain text.
func (r *segmentRow) setWords(cur int) {
	if len(r.seg.Words) == 0 {
		if len(r.words.Objects) == 0 {
			l := widget.NewLabel(r.seg.Text)
			l.Wrapping = fyne.TextWrapWord
			l.TextStyle.Italic = r.seg.Edited
			r.text.Objects = []fyne.CanvasObject{l}
		}
		return
	}
	if len(r.words.Objects) == 0 {
		for _, w := range r.seg.Words {
			at := time.Duration(w.StartMS) * time.Millisecond
			link := widget.NewHyperlink(w.Text, nil)
			link.OnTapped = func() { r.v.playFrom(at) }
			r.words.Objects = append(r.words.Objects, link)
		}
	}
	for j, o := range r.words.Objects {
		link := o.(*widget.Hyperlink)
		if bold := j == cur; link.TextStyle.Bold != bold {
			link.TextStyle.Bold = bold
			link.Refresh()
		}
	}
}

func (r *segmentRow) highlight(word int, on bool) {
	if on {
		r.back.Show()
	} else {
		r.back.Hide()
	}
	r.setWords(word)
}

// edit swaps the text for an entry; Save stores the correction.
func (r *segmentRow) edit() {
	entry := widget.NewMultiLineEntry()
	entry.Wrapping = fyne.TextWrapWord
	entry.SetText(r.seg.Text)
	cancel := widget.NewButton("Cancel", func() { r.stopEditing() })
	var save *widget.Button
	save = widget.NewButtonWithIcon("Save", theme.ConfirmIcon(), func() {
		text, id, index := entry.Text, r.v.id, r.index
		save.Disable()
		r.v.d.u.background(func(ctx context.Context) {
			if err := r.v.d.u.be.Library.EditSegment(ctx, id, index, text); err != nil {
				r.v.d.u.fail(fmt.Errorf("could not save the correction: %w", err))
				onMain(save.Enable)
			}
			// The library's change notice shows the saved text.
		})
	})
	save.Importance = widget.HighImportance
	r.content.Objects = []fyne.CanvasObject{container.NewBorder(nil, container.NewHBox(save, cancel), nil, nil, entry)}
	r.content.Refresh()
	r.v.d.u.win.Canvas().Focus(entry)
}

func (r *segmentRow) stopEditing() {
	r.content.Objects = []fyne.CanvasObject{r.back, r.line}
	r.content.Refresh()
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
