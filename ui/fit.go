package ui

import (
	"os"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// smallScreen is the smallest screen the first window must fit, in pixels,
// less room for a panel and the window's title bar.
var smallScreen = fyne.NewSize(1280-40, 800-80)

// defaultSize is the first window size: comfortable, measured in lines of
// text so it grows with the font size, but never more than fits a
// 1280×800 screen at the user's scale (FYNE_SCALE=2 made it 1736×1232
// pixels before).
func defaultSize() fyne.Size { return fitScreen(theme.TextSize(), userScale()) }

// fitScreen is defaultSize for text size text at scale.
func fitScreen(text, scale float32) fyne.Size {
	scale = max(scale, 0.5)
	return fyne.NewSize(
		min(text*62, smallScreen.Width/scale),
		min(text*44, smallScreen.Height/scale))
}

// userScale is the scale Fyne applies over the screen's own: FYNE_SCALE,
// else the app's setting, else 1 (as Fyne's desktop driver reads them).
func userScale() float32 {
	if v, err := strconv.ParseFloat(os.Getenv("FYNE_SCALE"), 32); err == nil && v > 0 {
		return float32(v)
	}
	if a := fyne.CurrentApp(); a != nil && a.Settings().Scale() > 0 {
		return a.Settings().Scale()
	}
	return 1
}

// wideSelect lays s out at least as wide as its widest option, so no choice
// is cut short ("On this dev…", fault 23): Fyne sizes a Select by its
// placeholder alone.
func wideSelect(s *widget.Select) fyne.CanvasObject {
	return container.New(optionsWidth{s}, s)
}

// optionsWidth is wideSelect's layout.
type optionsWidth struct{ s *widget.Select }

// MinSize is the Select's own, widened to the widest option plus the
// Select's chrome (its padding and the drop-down icon).
func (l optionsWidth) MinSize([]fyne.CanvasObject) fyne.Size {
	m := l.s.MinSize()
	text := l.s.Theme().Size(theme.SizeNameText)
	chrome := m.Width - fyne.MeasureText(l.s.PlaceHolder, text, fyne.TextStyle{}).Width
	for _, o := range l.s.Options {
		m.Width = max(m.Width, fyne.MeasureText(o, text, fyne.TextStyle{}).Width+chrome)
	}
	return m
}

// Layout gives the Select all the room.
func (optionsWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
