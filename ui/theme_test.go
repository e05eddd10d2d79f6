package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c color.NRGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is WCAG 2's contrast ratio of two opaque colours (1 to 21).
func contrast(a, b color.NRGBA) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// over composites c onto an opaque base, as the renderer does.
func over(c, base color.NRGBA) color.NRGBA {
	a := float64(c.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(c.R, base.R), G: mix(c.G, base.G), B: mix(c.B, base.B), A: 0xff}
}

// surface is what text is drawn on: a base colour with overlays on top
// (hover, focus), composited in order.
type surface []fyne.ThemeColorName

func (s surface) String() string {
	out := ""
	for i, n := range s {
		if i > 0 {
			out += "+"
		}
		out += string(n)
	}
	return out
}

const (
	bg       = theme.ColorNameBackground
	fg       = theme.ColorNameForeground
	disabled = theme.ColorNameDisabled
	hover    = theme.ColorNameHover
	focus    = theme.ColorNameFocus
	sel      = theme.ColorNameSelection
	input    = theme.ColorNameInputBackground
	button   = theme.ColorNameButton
)

// Where Fyne 2.7 draws each text colour (widget/label.go, button.go,
// entry.go, list.go, select.go, container/tabs.go, dialog): labels of every
// importance on the window, hovered and selected rows and dialogs; entry
// text and placeholders; buttons of every importance, hovered or focused.
var textPairs = []struct {
	text  fyne.ThemeColorName
	where []surface
}{
	{fg, []surface{{bg}, {bg, hover}, {sel}, {input}, {input, hover}, {input, focus}, {button}, {button, hover}, {button, focus},
		{theme.ColorNameHeaderBackground}, {theme.ColorNameMenuBackground}, {theme.ColorNameMenuBackground, hover},
		{theme.ColorNameOverlayBackground}, {theme.ColorNameOverlayBackground, hover}, {colorNameMatch}}},
	// Secondary text: LowImportance labels, disabled buttons, tabs and entries.
	{disabled, []surface{{bg}, {bg, hover}, {sel}, {input}, {theme.ColorNameDisabledButton},
		{theme.ColorNameHeaderBackground}, {theme.ColorNameOverlayBackground}, {theme.ColorNameMenuBackground}}},
	{theme.ColorNamePlaceHolder, []surface{{input}, {input, hover}, {input, focus}}},
	{theme.ColorNamePrimary, []surface{{bg}, {bg, hover}, {sel}, {theme.ColorNameOverlayBackground}, {colorNameMatch}}},
	// Hyperlinks: the titles of "Said in recordings" hits, marked where the search matched.
	{theme.ColorNameHyperlink, []surface{{bg}, {bg, hover}, {theme.ColorNameOverlayBackground}, {colorNameMatch}}},
	{theme.ColorNameError, []surface{{bg}, {bg, hover}, {sel}, {theme.ColorNameOverlayBackground}}},
	{theme.ColorNameWarning, []surface{{bg}, {bg, hover}, {sel}, {theme.ColorNameOverlayBackground}}},
	{theme.ColorNameSuccess, []surface{{bg}, {bg, hover}, {sel}, {theme.ColorNameOverlayBackground}}},
	{theme.ColorNameForegroundOnPrimary, []surface{{theme.ColorNamePrimary}, {theme.ColorNamePrimary, hover}, {theme.ColorNamePrimary, focus}}},
	{theme.ColorNameForegroundOnError, []surface{{theme.ColorNameError}, {theme.ColorNameError, hover}, {theme.ColorNameError, focus}}},
	{theme.ColorNameForegroundOnWarning, []surface{{theme.ColorNameWarning}, {theme.ColorNameWarning, hover}}},
	{theme.ColorNameForegroundOnSuccess, []surface{{theme.ColorNameSuccess}, {theme.ColorNameSuccess, hover}}},
}

// Shapes that carry meaning need 3:1 (WCAG 1.4.11): entry borders, the
// waveform (played: primary, rest: disabled), the level meter (success,
// warning, the peak tick in foreground, the clip lamp in error) on its
// input-coloured track, the tab and progress indicators; on the seek bar,
// bookmark markers (warning) and the selection's handles (foreground) on
// the waveform's background and on the selection, where the bars (primary,
// disabled) are drawn too.
var shapePairs = []struct {
	shape fyne.ThemeColorName
	where []surface
}{
	{theme.ColorNameInputBorder, []surface{{bg}, {input}}},
	{theme.ColorNamePrimary, []surface{{bg}, {input}, {sel}}},
	{disabled, []surface{{input}, {sel}}},
	{theme.ColorNameSuccess, []surface{{input}}},
	{theme.ColorNameWarning, []surface{{input}, {sel}}},
	{theme.ColorNameError, []surface{{input}, {bg}}},
	{fg, []surface{{input}, {sel}}},
}

// TestThemeContrast computes every pair's WCAG contrast ratio from the
// theme's own colours, in both variants: 4.5:1 for text, 3:1 for shapes.
func TestThemeContrast(t *testing.T) {
	th := newTheme()
	col := func(n fyne.ThemeColorName, v fyne.ThemeVariant) color.NRGBA {
		return color.NRGBAModel.Convert(th.Color(n, v)).(color.NRGBA)
	}
	paint := func(s surface, v fyne.ThemeVariant) color.NRGBA {
		c := col(s[0], v)
		if c.A != 0xff {
			t.Fatalf("surface %s is not opaque in variant %d: %v", s[0], v, c)
		}
		for _, o := range s[1:] {
			c = over(col(o, v), c)
		}
		return c
	}
	check := func(what fyne.ThemeColorName, s surface, v fyne.ThemeVariant, want float64) {
		c := col(what, v)
		if c.A != 0xff {
			t.Errorf("%s is translucent (%v): its contrast depends on what is under it", what, c)
			return
		}
		if r := contrast(c, paint(s, v)); r < want {
			t.Errorf("variant %d: %s on %s: contrast %.2f:1, want ≥ %.1f:1", v, what, s, r, want)
		}
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for _, p := range textPairs {
			for _, s := range p.where {
				check(p.text, s, v, 4.5)
			}
		}
		for _, p := range shapePairs {
			for _, s := range p.where {
				check(p.shape, s, v, 3)
			}
		}
	}
}

// The contrast maths against WCAG's own figures.
func TestContrastFormula(t *testing.T) {
	if r := contrast(rgb(0x000000), rgb(0xffffff)); math.Abs(r-21) > 0.01 {
		t.Fatalf("black on white %.2f, want 21", r)
	}
	if r := contrast(rgb(0x767676), rgb(0xffffff)); math.Abs(r-4.54) > 0.01 {
		t.Fatalf("#767676 on white %.2f, want 4.54", r)
	}
	if c := over(rgba(0x000000, 0x80), rgb(0xffffff)); c != rgb(0x7f7f7f) {
		t.Fatalf("half black over white %v", c)
	}
}
