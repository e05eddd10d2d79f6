package ui

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testaudio"
)

func TestFollowRule(t *testing.T) {
	const (
		auto, held, jump = followAuto, followHeld, followJump
	)
	for _, c := range []struct {
		why                  string
		mode                 followMode
		wasInView, waveShown bool
		scroll               bool
		next                 followMode
	}{
		{"reading along", auto, true, false, true, auto},
		{"reading along, the waveform still in view above", auto, true, true, true, auto},
		{"scrolled elsewhere: the pane stays", auto, false, false, false, auto},
		{"scrolled up to the waveform: the pane stays", auto, false, true, false, auto},
		{"working with the waveform, the segment below it", held, true, true, false, held},
		{"working with the waveform, the segment out of view", held, false, true, false, held},
		{"scrolled down from the waveform to read along", held, true, false, true, auto},
		{"scrolled from the waveform to another part", held, false, false, false, held},
		{"a word clicked", jump, true, true, true, auto},
		{"a search hit, the transcript out of view", jump, false, true, true, auto},
		{"Follow, the waveform out of view", jump, false, false, true, auto},
		{"a word clicked, the waveform out of view", jump, true, false, true, auto},
	} {
		scroll, next := followRule(followSeen{mode: c.mode, wasInView: c.wasInView, waveInView: c.waveShown})
		if scroll != c.scroll || next != c.next {
			t.Errorf("%s: scroll %v, next mode %d; want %v, %d", c.why, scroll, next, c.scroll, c.next)
		}
	}
}

// followSegMS is how long each segment of followTranscript lasts.
const followSegMS = 1000

// followTranscript is n segments of a second, each several lines
// long, so that the playhead reaches segments below the fold in a few
// seconds of playback.
func followTranscript(n int) api.Transcript {
	t := api.Transcript{Engine: "pocketsphinx", Model: "en-us", Language: "en-US"}
	for s := 0; s < n; s++ {
		sg := api.Segment{StartMS: int64(s * followSegMS), EndMS: int64(s*followSegMS + followSegMS - 20)}
		for w := 0; w < 30; w++ {
			text := fmt.Sprintf("s%dw%d", s, w)
			at := sg.StartMS + int64(w*(followSegMS-40)/30)
			sg.Words = append(sg.Words, api.Word{StartMS: at, EndMS: at + 10, Text: text, Conf: 0.9})
			if w > 0 {
				sg.Text += " "
			}
			sg.Text += text
		}
		t.Segments = append(t.Segments, sg)
	}
	return t
}

// openFollow selects a 30-second tone whose transcript is
// followTranscript, and returns the first segment not in view at the
// top of the details pane, after checking that the waveform and the
// start of the transcript are both in view there (so a transcript that
// followed would scroll).
func openFollow(t *testing.T) (*UI, *transcriptView, int) {
	t.Helper()
	u, lib := newTestUI(t)
	ctx := context.Background()
	pcm := make([]int16, 30*testaudio.Rate)
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/testaudio.Rate))
	}
	path := filepath.Join(t.TempDir(), "Reading.wav")
	testaudio.WriteFile(t, path, audio.WAV, pcm)
	r, err := lib.Import(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := followTranscript(30)
	if err := lib.SaveTranscript(ctx, r.ID, tr, false); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the recording listed", func() bool {
		n := 0
		u.settle()
		onMainWait(func() { n = u.list.length() })
		return n == 1
	})
	// Tall enough that the waveform and the transcript's first segments
	// are both in view at the top of the details pane.
	u.do(func() { u.win.Resize(fyne.NewSize(900, 1300)) })
	u.do(func() { u.list.list.Select(0) })
	v := u.details.transcriptView
	waitUntil(t, "the transcript shown", func() bool {
		n := 0
		u.settle()
		onMainWait(func() { n = len(v.pane.segs) })
		return n == len(tr.Segments)
	})
	first := -1
	var offset, wave, box, view float32
	var waveIn, boxIn bool
	onMainWait(func() {
		offset, waveIn, boxIn = u.details.scroll.Offset.Y, v.waveInView(), v.wasInView()
		wave, box, view = v.yInBody(u.details.player.seek), v.yInBody(v.pane.box), u.details.scroll.Size().Height
		for i := range v.pane.segs {
			if box+v.pane.tops[i+1] > view {
				first = i
				break
			}
		}
	})
	// No t.Fatal inside onMainWait: it would end the tests' Fyne goroutine
	// and hang every later call.
	if offset != 0 || !waveIn || !boxIn {
		t.Fatalf("at the top of the pane: offset %.0f, waveform at %.0f in view %v, transcript at %.0f in view %v (view %.0f high); want both in view",
			offset, wave, waveIn, box, boxIn, view)
	}
	if first < 2 || first > 20 {
		t.Fatalf("segment %d is the first below the fold; want one a few seconds in", first)
	}
	return u, v, first
}

