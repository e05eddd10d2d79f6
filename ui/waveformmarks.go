package ui

import (
	"image"
	"image/draw"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
)

// markHit is how close (in device-independent pixels) a click must come to
// a bookmark's marker, or a drag's start to the playhead, to take it.
const markHit = 6

// The seek bar's bookmarks and selection. Bookmarks are markers in the
// theme's warning colour (an amber flag over a line, 3:1 against the
// waveform's background in both variants: theme_test.go); a click near one
// calls OnMark. The selection (the span a trim keeps) is drawn on the
// selection colour, framed, between two handles. A drag that starts on a
// handle moves that edge; one that starts on the playhead moves it; a drag
// anywhere else selects the span dragged over; Shift-click extends the
// selection (or makes one from the playhead) to where it lands.
type waveMarks struct {
	// OnMark is called with the index (in SetMarks's order) of the
	// bookmark whose marker the user clicked.
	OnMark func(i int)
	// OnSelect is called when the user changes the selection, with its
	// edges as fractions (from < to); from = to = 0 when it was cleared.
	OnSelect func(from, to float64)

	marks    []float64 // where each bookmark is, as a fraction of the length
	selFrom  float64   // the selection, as fractions; empty when selTo <= selFrom
	selTo    float64
	mods     fyne.KeyModifier // held at the last mouse press
	pushed   int              // values pushed onto a live waveform so far
	live     []int            // bookmarks on a live waveform: pushed when each was made
	drag     dragMode
	anchor   float64 // where a selecting drag started
	dragging bool
}

type dragMode int

const (
	dragSeek   dragMode = iota // moving the playhead
	dragSelect                 // choosing a span
)

// SetMarks shows bookmarks at these fractions (0..1) of the length.
func (w *Waveform) SetMarks(at []float64) {
	w.marks = append(w.marks[:0], at...)
	w.Refresh()
}

// SetSelection shows the span from..to (fractions); from >= to clears it.
func (w *Waveform) SetSelection(from, to float64) {
	w.selFrom, w.selTo = float64(clamp01(float32(from))), float64(clamp01(float32(to)))
	w.Refresh()
}

// Selection returns the selected span as fractions; ok is false when none.
func (w *Waveform) Selection() (from, to float64, ok bool) {
	return w.selFrom, w.selTo, w.selTo > w.selFrom
}

// MarkNow puts a bookmark's marker on a live waveform at its newest value;
// it scrolls away with the audio.
func (w *Waveform) MarkNow() {
	w.live = append(w.live, w.pushed)
	w.Refresh()
}

// scrollLiveMarks forgets the live markers scrolled out of view and
// reports whether any is left (a repaint then moves them).
func (w *Waveform) scrollLiveMarks() bool {
	for len(w.live) > 0 && w.pushed-w.live[0] >= len(w.values) {
		w.live = w.live[1:]
	}
	return len(w.live) > 0
}

// liveMarkAt is where (0..1) the live marker made at push count p is now.
func (w *Waveform) liveMarkAt(p int) float64 {
	n := len(w.values)
	return (float64(n-(w.pushed-p)) - 0.5) / float64(n)
}

// MouseDown remembers the modifiers held, for the tap that follows.
func (w *Waveform) MouseDown(ev *desktop.MouseEvent) {
	w.touched()
	w.mods = ev.Modifier
}

// MouseUp implements desktop.Mouseable.
func (w *Waveform) MouseUp(*desktop.MouseEvent) {}

// tapped is a click: Shift extends the selection, a click on a marker
// takes its bookmark, anything else seeks.
func (w *Waveform) tapped(x float32) {
	shift := w.mods&fyne.KeyModifierShift != 0
	w.mods = 0
	if !w.Seekable || w.Size().Width <= 0 {
		return
	}
	f := float64(clamp01(x / w.Size().Width))
	switch i := w.markAt(x); {
	case shift:
		w.extendTo(f)
	case i >= 0:
		if w.OnMark != nil {
			w.OnMark(i)
		}
	default:
		w.seekTo(x)
	}
}

