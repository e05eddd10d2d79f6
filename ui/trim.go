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

	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
)

// trimStep is what a selection's edges are rounded to: the tenth of a
// second the fields show, so the part trimmed is the part read.
const trimStep = 100 * time.Millisecond

// trimTools are the row under the player that trims: the part to keep,
// chosen by dragging across the waveform (or Shift-clicking to extend it),
// its start and end shown in fields that can be typed into, Trim… and
// Clear. Trim makes a new recording of the part (library.Trim, through the
// sync engine when there is one) and moves the original to the trash.
type trimTools struct {
	p        *playback
	from, to *timeEntry
	trim     *widget.Button
	clear    *widget.Button

	span [2]time.Duration // the part chosen, as shown (perhaps empty or the wrong way round); none when zero
}

func newTrimTools(p *playback) *trimTools {
	t := &trimTools{p: p}
	t.from = newTimeEntry(p.d.u, "start", func(d time.Duration) bool { return t.typed(0, d) })
	t.to = newTimeEntry(p.d.u, "end", func(d time.Duration) bool { return t.typed(1, d) })
	t.trim = widget.NewButtonWithIcon("Trim…", theme.ContentCutIcon(), t.ask)
	t.clear = widget.NewButton("Clear", t.reset)
	t.clear.Importance = widget.LowImportance
	p.seek.OnSelect = t.selected
	keep := widget.NewLabel("Keep")
	dash := widget.NewLabel("–")
	field := func(e *timeEntry) fyne.CanvasObject { return container.New(&minScale{w: 5, h: 1}, e) }
	row := container.NewHBox(keep, field(t.from), dash, field(t.to), t.trim, t.clear)
	p.content.(*fyne.Container).Add(row)
	t.show()
	return t
}

// chosen reports whether a part is chosen (right or wrong).
func (t *trimTools) chosen() bool { return t.span != [2]time.Duration{} }

// reset forgets the part chosen (another recording, Clear, a finished trim).
func (t *trimTools) reset() {
	t.span = [2]time.Duration{}
	t.p.seek.SetSelection(0, 0)
	t.show()
}

// selected takes a span chosen on the waveform (fractions).
func (t *trimTools) selected(from, to float64) {
	dur := t.p.rec.Duration
	t.span = [2]time.Duration{roundTrim(from, dur), roundTrim(to, dur)}
	t.show()
}

// roundTrim turns a fraction of dur into a moment on trimStep, within dur.
func roundTrim(f float64, dur time.Duration) time.Duration {
	return min(time.Duration(f*float64(dur)).Round(trimStep), dur)
}

// typed takes an edge typed into a field (edge 0 the start, 1 the end):
// the other edge defaults to the recording's start or end. A moment past
// the end is refused in one line, the field going back.
func (t *trimTools) typed(edge int, d time.Duration) bool {
	dur := t.p.rec.Duration
	if d > dur {
		t.p.d.u.notices.show(fmt.Sprintf("%s is past the end of %q (%s); give a time within it.", human.Moment(d), t.p.rec.Title, human.Moment(dur)), true)
		return false
	}
	if !t.chosen() {
		t.span = [2]time.Duration{0, dur}
	}
	t.span[edge] = d
	t.show()
	return true
}

// show puts the span on the waveform and in the fields. A span typed the
// wrong way round is shown as typed: Trim says what is wrong with it.
func (t *trimTools) show() {
	dur := t.p.rec.Duration
	ok := t.chosen()
	if ok && dur > 0 {
		t.p.seek.SetSelection(float64(t.span[0])/float64(dur), float64(t.span[1])/float64(dur))
	}
	t.from.showTime(t.span[0], ok)
	t.to.showTime(t.span[1], ok)
	if ok && t.p.rec.HasAudio {
		t.trim.Enable()
		t.clear.Enable()
	} else {
		t.trim.Disable()
		t.clear.Disable()
	}
}

