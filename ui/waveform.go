package ui

import (
	"image"
	"image/color"
	"image/draw"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Waveform draws amplitudes (0..1) as bars mirrored around a centre line.
// Live, it scrolls: Push appends the newest value on the right and drops the
// oldest. As an overview with Seekable set, it shows a playhead and turns taps
// and drags into OnSeek calls.
//
// It paints into one reused image (a single texture) instead of one
// rectangle per bar, so a repaint costs one upload however many bars it has.
type Waveform struct {
	widget.BaseWidget

	// OnSeek is called with the fraction (0..1) of the length the user tapped
	// or dragged to; only when Seekable.
	OnSeek func(fraction float64)
	// Seekable makes the widget a seek bar with a playhead.
	Seekable bool
	// OnTouch, when Seekable, is called as the user presses, taps or drags
	// the seek bar, before what that does: the person is working here, so
	// the transcript stops moving the pane under the pointer.
	OnTouch func()

	values   []float32 // ring buffer when live, the overview otherwise
	head     int       // index of the oldest value in values
	nonZero  int       // values above zero in the ring: none means a flat line
	position float64   // playhead, 0..1
	img      *image.RGBA

	waveMarks // bookmarks and the selection (waveformmarks.go)
}

// NewWaveform returns a scrolling waveform holding the last n values.
func NewWaveform(n int) *Waveform {
	w := &Waveform{values: make([]float32, n)}
	w.ExtendBaseWidget(w)
	return w
}

// NewWaveformSeek returns an overview of a whole recording used as a seek bar.
func NewWaveformSeek() *Waveform {
	w := &Waveform{Seekable: true}
	w.ExtendBaseWidget(w)
	return w
}

// Push appends the newest amplitude (0..1), dropping the oldest. Silence
// pushed onto silence changes nothing on screen and repaints nothing.
func (w *Waveform) Push(v float32) {
	if len(w.values) == 0 {
		return
	}
	v = clamp01(v)
	if w.values[w.head] > 0 {
		w.nonZero--
	}
	if v > 0 {
		w.nonZero++
	}
	w.values[w.head] = v
	w.head = (w.head + 1) % len(w.values)
	w.pushed++
	if v == 0 && w.nonZero == 0 && !w.scrollLiveMarks() {
		return // a flat line scrolled is the same flat line
	}
	w.Refresh()
}

// Reset clears a live waveform to silence.
func (w *Waveform) Reset() {
	clear(w.values)
	w.head, w.nonZero = 0, 0
	w.live = nil
	w.Refresh()
}

// SetValues replaces what is shown with a whole overview (0..1 each).
func (w *Waveform) SetValues(v []float32) {
	w.values = append(w.values[:0], v...)
	w.head, w.nonZero = 0, 0
	for _, x := range w.values {
		if x > 0 {
			w.nonZero++
		}
	}
	w.Refresh()
}

// SetPlayhead moves the playhead to a fraction (0..1) of the length.
func (w *Waveform) SetPlayhead(f float64) {
	w.position = float64(clamp01(float32(f)))
	w.Refresh()
}

// Playhead returns the playhead's fraction of the length.
func (w *Waveform) Playhead() float64 { return w.position }

// Tapped seeks to where the user tapped (or takes a bookmark, or extends
// the selection: waveformmarks.go).
func (w *Waveform) Tapped(ev *fyne.PointEvent) {
	w.touched()
	w.tapped(ev.Position.X)
}

// Dragged moves the playhead, or selects a span (waveformmarks.go).
func (w *Waveform) Dragged(ev *fyne.DragEvent) {
	w.touched()
	w.dragged(ev)
}

// touched tells OnTouch.
func (w *Waveform) touched() {
	if w.Seekable && w.OnTouch != nil {
		w.OnTouch()
	}
}

// DragEnd implements fyne.Draggable.
func (w *Waveform) DragEnd() { w.dragEnd() }

func (w *Waveform) seekTo(x float32) {
	if !w.Seekable || w.Size().Width <= 0 {
		return
	}
	f := float64(clamp01(x / w.Size().Width))
	w.SetPlayhead(f)
	if w.OnSeek != nil {
		w.OnSeek(f)
	}
}

// at returns the i-th value in display order (oldest first).
func (w *Waveform) at(i int) float32 { return w.values[(w.head+i)%len(w.values)] }

// CreateRenderer implements fyne.Widget.
func (w *Waveform) CreateRenderer() fyne.WidgetRenderer {
	r := &waveRenderer{w: w}
	r.raster = canvas.NewRaster(r.paint)
	r.raster.ScaleMode = canvas.ImageScalePixels
	return r
}

type waveRenderer struct {
	w      *Waveform
	raster *canvas.Raster
}

func (r *waveRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.raster} }
func (r *waveRenderer) Destroy()                     {}
func (r *waveRenderer) Layout(s fyne.Size)           { r.raster.Resize(s) }
func (r *waveRenderer) Refresh()                     { r.raster.Refresh() }

// MinSize is a few text lines high, so it scales with the theme.
func (r *waveRenderer) MinSize() fyne.Size {
	text := r.w.Theme().Size(theme.SizeNameText)
	return fyne.NewSize(text*8, text*4)
}

// paint draws the bars into the reused image at the raster's pixel size.
func (r *waveRenderer) paint(pw, ph int) image.Image {
	w := r.w
	if w.img == nil || w.img.Rect.Dx() != pw || w.img.Rect.Dy() != ph {
		w.img = image.NewRGBA(image.Rect(0, 0, pw, ph))
	}
	th := w.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	draw.Draw(w.img, w.img.Rect, image.NewUniform(th.Color(theme.ColorNameInputBackground, v)), image.Point{}, draw.Src)
	n := len(w.values)
	if pw == 0 || ph == 0 {
		return w.img
	}
	w.paintSelection(w.img, th, v)
	defer w.paintMarks(w.img, th, v)
	if n == 0 {
		return w.img
	}
	played := uniform(th.Color(theme.ColorNamePrimary, v))
	rest := played
	if w.Seekable {
		rest = uniform(th.Color(theme.ColorNameDisabled, v))
	}
	mid := ph / 2
	playX := int(w.position * float64(pw))
	for x := 0; x < pw; x++ {
		// Each pixel column shows the loudest value that falls on it, so a
		// short peak is never lost when there are more values than pixels.
		from, to := x*n/pw, (x+1)*n/pw
		if to <= from {
			to = from + 1
		}
		var a float32
		for i := from; i < to && i < n; i++ {
			a = max(a, w.at(i))
		}
		half := int(a * float32(mid))
		c := played
		if w.Seekable && x > playX {
			c = rest
		}
		draw.Draw(w.img, image.Rect(x, mid-half, x+1, mid+half+1), c, image.Point{}, draw.Src)
	}
	if w.Seekable {
		head := uniform(th.Color(theme.ColorNameForeground, v))
		x := min(playX, pw-2)
		draw.Draw(w.img, image.Rect(x, 0, x+2, ph), head, image.Point{}, draw.Src)
	}
	return w.img
}

func uniform(c color.Color) *image.Uniform { return image.NewUniform(c) }

func clamp01(v float32) float32 {
	switch {
	case v != v || v < 0: // NaN or negative
		return 0
	case v > 1:
		return 1
	}
	return v
}