// markAt is the index of the marker within markHit of x, or -1.
func (w *Waveform) markAt(x float32) int {
	best, bestD := -1, float32(markHit+1)
	for i, m := range w.marks {
		d := x - float32(m)*w.Size().Width
		if d < 0 {
			d = -d
		}
		if d <= markHit && d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// extendTo moves the selection's nearer edge to f, or selects from the
// playhead to f when nothing is selected.
func (w *Waveform) extendTo(f float64) {
	from, to, ok := w.Selection()
	switch {
	case !ok:
		from, to = min(w.position, f), max(w.position, f)
	case f-from < to-f:
		from = f
	default:
		to = f
	}
	w.selectSpan(from, to)
}

// dragged follows a drag: the first event decides what it does.
func (w *Waveform) dragged(ev *fyne.DragEvent) {
	if !w.Seekable || w.Size().Width <= 0 {
		return
	}
	if !w.dragging {
		w.dragging = true
		w.startDrag(ev.Position.X - ev.Dragged.DX)
	}
	if w.drag == dragSeek {
		w.seekTo(ev.Position.X)
		return
	}
	f := float64(clamp01(ev.Position.X / w.Size().Width))
	w.selectSpan(min(w.anchor, f), max(w.anchor, f))
}

// startDrag decides what a drag from x does: on one of the selection's
// handles it moves that edge (the other stays the anchor); on the
// playhead it moves the playhead; anywhere else it selects anew from x.
func (w *Waveform) startDrag(x float32) {
	near := func(f float64) bool {
		d := x - float32(f)*w.Size().Width
		return d >= -markHit && d <= markHit
	}
	from, to, ok := w.Selection()
	w.drag = dragSelect
	switch {
	case ok && near(from):
		w.anchor = to
	case ok && near(to):
		w.anchor = from
	case near(w.position):
		w.drag = dragSeek
	default:
		w.anchor = float64(clamp01(x / w.Size().Width))
	}
}

func (w *Waveform) dragEnd() {
	w.dragging = false
	w.mods = 0
}

// selectSpan sets the selection and tells OnSelect.
func (w *Waveform) selectSpan(from, to float64) {
	w.SetSelection(from, to)
	if w.OnSelect != nil {
		w.OnSelect(w.selFrom, w.selTo)
	}
}

// paintSelection fills the selected columns' background, before the bars.
func (w *Waveform) paintSelection(img *image.RGBA, th fyne.Theme, v fyne.ThemeVariant) {
	from, to, ok := w.Selection()
	if !ok {
		return
	}
	pw, ph := img.Rect.Dx(), img.Rect.Dy()
	a, b := int(from*float64(pw)), max(int(to*float64(pw)), int(from*float64(pw))+1)
	draw.Draw(img, image.Rect(a, 0, b, ph), uniform(th.Color(theme.ColorNameSelection, v)), image.Point{}, draw.Src)
}

// paintMarks draws, over the bars, the selection's frame and handles (a
// line with a tab top and bottom) and a flag on a line for each bookmark
// (on a live waveform, each made while it ran).
func (w *Waveform) paintMarks(img *image.RGBA, th fyne.Theme, v fyne.ThemeVariant) {
	pw, ph := img.Rect.Dx(), img.Rect.Dy()
	scale := float32(pw) / max(w.Size().Width, 1) // device pixels per unit
	line := max(int(scale*2+0.5), 2)
	tab := max(int(scale*6+0.5), 4)
	if from, to, ok := w.Selection(); ok {
		c := uniform(th.Color(theme.ColorNameForeground, v))
		// A frame along the top and the bottom, so the span reads even
		// where loud bars cover its background.
		a, b := int(from*float64(pw)), int(to*float64(pw))
		draw.Draw(img, image.Rect(a, 0, b, line), c, image.Point{}, draw.Src)
		draw.Draw(img, image.Rect(a, ph-line, b, ph), c, image.Point{}, draw.Src)
		for i, f := range []float64{from, to} {
			x := min(max(int(f*float64(pw))-line/2, 0), pw-line)
			draw.Draw(img, image.Rect(x, 0, x+line, ph), c, image.Point{}, draw.Src)
			tx := x + line // the tabs point inwards
			if i == 1 {
				tx = x - tab
			}
			draw.Draw(img, image.Rect(tx, 0, tx+tab, tab), c, image.Point{}, draw.Src)
			draw.Draw(img, image.Rect(tx, ph-tab, tx+tab, ph), c, image.Point{}, draw.Src)
		}
	}
	mark := uniform(th.Color(theme.ColorNameWarning, v))
	at := w.marks
	if !w.Seekable {
		at = at[:0:0]
		for _, p := range w.live {
			at = append(at, w.liveMarkAt(p))
		}
	}
	for _, f := range at {
		x := min(max(int(f*float64(pw))-line/2, 0), pw-line)
		draw.Draw(img, image.Rect(x, 0, x+line, ph), mark, image.Point{}, draw.Src)
		// The flag: a small square to the right of the line's top, so
		// a marker reads as one even over loud bars.
		fx := min(x+line, pw-tab)
		draw.Draw(img, image.Rect(fx, 0, fx+tab, tab), mark, image.Point{}, draw.Src)
	}
}
