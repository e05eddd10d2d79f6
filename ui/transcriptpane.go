package ui

import (
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/human"
)

// segmentPane shows a transcript's segments, each after its time, built
// lazily: the pane is as tall as every segment at its width (worked out
// from measured word widths, no widgets), but only the rows inside the
// view of the scroller around it exist — a small pool, rebound as it
// scrolls. A two-hour transcript (1,500 segments, 20,000 words) so opens,
// and follows the playhead, about as cheaply as a short one.
type segmentPane struct {
	box *fyne.Container // the pane; segmentPane is its layout
	// view is the scroller the pane sits in, viewed the scroller's
	// content: rows exist for what is within view's window.
	view   *container.Scroll
	viewed fyne.CanvasObject
	play   func(time.Duration) // a time or a word was clicked
	edit   func(i int)         // segment i's pencil was clicked

	segs   []api.Segment
	width  float32   // the width tops are for
	tops   []float32 // each row's y; the extra last one is the pane's height
	rows   []*segmentRow
	cur    [2]int            // the segment and word highlighted; -1 none
	edited int               // the segment being corrected, -1 none
	editor fyne.CanvasObject // its form, in the pane in place of its row

	m paneMetrics
}

// paneMetrics are the sizes the pane's arithmetic needs, measured once from
// real widgets so that the worked-out heights are the drawn ones.
type paneMetrics struct {
	lineH, stampH, editW float32
	linkPad              float32 // a link's width beyond its text's
	textSize             float32
	widths               map[string]float32 // words as drawn (bold, the wider), by text
}

const (
	paneGuessWidth = 360 // until the first layout says the real width
	paneMargin     = 300 // rows made above and below the view, for smooth scrolling
)

func newSegmentPane(play func(time.Duration), edit func(int)) *segmentPane {
	p := &segmentPane{play: play, edit: edit, cur: [2]int{-1, -1}, edited: -1}
	p.box = container.New(p)
	link := widget.NewHyperlink("x", nil)
	link.TextStyle.Bold = true
	p.m = paneMetrics{lineH: link.MinSize().Height, textSize: theme.TextSize(), widths: map[string]float32{},
		stampH: widget.NewButton("0:00", nil).MinSize().Height,
		editW:  widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), nil).MinSize().Width}
	p.m.linkPad = link.MinSize().Width - fyne.MeasureText("x", p.m.textSize, fyne.TextStyle{Bold: true}).Width
	return p
}

// setSegments shows segs (a new transcript, or a new version of it): the
// highlight and any correction in progress go.
func (p *segmentPane) setSegments(segs []api.Segment) {
	p.segs, p.cur, p.edited, p.editor = segs, [2]int{-1, -1}, -1, nil
	for _, r := range p.rows {
		r.index = -1
	}
	p.box.Objects = p.box.Objects[:0]
	for _, r := range p.rows {
		p.box.Objects = append(p.box.Objects, r.box)
	}
	p.remeasure()
}

func (p *segmentPane) widthOr() float32 {
	if p.width > 0 {
		return p.width
	}
	return paneGuessWidth
}

// MinSize is the height of every segment at the last width.
func (p *segmentPane) MinSize([]fyne.CanvasObject) fyne.Size {
	if len(p.tops) == 0 {
		return fyne.Size{}
	}
	return fyne.NewSize(0, p.tops[len(p.tops)-1])
}

// Layout works the heights out again if the width changed, then places
// the rows in view.
func (p *segmentPane) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	if size.Width != p.width {
		old := p.MinSize(nil)
		p.measure(size.Width)
		if p.MinSize(nil) != old && p.view != nil {
			fyne.Do(p.view.Refresh) // the pane's height changed: the scroller lays its content out again
		}
	}
	p.place()
}

// scrolled places the rows for the scroller's new position.
func (p *segmentPane) scrolled() {
	if len(p.segs) > 0 {
		p.place()
	}
}

// measure works out every row's top at width w.
func (p *segmentPane) measure(w float32) {
	p.width = w
	textW := p.textWidth()
	p.tops = p.tops[:0]
	var y float32
	for i := range p.segs {
		p.tops = append(p.tops, y)
		y += p.height(i, textW) + theme.Padding()
	}
	p.tops = append(p.tops, y)
}

