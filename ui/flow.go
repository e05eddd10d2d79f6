package ui

import "fyne.io/fyne/v2"

// flowLayout places objects left to right and wraps them onto the next
// line where the width runs out, like words in a paragraph. A Fyne layout's
// MinSize cannot see the width it will get, so it answers for the width of
// the last Layout (one word a line before the first).
type flowLayout struct {
	hgap, vgap float32 // between objects and between lines (negative: overlap their padding)
	width      float32 // the width of the last Layout
	// reflow, if set, is called (later, on the Fyne goroutine) when the
	// width changed, to refresh the container whose layout holds this one.
	reflow func()
}

// Layout positions objs within size.
func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	changed := f.width != size.Width
	f.width = size.Width
	f.place(objs, true)
	if changed && f.reflow != nil {
		fyne.Do(f.reflow) // the height depends on the width: the parent asks again
	}
}

// MinSize is the height the objects take at the last width.
func (f *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return f.place(objs, false)
}

// place works out (and with move set, applies) each object's position and
// returns the size used.
func (f *flowLayout) place(objs []fyne.CanvasObject, move bool) fyne.Size {
	var x, y, lineH, widest float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		if x > 0 && x+s.Width > f.width {
			x, y, lineH = 0, y+lineH+f.vgap, 0
		}
		if move {
			o.Move(fyne.NewPos(x, y))
			o.Resize(s)
		}
		x += s.Width + f.hgap
		lineH = max(lineH, s.Height)
		widest = max(widest, s.Width)
	}
	return fyne.NewSize(widest, y+lineH)
}
