package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
)

// twoHours is a transcript the size of a two-hour recording: 1,500
// segments of 4.8 s, about 20,000 words with times.
func twoHours() api.Transcript {
	t := api.Transcript{Engine: "pocketsphinx", Model: "en-us", Language: "en-US"}
	vocab := []string{"the", "budget", "meeting", "moved", "to", "Thursday", "remember", "plumber", "kitchen", "and", "we", "discussed", "hiring"}
	for s := 0; s < 1500; s++ {
		sg := api.Segment{StartMS: int64(s) * 4800, EndMS: int64(s)*4800 + 4600}
		n := 8 + s%11 // 8..18 words
		for w := 0; w < n; w++ {
			text := vocab[(s*7+w*3)%len(vocab)]
			if w == 0 {
				text = fmt.Sprintf("s%d", s) // names the segment
			}
			at := sg.StartMS + int64(w)*4600/int64(n)
			sg.Words = append(sg.Words, api.Word{StartMS: at, EndMS: at + 200, Text: text, Conf: 0.9})
			if w > 0 {
				sg.Text += " "
			}
			sg.Text += text
		}
		t.Segments = append(t.Segments, sg)
	}
	return t
}

// openTranscript selects a recording whose transcript is tr and waits
// until the details pane shows it.
func openTranscript(t *testing.T, tr api.Transcript) (*UI, *transcriptView) {
	t.Helper()
	u, lib := newTestUI(t)
	ctx := context.Background()
	r, err := lib.Import(ctx, writeTone(t, "Long meeting.wav"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.SaveTranscript(ctx, r.ID, tr, false); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the recording listed", func() bool {
		n := 0
		u.settle()
		onMainWait(func() { n = u.list.length() })
		return n == 1
	})
	u.do(func() { u.list.list.Select(0) })
	v := onMainValue(func() *transcriptView { return u.details.transcriptView })
	waitUntil(t, "the transcript shown", func() bool {
		n := 0
		u.settle()
		onMainWait(func() { n = len(v.pane.segs) })
		return n == len(tr.Segments)
	})
	u.settle()
	return u, v
}

// TestTranscriptPaneTwoHours: a two-hour transcript makes rows only for
// what is in view; the pane is as tall as all of it; following the
// playhead to the middle highlights the segment and word said there and
// scrolls them into view, with rows made for them; no word sticks out of
// its row.
func TestTranscriptPaneTwoHours(t *testing.T) {
	tr := twoHours()
	u, v := openTranscript(t, tr)
	var rows int
	var height float32
	onMainWait(func() { rows, height = len(v.pane.rows), v.pane.box.MinSize().Height })
	if rows == 0 || rows > 60 {
		t.Fatalf("%d rows made for 1,500 segments, want the few in view", rows)
	}
	if height < 1500*30 {
		t.Fatalf("pane height %.0f for 1,500 segments", height)
	}
	// 1:00:00.5 is in segment 750 (starts 3600.0 s), in its first word
	// "s750" (at 3600.0 s) or the next.
	seg := 750
	at := time.Duration(tr.Segments[seg].Words[1].StartMS)*time.Millisecond + 10*time.Millisecond
	u.do(func() { v.jump(); v.follow(at) }) // as a click on a search hit for it does
	onMainCheck(t, func() {
		r := v.pane.rowOf(seg)
		if r == nil {
			t.Errorf("segment %d not in view after following the playhead to it (offset %.0f)", seg, u.details.scroll.Offset.Y)
			return
		}
		if !r.back.Visible() || !r.links[1].TextStyle.Bold || r.links[0].TextStyle.Bold || r.links[1].Text != tr.Segments[seg].Words[1].Text {
			t.Errorf("segment %d: highlighted %v, word 1 bold %v, word 0 bold %v", seg, r.back.Visible(), r.links[1].TextStyle.Bold, r.links[0].TextStyle.Bold)
			return
		}
		if r.links[0].Text != "s750" {
			t.Errorf("row for segment %d shows %q", seg, r.links[0].Text)
			return
		}
		if n := len(v.pane.rows); n > 80 {
			t.Errorf("%d rows after scrolling, want the few in view", n)
			return
		}
		checkRows(t, v.pane)
	})
	// The next segment: the old one loses its highlight.
	u.do(func() { v.follow(time.Duration(tr.Segments[seg+1].StartMS) * time.Millisecond) })
	onMainCheck(t, func() {
		if r := v.pane.rowOf(seg); r == nil || r.back.Visible() {
			t.Error("the segment before still highlighted")
			return
		}
		if r := v.pane.rowOf(seg + 1); r == nil || !r.back.Visible() || !r.links[0].TextStyle.Bold {
			t.Error("the next segment not highlighted")
			return
		}
	})
	// Scrolled as a person does, to near the end: rows for what is there.
	u.do(func() { u.details.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: -height + 900}}) })
	onMainCheck(t, func() {
		sc := u.details.scroll
		if sc.Offset.Y < height-2000 {
			t.Errorf("scrolled to %.0f of a %.0f pane: the details pane is not as tall as the transcript", sc.Offset.Y, height)
			return
		}
		near, _ := v.pane.at(int64(1400 * 4800))
		shown := 0
		for _, r := range v.pane.rows {
			if r.box.Visible() && r.index > near-200 {
				shown++
			}
		}
		if shown == 0 {
			t.Errorf("no rows near the end after scrolling there")
			return
		}
		checkRows(t, v.pane)
	})
}