// ask says exactly what a trim does and trims on Trim (or Enter).
func (t *trimTools) ask() {
	u, r := t.p.d.u, t.p.rec
	from, to := t.span[0], t.span[1]
	if r.ID == "" || u.modalOpen() {
		return
	}
	if to-from < trimStep {
		u.notices.show(fmt.Sprintf("Nothing to keep from %s to %s; choose a part at least 0.1 s long by dragging across the waveform.", human.Moment(from), human.Moment(to)), true)
		return
	}
	kept := len(marksIn(u.details.bookmarks.marks, from, to))
	msg := widget.NewLabel(fmt.Sprintf("A new recording of %s–%s (%s) is made, titled %q, with %s and the transcript of that part. The original goes to the trash, restorable for %d days.",
		human.Moment(from), human.Moment(to), clock(to-from), library.TrimmedTitle(r.Title), bookmarkCount(kept), trashDays))
	msg.Wrapping = fyne.TextWrapWord
	run := func() { t.run(r, from, to) }
	dlg := dialog.NewCustomConfirm("Trim recording", "Trim", "Cancel", msg, func(ok bool) {
		if ok {
			run()
		}
	}, u.win)
	dlg.Resize(fyne.NewSize(460, dlg.MinSize().Height))
	u.showModal(dlg, run)
}

// run trims r to from..to and selects the new recording.
func (t *trimTools) run(r library.Recording, from, to time.Duration) {
	u := t.p.d.u
	u.background(func(ctx context.Context) {
		nr, err := u.be.trim(ctx, r.ID, from, to)
		if err != nil {
			u.fail(fmt.Errorf("could not trim %q: %w", r.Title, err))
			return
		}
		u.list.loadNow(ctx, nr.ID)
		onMain(func() {
			t.reset()
			u.notices.flash(fmt.Sprintf("Kept %s–%s of %q as %q; the original is in the trash.", human.Moment(from), human.Moment(to), r.Title, nr.Title))
		})
	})
}

// trim keeps from..to of recording id as a new recording and moves the
// original to the trash: through the sync engine when there is one (it
// tells the other devices), else in the library alone.
func (be Backend) trim(ctx context.Context, id string, from, to time.Duration) (library.Recording, error) {
	if be.Cloud != nil {
		return be.Cloud.Trim(ctx, id, from, to)
	}
	nr, err := be.Library.Trim(ctx, id, from, to)
	if err != nil {
		return library.Recording{}, err
	}
	if err := be.Library.Trash(ctx, id); err != nil {
		return nr, fmt.Errorf("the trimmed copy is made, but the original stays: %w", err)
	}
	return nr, nil
}

// timeEntry is a field holding a moment (1:23.4): Enter or leaving the
// field commits what was typed, Escape or a refused moment puts the last
// one back.
type timeEntry struct {
	shortcutEntry
	saved    string
	onCommit func(time.Duration) bool // false: refused
}

func newTimeEntry(u *UI, placeholder string, onCommit func(time.Duration) bool) *timeEntry {
	e := &timeEntry{onCommit: onCommit}
	e.u = u
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder(placeholder)
	e.OnSubmitted = func(string) { e.commit() }
	return e
}

// showTime shows d, or nothing when ok is false.
func (e *timeEntry) showTime(d time.Duration, ok bool) {
	e.saved = ""
	if ok {
		e.saved = human.Moment(d)
	}
	e.SetText(e.saved)
}

func (e *timeEntry) commit() {
	if e.Text == e.saved {
		return
	}
	d, err := human.ParseMoment(e.Text)
	if err != nil {
		e.u.notices.show(sentence(err.Error()), true)
		e.SetText(e.saved)
		return
	}
	if !e.onCommit(d) {
		e.SetText(e.saved)
	}
}

// FocusLost commits: leaving the field is as good as Enter.
func (e *timeEntry) FocusLost() {
	e.commit()
	e.shortcutEntry.FocusLost()
}

// TypedKey puts the last moment back on Escape.
func (e *timeEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		e.SetText(e.saved)
		return
	}
	e.shortcutEntry.TypedKey(ev)
}

// bookmarkCount is "no bookmarks", "1 bookmark", "3 bookmarks".
func bookmarkCount(n int) string {
	if n == 0 {
		return "no bookmarks"
	}
	return plural(n, "bookmark", "bookmarks")
}
