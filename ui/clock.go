package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// clockText shows a running time ("12:34") in the theme's regular font with
// every digit centred in a cell as wide as the widest digit, like tabular
// figures, so the time does not wobble as it counts. A monospace font would
// do the same, but each text style Fyne draws loads its own set of fonts
// (with the emoji font's tables parsed again): several megabytes for one label.
// Set it from the Fyne goroutine.
type clockText struct {
	widget.BaseWidget
	text     string
	textSize float32
}

func newClockText(text string, textSize float32) *clockText {
	c := &clockText{text: text, textSize: textSize}
	c.ExtendBaseWidget(c)
	return c
}

// SetText shows s; the same text again repaints nothing.
func (c *clockText) SetText(s string) {
	if s == c.text {
		return
	}
	c.text = s
	c.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (c *clockText) CreateRenderer() fyne.WidgetRenderer {
	r := &clockRenderer{c: c}
	r.Refresh()
	return r
}

type clockRenderer struct {
	c     *clockText
	chars []*canvas.Text
	objs  []fyne.CanvasObject
	// digit is the width of the widest digit, sep that of ':', at textSize.
	digit, sep, height, measuredAt float32
}

func (r *clockRenderer) measure() {
	if r.measuredAt == r.c.textSize {
		return
	}
	r.digit, r.height = 0, 0
	for d := '0'; d <= '9'; d++ {
		s := fyne.MeasureText(string(d), r.c.textSize, fyne.TextStyle{})
		r.digit, r.height = max(r.digit, s.Width), max(r.height, s.Height)
	}
	r.sep = fyne.MeasureText(":", r.c.textSize, fyne.TextStyle{}).Width
	r.measuredAt = r.c.textSize
}

func (r *clockRenderer) cell(ch rune) float32 {
	if ch >= '0' && ch <= '9' {
		return r.digit
	}
	return r.sep
}

func (r *clockRenderer) Layout(size fyne.Size) {
	r.measure()
	var w float32
	for _, t := range r.chars {
		w += r.cell([]rune(t.Text)[0])
	}
	x := size.Width - w // right-aligned, as a clock at the end of a row
	for _, t := range r.chars {
		cw := r.cell([]rune(t.Text)[0])
		tw := t.MinSize().Width
		t.Move(fyne.NewPos(x+(cw-tw)/2, (size.Height-r.height)/2))
		t.Resize(fyne.NewSize(tw, r.height))
		x += cw
	}
}

func (r *clockRenderer) MinSize() fyne.Size {
	r.measure()
	var w float32
	for _, ch := range r.c.text {
		w += r.cell(ch)
	}
	return fyne.NewSize(w, r.height)
}

// Refresh makes one text object per character, reusing those it has.
func (r *clockRenderer) Refresh() {
	th := r.c.Theme()
	col := th.Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant())
	runes := []rune(r.c.text)
	for len(r.chars) < len(runes) {
		r.chars = append(r.chars, canvas.NewText("", col))
	}
	r.chars = r.chars[:len(runes)]
	r.objs = r.objs[:0]
	for i, ch := range runes {
		t := r.chars[i]
		t.Text, t.Color, t.TextSize = string(ch), col, r.c.textSize
		r.objs = append(r.objs, t)
	}
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *clockRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *clockRenderer) Destroy()                     {}