// followState reports the segment highlighted and the details pane's offset.
func followState(u *UI, v *transcriptView) (seg int, offset float32) {
	onMainWait(func() { seg, offset = v.pane.cur[0], u.details.scroll.Offset.Y })
	return seg, offset
}

// segmentInView reports whether segment i is wholly in the pane's view.
func segmentInView(u *UI, v *transcriptView, i int) (in bool) {
	onMainWait(func() {
		top := v.yInBody(v.pane.box)
		sc := u.details.scroll
		in = top+v.pane.tops[i] >= sc.Offset.Y && top+v.pane.tops[i+1] <= sc.Offset.Y+sc.Size().Height
	})
	return in
}

// TestTranscriptFollowHeldByWaveform: during playback, a click and a drag
// on the waveform (seeking, choosing a part to trim) keep the details
// pane where it is while the playhead plays on into segments below the
// fold; Follow then brings the segment said into view.
func TestTranscriptFollowHeldByWaveform(t *testing.T) {
	u, v, first := openFollow(t)
	pb := u.details.player
	u.tapAndWait(pb.play)
	waitUntil(t, "playback", func() bool {
		seg, _ := followState(u, v)
		return seg >= 0
	})
	// At once on the Fyne goroutine, so no playhead update comes between:
	// back to the top (the pane may have followed on a slow machine), a
	// click on the waveform and a drag across it.
	u.do(func() {
		u.details.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: 10000}})
		w := pb.seek
		test.TapAt(w, fyne.NewPos(w.Size().Width*0.02, w.Size().Height/2)) // to 0.6 s
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(w)
		// As the desktop driver reports it: where the pointer is now, and
		// how far it moved (from 30 % to 60 %).
		test.Drag(u.win.Canvas(), at.Add(fyne.NewPos(w.Size().Width*0.6, w.Size().Height/2)), w.Size().Width*0.3, 0)
	})
	var from, to float64
	var selected bool
	onMainWait(func() { from, to, selected = pb.seek.Selection() })
	if !selected || from > 0.35 || to < 0.55 {
		t.Fatalf("the drag selected %.2f–%.2f (%v), want about 0.30–0.60", from, to, selected)
	}
	waitUntil(t, "the playhead well below the fold", func() bool {
		seg, offset := followState(u, v)
		if offset != 0 {
			t.Fatalf("the details pane scrolled to %.0f at segment %d while the waveform was being worked with", offset, seg)
		}
		return seg >= first+2
	})
	var shown bool
	onMainWait(func() { shown = v.followBtn.Visible() })
	if !shown {
		t.Fatal("Follow is not offered while the transcript does not follow")
	}
	u.tapAndWait(v.followBtn)
	seg, offset := followState(u, v)
	if offset == 0 || !segmentInView(u, v, seg) {
		t.Fatalf("after Follow: offset %.0f, segment %d in view %v", offset, seg, segmentInView(u, v, seg))
	}
}

// TestTranscriptFollowsReadingAlong: played without touching the
// waveform, the pane follows the playhead below the fold; scrolled back
// up by the person, it stays there; a click on a word follows again.
func TestTranscriptFollowsReadingAlong(t *testing.T) {
	u, v, first := openFollow(t)
	u.tapAndWait(u.details.player.play)
	waitUntil(t, "the pane to follow the playhead below the fold", func() bool {
		seg, offset := followState(u, v)
		return seg > first && offset > 0
	})
	if seg, _ := followState(u, v); !segmentInView(u, v, seg) {
		t.Fatalf("segment %d said, not in view", seg)
	}
	u.do(func() { u.details.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: 10000}}) })
	left, _ := followState(u, v)
	waitUntil(t, "the playhead two segments on", func() bool {
		seg, offset := followState(u, v)
		if offset != 0 {
			t.Fatalf("the pane moved to %.0f at segment %d after the person scrolled it back to the top", offset, seg)
		}
		return seg >= left+2
	})
	// A word of the first segment, in view at the top: playback goes back
	// there and the pane follows the playhead down again.
	tapped := false
	u.do(func() {
		if r := v.pane.rowOf(0); r != nil {
			link := r.links[1]
			test.TapAt(link, fyne.NewPos(link.Size().Width/2, link.Size().Height/2))
			tapped = true
		}
	})
	if !tapped {
		t.Fatal("no row for the first segment at the top of the pane")
	}
	waitUntil(t, "the pane to follow again after a word was clicked", func() bool {
		seg, offset := followState(u, v)
		return seg > first && offset > 0
	})
	if seg, _ := followState(u, v); !segmentInView(u, v, seg) {
		t.Fatalf("segment %d said, not in view after following again", seg)
	}
}
