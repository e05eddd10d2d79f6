package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/earshot/earshot/internal/textfold"
)

// colorNameMatch is the background behind the part of a title a search
// matched; the theme's text colour reads on it (theme_test.go).
const colorNameMatch fyne.ThemeColorName = "earshotMatch"

// marks draws the match colour behind the parts of a one-line text widget
// (a Label or a Hyperlink: text at the inner padding, one line) that the
// search matched. It is the widget's container's layout: the rectangles
// first, the widget on top.
type marks struct {
	obj    fyne.CanvasObject
	text   string
	style  fyne.TextStyle
	ranges []textfold.Range
	rects  []*canvas.Rectangle
	box    *fyne.Container
}

func newMarks(obj fyne.CanvasObject, style fyne.TextStyle) *marks {
	m := &marks{obj: obj, style: style}
	m.box = container.New(m, obj)
	return m
}

// set marks where query matches text (the widget's text), folded as the
// title filter folds; "" marks nothing.
func (m *marks) set(text, query string) {
	m.text, m.ranges = text, textfold.Ranges(text, query)
	if len(m.ranges) == 0 && len(m.rects) == 0 {
		return
	}
	for len(m.rects) < len(m.ranges) {
		m.rects = append(m.rects, canvas.NewRectangle(color.Transparent))
	}
	objs := make([]fyne.CanvasObject, 0, len(m.rects)+1)
	c := fyne.CurrentApp().Settings().Theme().Color(colorNameMatch, fyne.CurrentApp().Settings().ThemeVariant())
	for i, r := range m.rects {
		r.Hidden = i >= len(m.ranges)
		r.FillColor, r.CornerRadius = c, 3
		objs = append(objs, r)
	}
	m.box.Objects = append(objs, m.obj)
	m.Layout(m.box.Objects, m.box.Size())
	m.box.Refresh()
}

// MinSize implements fyne.Layout: the widget's.
func (m *marks) MinSize([]fyne.CanvasObject) fyne.Size { return m.obj.MinSize() }

// Layout implements fyne.Layout: the widget fills the box, each match's
// rectangle sits behind its letters, clipped where the text is cut short.
func (m *marks) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	m.obj.Move(fyne.Position{})
	m.obj.Resize(size)
	th := fyne.CurrentApp().Settings().Theme()
	pad, textSize := th.Size(theme.SizeNameInnerPadding), th.Size(theme.SizeNameText)
	line := fyne.MeasureText("M", textSize, m.style).Height
	right := size.Width - pad
	for i, rg := range m.ranges {
		r := m.rects[i]
		x0 := pad + fyne.MeasureText(m.text[:rg.Start], textSize, m.style).Width
		x1 := min(pad+fyne.MeasureText(m.text[:rg.End], textSize, m.style).Width, right)
		if x1 <= x0 {
			r.Hide()
			continue
		}
		r.Show()
		r.Move(fyne.NewPos(x0-1, (size.Height-line)/2))
		r.Resize(fyne.NewSize(x1-x0+2, line))
	}
}