// stampW is the width of the time column: the widest time (the last).
func (p *segmentPane) stampW() float32 {
	if len(p.segs) == 0 {
		return 0
	}
	last := human.Moment(time.Duration(p.segs[len(p.segs)-1].StartMS) * time.Millisecond)
	return fyne.MeasureText(last, p.m.textSize, fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding()
}

func (p *segmentPane) textWidth() float32 {
	return max(p.width-p.stampW()-p.m.editW-2*theme.Padding(), 4*p.m.lineH)
}

func (p *segmentPane) height(i int, textW float32) float32 {
	if i == p.edited && p.editor != nil {
		return p.editor.MinSize().Height
	}
	return max(p.m.stampH, p.flow(p.tokens(i), textW, nil))
}

// tokens are what segment i shows: its words, or, without word times, the
// words of its text.
func (p *segmentPane) tokens(i int) []string {
	s := p.segs[i]
	if len(s.Words) == 0 {
		return strings.Fields(s.Text)
	}
	out := make([]string, len(s.Words))
	for j, w := range s.Words {
		out[j] = w.Text
	}
	return out
}

// wordWidth is a word's link width, cached by text.
func (p *segmentPane) wordWidth(w string) float32 {
	if v, ok := p.m.widths[w]; ok {
		return v
	}
	v := fyne.MeasureText(w, p.m.textSize, fyne.TextStyle{Bold: true}).Width + p.m.linkPad
	p.m.widths[w] = v
	return v
}

// flow lays words out left to right within width, wrapping like a
// paragraph (links overlap their padding, so the words read as text); at,
// if set, gets each one's place. It returns the height used.
func (p *segmentPane) flow(words []string, width float32, at func(j int, pos fyne.Position, w float32)) float32 {
	gap := -theme.InnerPadding()
	var x, y float32
	for j, t := range words {
		w := min(p.wordWidth(t), width)
		if x > 0 && x+w > width {
			x, y = 0, y+p.m.lineH+gap
		}
		if at != nil {
			at(j, fyne.NewPos(x, y), w)
		}
		x += w + gap
	}
	if len(words) == 0 {
		return 0
	}
	return y + p.m.lineH
}

// window is the part of the pane to make rows for: what the scroller
// shows, and a margin either side.
func (p *segmentPane) window() (top, bottom float32) {
	if p.view == nil || p.viewed == nil || fyne.CurrentApp() == nil {
		return 0, 2 * paneMargin
	}
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(p.box).Y - d.AbsolutePositionForObject(p.viewed).Y
	top = p.view.Offset.Y - y - paneMargin
	return top, top + p.view.Size().Height + 2*paneMargin
}

// place binds rows to the segments in the window, keeping a row on the
// segment it already shows, and hides the others.
func (p *segmentPane) place() {
	top, bottom := p.window()
	first := sort.Search(len(p.segs), func(i int) bool { return p.tops[i+1] > top })
	last := first
	for last < len(p.segs) && p.tops[last] < bottom {
		last++
	}
	shown := map[int]*segmentRow{}
	var free []*segmentRow
	for _, r := range p.rows {
		if r.index >= first && r.index < last && r.index != p.edited {
			shown[r.index] = r
		} else {
			free = append(free, r)
		}
	}
	for i := first; i < last; i++ {
		if i == p.edited {
			continue
		}
		r := shown[i]
		fresh := r == nil
		if fresh {
			if len(free) > 0 {
				r, free = free[0], free[1:]
			} else {
				r = newSegmentRow(p)
				p.rows = append(p.rows, r)
				p.box.Objects = append(p.box.Objects, r.box)
			}
			r.bind(i)
		}
		size := fyne.NewSize(p.width, p.tops[i+1]-p.tops[i]-theme.Padding())
		r.box.Move(fyne.NewPos(0, p.tops[i]))
		if fresh && r.box.Size() == size {
			rowLayout{r}.Layout(nil, size) // Resize to the same size lays nothing out
		}
		r.box.Resize(size)
		r.box.Show()
	}
	for _, r := range free {
		r.index = -1
		r.box.Hide()
	}
	if p.editor != nil {
		p.editor.Move(fyne.NewPos(0, p.tops[p.edited]))
		p.editor.Resize(fyne.NewSize(p.width, p.tops[p.edited+1]-p.tops[p.edited]-theme.Padding()))
	}
}

// rowOf is the row showing segment i, nil when it is not in view.
func (p *segmentPane) rowOf(i int) *segmentRow {
	for _, r := range p.rows {
		if r.index == i && r.box.Visible() {
			return r
		}
	}
	return nil
}

// highlight marks segment seg and its word (-1: none) as being said.
func (p *segmentPane) highlight(seg, word int) {
	old := p.cur
	p.cur = [2]int{seg, word}
	if r := p.rowOf(old[0]); r != nil && old[0] != seg {
		r.paint()
	}
	if r := p.rowOf(seg); r != nil {
		r.paint()
	}
}

// at is the segment and word said at ms, -1 for none: the last segment
// started by then (if it has not ended more than 0.3 s before), and its
// last word started by then.
func (p *segmentPane) at(ms int64) (seg, word int) {
	i := sort.Search(len(p.segs), func(i int) bool { return p.segs[i].StartMS > ms }) - 1
	if i < 0 || ms >= p.segs[i].EndMS+300 {
		return -1, -1
	}
	word = sort.Search(len(p.segs[i].Words), func(j int) bool { return p.segs[i].Words[j].StartMS > ms }) - 1
	return i, word
}

// startEdit shows form in place of segment i's row.
func (p *segmentPane) startEdit(i int, form fyne.CanvasObject) {
	p.stopEdit()
	p.edited, p.editor = i, form
	p.box.Objects = append(p.box.Objects, form)
	p.remeasure()
}

// stopEdit puts the row back in place of the form.
func (p *segmentPane) stopEdit() {
	if p.editor == nil {
		return
	}
	for k, o := range p.box.Objects {
		if o == p.editor {
			p.box.Objects = append(p.box.Objects[:k], p.box.Objects[k+1:]...)
			break
		}
	}
	p.edited, p.editor = -1, nil
	p.remeasure()
}

// remeasure works the rows out again; if the pane's height changed, the
// scroller lays its content out again (at its own width: the content's
// current size may be stale).
func (p *segmentPane) remeasure() {
	old := p.MinSize(nil)
	p.measure(p.widthOr())
	if p.MinSize(nil) != old && p.view != nil {
		p.view.Refresh()
	}
	p.box.Refresh()
}

// segmentRow is one segment on screen: its time (click: play from it), its
// words (click one: play from it) and a pencil to correct it.
type segmentRow struct {
	p     *segmentPane
	index int // the segment shown; -1 none
	box   *fyne.Container
	back  *canvas.Rectangle
	stamp *widget.Button
	pen   *widget.Button
	links []*widget.Hyperlink
	times []time.Duration // when each link's word is said
	n     int             // links in use
}

func newSegmentRow(p *segmentPane) *segmentRow {
	r := &segmentRow{p: p, index: -1}
	r.back = canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	r.back.Hide()
	r.stamp = widget.NewButton("", func() {
		if r.index >= 0 {
			p.play(time.Duration(p.segs[r.index].StartMS) * time.Millisecond)
		}
	})
	r.stamp.Importance = widget.LowImportance
	r.pen = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() {
		if r.index >= 0 {
			p.edit(r.index)
		}
	})
	r.pen.Importance = widget.LowImportance
	r.box = container.New(rowLayout{r}, r.back, r.stamp, r.pen)
	return r
}

