package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// TestTranscriptInTheWindow: a dropped file is transcribed by the window's
// own worker; the details pane shows the words after their time; a click
// on a word plays from it; the search box finds the word said.
func TestTranscriptInTheWindow(t *testing.T) {
	u, lib := newTestUI(t)
	if err := lib.SetAutoTranscribe(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	u.do(func() { u.list.importFiles([]fyne.URI{storage.NewFileURI("../transcribe/testdata/jfk.wav")}) })
	var v *transcriptView
	onMainWait(func() { v = u.details.transcriptView })
	// Transcribing 11 s takes a few seconds of CPU; on a loaded machine
	// more. The library says when it is done.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		u.settle()
		var n int
		var state library.TranscriptState
		onMainWait(func() { n, state = len(v.pane.segs), v.info.State })
		if n > 0 && state == library.TranscriptDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no transcript shown after 3 minutes (state %s, notices %q)", state, u.noticeHistory())
		}
		time.Sleep(100 * time.Millisecond)
	}
	var link *widget.Hyperlink
	var status string
	onMainWait(func() {
		status = v.status.Text
		for i, s := range v.pane.segs {
			for j, w := range s.Words {
				if w.Text == "country" && link == nil {
					v.keepInView(i)
					if r := v.pane.rowOf(i); r != nil {
						link = r.links[j]
					}
				}
			}
		}
	})
	if status == "" || link == nil {
		t.Fatalf("status %q, a link for country: %v", status, link != nil)
	}
	// A link answers taps on its text only: tap its middle.
	u.do(func() { test.TapAt(link, fyne.NewPos(link.Size().Width/2, link.Size().Height/2)) })
	waitUntil(t, "playback from the word", func() bool {
		var pos time.Duration
		var playing, open bool
		u.settle()
		onMainWait(func() {
			if pl := u.details.player.player; pl != nil {
				open, playing, pos = true, pl.Playing(), pl.Position()
			}
		})
		if !open || !playing {
			return false
		}
		return pos >= 5300*time.Millisecond
	})
	u.do(func() { test.Type(u.list.search, "country") })
	waitUntil(t, "the search box to find the spoken word", func() bool {
		var n int
		u.settle()
		onMainWait(func() { n = len(u.list.hits.rows.Objects) })
		return n == 1
	})
	// No title says "country", but the hit above does: the list's empty
	// text must not say that no recording matches.
	var empty string
	var emptyShown bool
	onMainWait(func() { empty, emptyShown = u.list.empty.Text, !u.list.empty.Hidden })
	if !emptyShown || !strings.HasPrefix(empty, "No titles match") {
		t.Fatalf("under a spoken hit the list says %q (shown %v), want it to say no titles match", empty, emptyShown)
	}
	// The setting: ticked by default, and unticking it is stored.
	var ticked bool
	onMainWait(func() { ticked = v.auto.Checked })
	if !ticked {
		t.Fatal("automatic transcription shows as off by default")
	}
	u.do(func() { test.Tap(v.auto) })
	if on, err := lib.AutoTranscribe(t.Context()); err != nil || on {
		t.Fatalf("after unticking: automatic transcription %v (%v)", on, err)
	}
}
