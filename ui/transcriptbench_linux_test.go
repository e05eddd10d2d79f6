package ui

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/human"
)

// The transcript view's benchmarks: opening a two-hour transcript (1,500
// segments, ~20,000 words) and following the playhead through it, the
// lazy pane next to the way the window did it before (every segment built
// as widgets, kept here as the reference), in the same run, in a 900×700
// test window (software painter). scripts/bench/transcriptview.sh runs
// them into bench/results/transcript-view.txt.

// benchWindow is a window with a scroller over content, as the details
// pane has.
func benchWindow(b *testing.B, content fyne.CanvasObject) (fyne.Window, *container.Scroll, *fyne.Container) {
	body := container.NewVBox(widget.NewLabel("Long meeting"), content)
	sc := container.NewScroll(body)
	var w fyne.Window
	onMainWait(func() {
		w = test.NewTempWindow(b, sc)
		w.Resize(fyne.NewSize(900, 700))
	})
	return w, sc, body
}

// BenchmarkTranscriptOpen: build, lay out and paint the first frame, for
// the first n segments of the two-hour transcript (1,500 is all of it).
func BenchmarkTranscriptOpen(b *testing.B) {
	test.NewTempApp(b)
	all := twoHours().Segments
	for _, n := range []int{100, 200, 400, 1500} {
		segs := all[:n]
		b.Run(fmt.Sprintf("lazy/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				p := newSegmentPane(func(time.Duration) {}, func(int) {})
				w, sc, body := benchWindow(b, p.box)
				onMainWait(func() {
					p.view, p.viewed = sc, body
					p.setSegments(segs)
					w.Canvas().(test.WindowlessCanvas).Capture()
				})
			}
		})
		b.Run(fmt.Sprintf("every-widget/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				var o *oldView
				onMainWait(func() { o = newOldView(segs) })
				w, _, _ := benchWindow(b, o.box)
				onMainWait(func() {
					w.Canvas().(test.WindowlessCanvas).Capture()
					o.settle()
					w.Canvas().(test.WindowlessCanvas).Capture()
				})
			}
		})
	}
}

// BenchmarkTranscriptFollow: the playhead moves on by one segment 100
// times from the middle of the transcript (highlight, keep in view, paint).
func BenchmarkTranscriptFollow(b *testing.B) {
	test.NewTempApp(b)
	segs := twoHours().Segments
	b.Run("lazy", func(b *testing.B) {
		p := newSegmentPane(func(time.Duration) {}, func(int) {})
		w, sc, body := benchWindow(b, p.box)
		onMainWait(func() { p.view, p.viewed = sc, body; p.setSegments(segs) })
		v := &transcriptView{pane: p, d: &detailsPanel{scroll: sc, body: body}, box: container.NewStack(), last: -1, followBtn: widget.NewButton("Follow", nil)}
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for b.Loop() {
			onMainWait(func() {
				for i := 700; i < 800; i++ {
					v.follow(time.Duration(segs[i].StartMS) * time.Millisecond)
				}
				w.Canvas().(test.WindowlessCanvas).Capture()
			})
		}
	})
	b.Run("every-widget", func(b *testing.B) {
		var o *oldView
		onMainWait(func() { o = newOldView(segs) })
		w, sc, body := benchWindow(b, o.box)
		o.scroll, o.body = sc, body
		onMainWait(func() { w.Canvas().(test.WindowlessCanvas).Capture(); o.settle() })
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for b.Loop() {
			onMainWait(func() {
				for i := 700; i < 800; i++ {
					o.follow(time.Duration(segs[i].StartMS) * time.Millisecond)
				}
				w.Canvas().(test.WindowlessCanvas).Capture()
			})
		}
	})
}

