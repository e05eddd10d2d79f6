package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// earshotTheme is Fyne's default theme with colours chosen for reading:
// every text colour meets WCAG AA (4.5:1) against every surface it is drawn
// on, in the light and the dark variant, selected and hovered rows
// included, and borders, bars and icons meet 3:1 (theme_test.go computes
// each pair). Fyne draws secondary text (LowImportance labels) in the
// Disabled colour, so that colour is a readable grey, not a faint one;
// disabled buttons still read as disabled by their flat background.
type earshotTheme struct {
	fyne.Theme // sizes, icons and fonts
	// bold is the bold face to use instead of Fyne's (a CJK one: see
	// fonts.go); nil keeps Fyne's.
	bold fyne.Resource
}

var _ fyne.Theme = (*earshotTheme)(nil)

// newTheme returns the window's theme.
func newTheme() *earshotTheme { return &earshotTheme{Theme: theme.DefaultTheme()} }

// Font returns the face for style: Fyne's, with bold from t.bold when set.
func (t *earshotTheme) Font(style fyne.TextStyle) fyne.Resource {
	if t.bold != nil && style.Bold && !style.Monospace && !style.Symbol && !style.Italic {
		return t.bold
	}
	return t.Theme.Font(style)
}

// Color returns name's colour in variant v; names Earshot does not set come
// from Fyne's default theme.
func (t *earshotTheme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	p := lightPalette
	if v == theme.VariantDark {
		p = darkPalette
	}
	if c, ok := p[name]; ok {
		return c
	}
	return t.Theme.Color(name, v)
}

// rgb is an opaque colour from 0xRRGGBB.
func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

// rgba is a colour from 0xRRGGBB and an alpha.
func rgba(hex uint32, a uint8) color.NRGBA {
	c := rgb(hex)
	c.A = a
	return c
}

var lightPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          rgb(0xfafafa),
	theme.ColorNameForeground:          rgb(0x1c1c1e),
	theme.ColorNameDisabled:            rgb(0x5c5f66),
	theme.ColorNamePlaceHolder:         rgb(0x4e5157),
	theme.ColorNamePrimary:             rgb(0x1a5fb4),
	theme.ColorNameHyperlink:           rgb(0x1a5fb4),
	theme.ColorNameForegroundOnPrimary: rgb(0xffffff),
	theme.ColorNameError:               rgb(0xc01c28),
	theme.ColorNameForegroundOnError:   rgb(0xffffff),
	theme.ColorNameWarning:             rgb(0x8a5300),
	theme.ColorNameForegroundOnWarning: rgb(0xffffff),
	theme.ColorNameSuccess:             rgb(0x166428),
	theme.ColorNameForegroundOnSuccess: rgb(0xffffff),
	theme.ColorNameButton:              rgb(0xe6e6e9),
	theme.ColorNameDisabledButton:      rgb(0xefeff1),
	theme.ColorNameInputBackground:     rgb(0xededf0),
	theme.ColorNameInputBorder:         rgb(0x85858c),
	theme.ColorNameHeaderBackground:    rgb(0xededf0),
	theme.ColorNameMenuBackground:      rgb(0xffffff),
	theme.ColorNameOverlayBackground:   rgb(0xffffff),
	theme.ColorNameHover:               rgba(0x000000, 0x10),
	theme.ColorNameFocus:               rgba(0x1a5fb4, 0x30),
	theme.ColorNamePressed:             rgba(0x000000, 0x1a),
	theme.ColorNameSelection:           rgb(0xd0e1f9),
	theme.ColorNameSeparator:           rgb(0xd6d6da),
	theme.ColorNameScrollBar:           rgba(0x000000, 0x66),
	theme.ColorNameShadow:              rgba(0x000000, 0x33),
	colorNameMatch:                     rgb(0xfbe38e),
}

var darkPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          rgb(0x1e1e20),
	theme.ColorNameForeground:          rgb(0xededf0),
	theme.ColorNameDisabled:            rgb(0xa3a3ab),
	theme.ColorNamePlaceHolder:         rgb(0xb4b4bc),
	theme.ColorNamePrimary:             rgb(0x78aeed),
	theme.ColorNameHyperlink:           rgb(0x78aeed),
	theme.ColorNameForegroundOnPrimary: rgb(0x0b1b2e),
	theme.ColorNameError:               rgb(0xff7b72),
	theme.ColorNameForegroundOnError:   rgb(0x2b0000),
	theme.ColorNameWarning:             rgb(0xf5c16c),
	theme.ColorNameForegroundOnWarning: rgb(0x2b1a00),
	theme.ColorNameSuccess:             rgb(0x7dd98a),
	theme.ColorNameForegroundOnSuccess: rgb(0x00210a),
	theme.ColorNameButton:              rgb(0x38383c),
	theme.ColorNameDisabledButton:      rgb(0x2a2a2d),
	theme.ColorNameInputBackground:     rgb(0x28282b),
	theme.ColorNameInputBorder:         rgb(0x7c7c84),
	theme.ColorNameHeaderBackground:    rgb(0x252528),
	theme.ColorNameMenuBackground:      rgb(0x2a2a2d),
	theme.ColorNameOverlayBackground:   rgb(0x2a2a2d),
	theme.ColorNameHover:               rgba(0xffffff, 0x12),
	theme.ColorNameFocus:               rgba(0x78aeed, 0x30),
	theme.ColorNamePressed:             rgba(0xffffff, 0x1a),
	theme.ColorNameSelection:           rgb(0x1d3b5e),
	theme.ColorNameSeparator:           rgb(0x3a3a3e),
	theme.ColorNameScrollBar:           rgba(0xffffff, 0x66),
	theme.ColorNameShadow:              rgba(0x000000, 0x66),
	colorNameMatch:                     rgb(0x4d3a00),
}

// newProgressBar is a progress bar without Fyne's "40%" text: that text is
// drawn over both the bar and its half-transparent track, and no one colour
// reads on both (the percentage is in the state line beside it instead).
func newProgressBar() *widget.ProgressBar {
	p := widget.NewProgressBar()
	p.TextFormatter = func() string { return "" }
	return p
}
