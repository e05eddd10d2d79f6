package ui

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// inked is the bounding box of the pixels of img that differ from the
// background, and whether any of them is coloured (not a grey).
func inked(img image.Image, bg color.Color) (box image.Rectangle, coloured bool) {
	br, bgc, bb, _ := bg.RGBA()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r == br && g == bgc && bl == bb {
				continue
			}
			box = box.Union(image.Rect(x, y, x+1, y+1))
			hi, lo := max(r, g, bl), min(r, g, bl)
			if hi-lo > 0x3000 {
				coloured = true
			}
		}
	}
	return box, coloured
}

// Emoji in titles are drawn in colour and as tall as a capital letter
// (Fyne's bundled EmojiOne after the theme's faces), in the regular and the
// bold face the rows use: not the tiny grey glyphs of a monochrome
// fallback.
func TestEmojiDrawFullSizeInColour(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(variantTheme{newTheme(), theme.VariantLight})
	bg := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight)
	w := test.NewWindow(nil)
	defer w.Close()
	draw := func(text string, bold bool) (image.Rectangle, bool) {
		var box image.Rectangle
		var coloured bool
		onMainWait(func() {
			l := widget.NewLabel(text)
			l.TextStyle.Bold = bold
			w.SetContent(l)
			w.Resize(fyne.NewSize(120, 60))
			box, coloured = inked(w.Canvas().Capture(), bg)
		})
		return box, coloured
	}
	for _, bold := range []bool{false, true} {
		m, _ := draw("M", bold)
		// Not checked: 👍 is narrower than an M in EmojiOne itself, and
		// emoji outside Fyne's EmojiOne subset (📞) fall back to a grey
		// system glyph; the colour font Debian ships (Noto Color Emoji) is
		// bitmap (CBDT), which Fyne's painter does not draw.
		for _, e := range []string{"😀", "🎤"} {
			box, coloured := draw(e, bold)
			if !coloured {
				t.Errorf("bold %v: %s drawn without colour", bold, e)
			}
			if box.Dy() < m.Dy()*9/10 {
				t.Errorf("bold %v: %s is %d px tall, a capital M %d px", bold, e, box.Dy(), m.Dy())
			}
		}
	}
}