// checkRows: every shown row's words lie inside it and are at least as
// wide as their links draw (the pane's arithmetic matches the widgets).
func checkRows(t *testing.T, p *segmentPane) {
	t.Helper()
	for _, r := range p.rows {
		if !r.box.Visible() {
			continue
		}
		for _, l := range r.links[:r.n] {
			pos, size := l.Position(), l.Size()
			if pos.Y+size.Height > r.box.Size().Height+0.5 || pos.X+size.Width > r.box.Size().Width+0.5 {
				t.Errorf("segment %d: %q at %v size %v sticks out of its row %v", r.index, l.Text, pos, size, r.box.Size())
			}
			if want := widget.NewHyperlink(l.Text, nil); size.Width+0.5 < func() float32 { want.TextStyle.Bold = true; return want.MinSize().Width }() {
				t.Errorf("%q is %.1f wide, narrower than its link (%.1f)", l.Text, size.Width, want.MinSize().Width)
			}
		}
	}
}

// TestTranscriptPaneEdit: the pencil swaps a row for a form in place; the
// rows below move down to make room; Cancel puts it back; a saved
// correction keeps the words' times (clicking a word still plays from it).
func TestTranscriptPaneEdit(t *testing.T) {
	tr := twoHours()
	tr.Segments = tr.Segments[:20]
	u, v := openTranscript(t, tr)
	var before float32
	onMainWait(func() { before = v.pane.tops[3] })
	u.do(func() { v.keepInView(2) })
	u.do(func() { v.pane.rowOf(2).pen.OnTapped() })
	var entry *widget.Entry
	onMainCheck(t, func() {
		p := v.pane
		if p.edited != 2 || p.editor == nil || !p.editor.Visible() || p.rowOf(2) != nil {
			t.Errorf("editing %d, form %v, row 2 still shown %v", p.edited, p.editor != nil, p.rowOf(2) != nil)
			return
		}
		if p.editor.Position().Y != p.tops[2] || p.tops[3] <= before {
			t.Errorf("form at %.0f (row at %.0f); row 3 at %.0f, was %.0f", p.editor.Position().Y, p.tops[2], p.tops[3], before)
			return
		}
		if entry = findEntry(p.editor); entry == nil || entry.Text != tr.Segments[2].Text {
			t.Error("the form does not hold the segment's text")
		}
	})
	u.do(func() { entry.SetText("s2 the budget meeting was moved") })
	u.do(func() { findButton(v.pane.editor, "Save").OnTapped() })
	waitUntil(t, "the correction shown", func() bool {
		var text string
		u.settle()
		onMainWait(func() {
			if r := v.pane.rowOf(2); r != nil && v.pane.editor == nil {
				text = r.links[1].Text + " " + r.links[r.n-1].Text
			}
		})
		return text == "the moved"
	})
	onMainCheck(t, func() {
		r := v.pane.rowOf(2)
		if got, want := r.times[0], time.Duration(tr.Segments[2].Words[0].StartMS)*time.Millisecond; got != want {
			t.Errorf("the unchanged first word plays from %v, want %v", got, want)
			return
		}
		checkRows(t, v.pane)
	})
	u.do(func() { v.keepInView(4) })
	u.do(func() { v.pane.rowOf(4).pen.OnTapped() })
	u.do(func() { findButton(v.pane.editor, "Cancel").OnTapped() })
	onMainCheck(t, func() {
		if v.pane.editor != nil || v.pane.rowOf(4) == nil {
			t.Error("Cancel did not put the row back")
			return
		}
	})
	// The window's shortcuts work while correcting: Ctrl+R records (last:
	// the new recording takes the details pane).
	u.do(func() { v.pane.rowOf(4).pen.OnTapped() })
	onMainWait(func() { entry = findEntry(v.pane.editor) })
	if f, ok := u.focused().(*shortcutEntry); !ok || &f.Entry != entry {
		t.Fatalf("the correction field does not have the focus (%T has it)", u.focused())
	}
	u.do(func() { u.typeShortcut(shortcutRecord) })
	if s := u.recState(); s != recRunning {
		t.Fatalf("Ctrl+R in the correction field: state %v, notices %q", s, u.noticeHistory())
	}
	u.do(func() { u.typeShortcut(shortcutRecord) })
}

func findEntry(o fyne.CanvasObject) *widget.Entry {
	switch x := o.(type) {
	case *widget.Entry:
		return x
	case *shortcutEntry:
		return &x.Entry
	case *fyne.Container:
		for _, c := range x.Objects {
			if e := findEntry(c); e != nil {
				return e
			}
		}
	}
	return nil
}