// cpuPerOp reports the process's CPU time (user + system) per op beside
// the wall time, which a loaded machine stretches: call it before the
// loop, and the function it returns after.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// oldView is the transcript view as it was: a box of every segment's row,
// each word a link in a flow.
type oldView struct {
	segs   []api.Segment
	box    *fyne.Container
	rows   []*oldRow
	cur    [2]int
	scroll *container.Scroll
	body   fyne.CanvasObject
	// reflowed is set by a flow whose width changed. The window's driver
	// runs the refresh it asks for on a later frame; the test driver would
	// run it at once, inside the layout, over and over — so the benchmark
	// does it once after the first frame (settle), as the window did.
	reflowed bool
}

func (v *oldView) settle() {
	if v.reflowed {
		v.reflowed = false
		v.box.Refresh()
	}
}

type oldRow struct {
	content *fyne.Container
	back    *canvas.Rectangle
	words   *fyne.Container
}

func newOldView(segs []api.Segment) *oldView {
	v := &oldView{segs: segs, box: container.NewVBox(), cur: [2]int{-1, -1}}
	objs := make([]fyne.CanvasObject, 0, len(segs))
	for _, s := range segs {
		r := &oldRow{}
		at := time.Duration(s.StartMS) * time.Millisecond
		stamp := widget.NewButton(human.Moment(at), func() {})
		stamp.Importance = widget.LowImportance
		edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() {})
		edit.Importance = widget.LowImportance
		pad := theme.InnerPadding()
		r.words = container.New(&flowLayout{hgap: -pad, vgap: -pad, reflow: func() { v.reflowed = true }})
		for _, w := range s.Words {
			r.words.Objects = append(r.words.Objects, widget.NewHyperlink(w.Text, nil))
		}
		r.back = canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
		r.back.Hide()
		line := container.NewBorder(nil, nil, container.NewVBox(stamp), container.NewVBox(edit), container.NewStack(r.words))
		r.content = container.NewStack(r.back, line)
		v.rows = append(v.rows, r)
		objs = append(objs, r.content)
	}
	v.box.Objects = objs
	v.box.Refresh()
	return v
}

// follow is the old view's: a scan for the segment, bold on the word, and
// the row's place found through the driver.
func (v *oldView) follow(pos time.Duration) {
	ms := pos.Milliseconds()
	seg, word := -1, -1
	for i, s := range v.segs {
		if s.StartMS <= ms && ms < s.EndMS+300 {
			seg = i
			for j, w := range s.Words {
				if w.StartMS <= ms {
					word = j
				}
			}
			break
		}
	}
	if [2]int{seg, word} == v.cur {
		return
	}
	if old := v.cur[0]; old >= 0 {
		v.rows[old].paint(-1, false)
	}
	v.cur = [2]int{seg, word}
	if seg < 0 {
		return
	}
	v.rows[seg].paint(word, true)
	d := fyne.CurrentApp().Driver()
	o := v.rows[seg].content
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(v.body).Y
	if top < v.scroll.Offset.Y || top+o.Size().Height > v.scroll.Offset.Y+v.scroll.Size().Height {
		v.scroll.Offset.Y = top
		v.scroll.Refresh()
	}
}

func (r *oldRow) paint(word int, on bool) {
	r.back.Hidden = !on
	r.back.Refresh()
	for j, o := range r.words.Objects {
		l := o.(*widget.Hyperlink)
		if bold := j == word; l.TextStyle.Bold != bold {
			l.TextStyle.Bold = bold
			l.Refresh()
		}
	}
}

// flowLayout (the old view's layout) places objects left to right and wraps them onto the next
// line where the width runs out, like words in a paragraph. A Fyne layout's
// MinSize cannot see the width it will get, so it answers for the width of
// the last Layout (one word a line before the first).
type flowLayout struct {
	hgap, vgap float32 // between objects and between lines (negative: overlap their padding)
	width      float32 // the width of the last Layout
	// reflow, if set, is called when the width changed (the window did
	// so through fyne.Do, refreshing the container that holds this one).
	reflow func()
}

// Layout positions objs within size.
func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	changed := f.width != size.Width
	f.width = size.Width
	f.place(objs, true)
	if changed && f.reflow != nil {
		f.reflow() // the height depends on the width: the parent asks again
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
