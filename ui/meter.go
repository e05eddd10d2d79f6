package ui

import (
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio"
)

// meterFloor is the quietest level the meter shows, in dBFS; speech sits
// between about -40 and -10, so 60 dB of range keeps it mid-scale.
const meterFloor = -60.0

// clipHold is how long the clipping lamp stays lit after a clipped window, so
// a single clipped block is visible to a person at all.
const clipHold = 1500 * time.Millisecond

// LevelMeter shows the input level: a bar for the RMS level, a tick for the
// peak and a lamp at the right end that lights when samples clip.
// Set it with SetLevel from the Fyne goroutine.
type LevelMeter struct {
	widget.BaseWidget

	level     audio.Level
	shown     audio.Level // the reading last painted
	clipUntil time.Time
	now       func() time.Time
}

// NewLevelMeter returns a meter showing silence.
func NewLevelMeter() *LevelMeter {
	silence := audio.Level{Peak: -120, RMS: -120}
	m := &LevelMeter{level: silence, shown: silence, now: time.Now}
	m.ExtendBaseWidget(m)
	return m
}

// SetLevel shows a new reading. A clipped reading keeps the lamp lit for a
// moment even if the next readings are clean. A reading that would look the
// same as the one shown (bars within half a unit, same colours) repaints
// nothing: every repaint redraws the whole window.
func (m *LevelMeter) SetLevel(l audio.Level) {
	oldClip := m.Clipping()
	m.level = l
	if l.Clipped {
		m.clipUntil = m.now().Add(clipHold)
	}
	if oldClip == m.Clipping() && !visiblyDifferent(m.shown, l, m.Size().Width) {
		return
	}
	m.shown = l
	m.Refresh()
}

// visiblyDifferent reports whether a meter width units wide shows b
// differently from a: a bar end moved by half a unit or more, the peak tick
// appeared or went, or the bar changed colour.
func visiblyDifferent(a, b audio.Level, width float32) bool {
	moved := func(x, y float64) bool {
		d := fraction(x) - fraction(y)
		return d*width >= 0.5 || d*width <= -0.5
	}
	return moved(a.RMS, b.RMS) || moved(a.Peak, b.Peak) ||
		(a.Peak <= meterFloor) != (b.Peak <= meterFloor) || (a.RMS > -6) != (b.RMS > -6)
}

// Level returns the reading shown.
func (m *LevelMeter) Level() audio.Level { return m.level }

// Clipping reports whether the clipping lamp is lit.
func (m *LevelMeter) Clipping() bool { return m.now().Before(m.clipUntil) }

// CreateRenderer implements fyne.Widget.
func (m *LevelMeter) CreateRenderer() fyne.WidgetRenderer {
	r := &meterRenderer{m: m,
		track: canvas.NewRectangle(nil),
		rms:   canvas.NewRectangle(nil),
		peak:  canvas.NewRectangle(nil),
		lamp:  canvas.NewRectangle(nil),
	}
	r.track.CornerRadius = theme.InputRadiusSize()
	r.applyColors()
	return r
}

// fraction maps dBFS onto 0..1 of the meter's length.
func fraction(db float64) float32 {
	if math.IsNaN(db) || db <= meterFloor {
		return 0
	}
	if db >= 0 {
		return 1
	}
	return float32(1 - db/meterFloor)
}

type meterRenderer struct {
	m                      *LevelMeter
	track, rms, peak, lamp *canvas.Rectangle
}

func (r *meterRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.rms, r.peak, r.lamp}
}

func (r *meterRenderer) Destroy() {}

// MinSize follows the theme's text size so the meter scales with HiDPI and
// the user's font size instead of a fixed pixel count.
func (r *meterRenderer) MinSize() fyne.Size {
	th := r.m.Theme()
	text := th.Size(theme.SizeNameText)
	return fyne.NewSize(text*12, text*0.9)
}

func (r *meterRenderer) Layout(size fyne.Size) {
	lampW := size.Height
	pad := r.m.Theme().Size(theme.SizeNameInnerPadding) / 4
	barW := size.Width - lampW - pad
	if barW < 0 {
		barW = 0
	}
	r.track.Move(fyne.NewPos(0, 0))
	r.track.Resize(fyne.NewSize(barW, size.Height))
	r.rms.Move(fyne.NewPos(0, 0))
	r.rms.Resize(fyne.NewSize(barW*fraction(r.m.level.RMS), size.Height))
	tick := fyne.Max(2, size.Height/6)
	px := barW*fraction(r.m.level.Peak) - tick
	r.peak.Move(fyne.NewPos(fyne.Max(0, px), 0))
	r.peak.Resize(fyne.NewSize(tick, size.Height))
	r.peak.Hidden = r.m.level.Peak <= meterFloor
	r.lamp.Move(fyne.NewPos(barW+pad, 0))
	r.lamp.Resize(fyne.NewSize(lampW, size.Height))
}

func (r *meterRenderer) applyColors() {
	th := r.m.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.track.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.rms.FillColor = th.Color(theme.ColorNameSuccess, v)
	if r.m.level.RMS > -6 {
		r.rms.FillColor = th.Color(theme.ColorNameWarning, v)
	}
	r.peak.FillColor = th.Color(theme.ColorNameForeground, v)
	r.lamp.FillColor = th.Color(theme.ColorNameInputBackground, v)
	if r.m.Clipping() {
		r.lamp.FillColor = th.Color(theme.ColorNameError, v)
	}
}

func (r *meterRenderer) Refresh() {
	r.applyColors()
	r.Layout(r.m.Size())
	canvas.Refresh(r.m)
}