// bind shows segment i.
func (r *segmentRow) bind(i int) {
	r.index = i
	s := r.p.segs[i]
	start := time.Duration(s.StartMS) * time.Millisecond
	r.stamp.SetText(human.Moment(start))
	words := r.p.tokens(i)
	r.times = r.times[:0]
	for j, w := range words {
		at := start
		if j < len(s.Words) {
			at = time.Duration(s.Words[j].StartMS) * time.Millisecond
		}
		r.times = append(r.times, at)
		if j == len(r.links) {
			r.addLink(j)
		}
		if r.links[j].Text != w {
			r.links[j].SetText(w)
		}
		r.links[j].Show()
	}
	r.n = len(words)
	for _, l := range r.links[r.n:] {
		l.Hide()
	}
	r.paint()
}

func (r *segmentRow) addLink(j int) {
	l := widget.NewHyperlink("", nil)
	l.OnTapped = func() { r.p.play(r.times[j]) }
	r.links = append(r.links, l)
	r.box.Objects = append(r.box.Objects, l)
}

// paint shows whether the segment is being said, and which word (bold).
func (r *segmentRow) paint() {
	on := r.index >= 0 && r.index == r.p.cur[0]
	r.back.Hidden = !on
	r.back.Refresh()
	for j, l := range r.links[:r.n] {
		if bold := on && j == r.p.cur[1]; l.TextStyle.Bold != bold {
			l.TextStyle.Bold = bold
			l.Refresh()
		}
	}
}

// rowLayout places a row's parts: the time on the left (the column as wide
// as the transcript's widest time), the pencil on the right, the words
// flowing between them, as segmentPane.flow worked the height out.
type rowLayout struct{ r *segmentRow }

func (l rowLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	r, p := l.r, l.r.p
	r.back.Move(fyne.Position{})
	r.back.Resize(size)
	stampW := p.stampW()
	r.stamp.Move(fyne.Position{})
	r.stamp.Resize(fyne.NewSize(stampW, p.m.stampH))
	r.pen.Move(fyne.NewPos(size.Width-p.m.editW, 0))
	r.pen.Resize(fyne.NewSize(p.m.editW, p.m.stampH))
	if r.index < 0 {
		return
	}
	x0 := stampW + theme.Padding()
	words := make([]string, r.n)
	for j := range words {
		words[j] = r.links[j].Text
	}
	p.flow(words, p.textWidth(), func(j int, pos fyne.Position, w float32) {
		r.links[j].Move(pos.AddXY(x0, 0))
		r.links[j].Resize(fyne.NewSize(w, p.m.lineH))
	})
}

func (l rowLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.r.p.stampW()+l.r.p.m.editW, l.r.p.m.stampH)
}
