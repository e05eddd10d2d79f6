package ui

import (
	"os"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
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
