package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TestFirstWindowFitsTheScreen (fault 21): at scales 1, 1.5 and 2 the
// first window — its requested size, or its content's minimum if larger —
// fits a 1280×800 screen.
func TestFirstWindowFitsTheScreen(t *testing.T) {
	u, _ := newTestUI(t)
	var min fyne.Size
	var text float32
	onMainWait(func() {
		min = u.win.Content().MinSize()
		text = theme.TextSize()
	})
	for _, scale := range []float32{1, 1.5, 2} {
		size := fitScreen(text, scale)
		w, h := max(size.Width, min.Width)*scale, max(size.Height, min.Height)*scale
		if w > 1280 || h > 800 {
			t.Errorf("scale %.1f: first window %.0f×%.0f px (asked %v, content needs %v): larger than 1280×800", scale, w, h, size, min)
		}
		if scale == 1 && (size.Width < 800 || size.Height < 560) {
			t.Errorf("scale 1: first window %v, want the comfortable size (about 868×616)", size)
		}
	}
}

func TestUserScaleReadsFYNE_SCALE(t *testing.T) {
	t.Setenv("FYNE_SCALE", "1.5")
	if s := userScale(); s != 1.5 {
		t.Fatalf("userScale() = %v with FYNE_SCALE=1.5", s)
	}
}
