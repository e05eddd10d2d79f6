package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
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

// TestFilterChoicesFitUncut (fault 23): at the first window size every
// choice of the filter and the sort fits its box whole — Fyne's own chrome
// (padding, icon) plus the text — instead of "On this dev…".
func TestFilterChoicesFitUncut(t *testing.T) {
	u, _ := newTestUI(t)
	u.do(func() { u.win.Resize(defaultSize()) })
	for _, s := range []*widget.Select{u.list.filter, u.list.order} {
		onMainWait(func() {
			text := s.Theme().Size(theme.SizeNameText)
			chrome := s.MinSize().Width - fyne.MeasureText(s.PlaceHolder, text, fyne.TextStyle{}).Width
			for _, o := range s.Options {
				if need := fyne.MeasureText(o, text, fyne.TextStyle{}).Width + chrome; s.Size().Width < need {
					t.Errorf("%q gets %.0f px of the %.0f it needs: cut short", o, s.Size().Width, need)
				}
			}
		})
	}
}
