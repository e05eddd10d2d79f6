package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// marksOf reads a recording's bookmarks from the library.
func marksOf(t *testing.T, lib *library.Library, id string) []api.Bookmark {
	t.Helper()
	marks, err := lib.Bookmarks(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return marks
}

// pressBookmark presses Ctrl+B as the focused widget gets it: a text field
// takes every shortcut first, so it goes through the field when one has
// the focus, else through the window's canvas.
func (u *UI) pressBookmark() {
	u.do(func() {
		if s, ok := u.win.Canvas().Focused().(fyne.Shortcutable); ok {
			s.TypedShortcut(shortcutBookmark)
			return
		}
		u.shortcut(shortcutBookmark)
	})
}

// playFrom is where Play starts (the playhead while nothing plays).
func (u *UI) playFrom() time.Duration {
	return onMainValue(func() time.Duration { return u.details.player.start })
}

// Bookmarks in the details: Ctrl+B with the title field focused marks the
// playhead of a recording that is not playing; the notice offers Rename
// (a dialog, during which Ctrl+B waits); the list renames in place
// (leaving the field commits, Escape reverts); a click beside a marker on
// the waveform moves to the bookmark's exact moment; the list's time plays
// from there; Ctrl+B while playing marks the playhead; remove offers Undo.
func TestBookmarksInTheDetails(t *testing.T) {
	u, lib := newTestUI(t)
	r := u.importTone(t, "Lecture")
	u.selectTitle(t, "Lecture")
	d, b := u.details, u.details.bookmarks
	u.do(func() { d.player.seekTo(400 * time.Millisecond) })

	u.do(func() { u.win.Canvas().Focus(d.title) })
	u.pressBookmark()
	marks := marksOf(t, lib, r.ID)
	if len(marks) != 1 || marks[0].AtMS != 400 {
		t.Fatalf("after Ctrl+B at 0:00.4 in the title field: %+v", marks)
	}
	onMainWait(func() {
		if got := u.notices.text(); got != "Bookmark at 0:00.4." || u.notices.action.Text != "Rename" || u.notices.action.Hidden {
			t.Errorf("notice %q with button %q (hidden %v)", got, u.notices.action.Text, u.notices.action.Hidden)
		}
		if len(b.names) != 1 || len(d.player.seek.marks) != 1 || d.player.seek.marks[0] < 0.39 || d.player.seek.marks[0] > 0.41 {
			t.Errorf("section rows %d, waveform markers %v", len(b.names), d.player.seek.marks)
		}
	})

	// Rename from the notice: a dialog; Ctrl+B waits while it is open.
	u.do(func() { test.Tap(u.notices.action) })
	if !u.ownDialog() {
		t.Fatal("Rename opened no dialog")
	}
	u.pressBookmark()
	if n := len(marksOf(t, lib, r.ID)); n != 1 {
		t.Fatalf("Ctrl+B behind the rename dialog made a bookmark: %d", n)
	}
	u.do(func() {
		e := u.win.Canvas().Focused().(*markEntry)
		e.SetText("Question")
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	u.eventually(t, "the name in the list", func() bool { return len(b.names) == 1 && b.names[0].Text == "Question" })
	if open := u.ownDialog(); open || marksOf(t, lib, r.ID)[0].Name != "Question" {
		t.Fatalf("after Enter in the dialog: modal %v, bookmark %+v", open, marksOf(t, lib, r.ID))
	}

	// Rename in place: leaving the field commits; Escape reverts.
	u.do(func() {
		u.win.Canvas().Focus(b.names[0])
		b.names[0].SetText("Answer")
		u.win.Canvas().Unfocus()
	})
	if got := marksOf(t, lib, r.ID)[0].Name; got != "Answer" {
		t.Fatalf("after leaving the field the name is %q", got)
	}
	u.do(func() {
		u.win.Canvas().Focus(b.names[0])
		b.names[0].SetText("typo")
		b.names[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		u.win.Canvas().Unfocus()
	})
	name := func() string { return onMainValue(func() string { return b.names[0].Text }) }
	if got, shown := marksOf(t, lib, r.ID)[0].Name, name(); got != "Answer" || shown != "Answer" {
		t.Fatalf("after Escape: library %q, field %q", got, shown)
	}
	// A name with a control character is refused in one line; nothing changes.
	u.do(func() {
		b.names[0].SetText("bad\x07name")
		b.names[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	if got, shown, msg := marksOf(t, lib, r.ID)[0].Name, name(), u.notice(); got != "Answer" || shown != "Answer" ||
		!strings.HasSuffix(msg, "The name is unchanged.") || strings.Contains(msg, "\n") {
		t.Fatalf("a control character: library %q, field %q, notice %q", got, shown, msg)
	}

	// With the focus in the tag field too (it passes the window's shortcuts).
	u.do(func() { u.win.Canvas().Focus(u.details.tags.add) })
	u.pressBookmark()
	if marks := marksOf(t, lib, r.ID); len(marks) != 2 || marks[1].AtMS != 400 {
		t.Fatalf("Ctrl+B in the tag field: %+v", marks)
	}
	u.eventually(t, "two rows", func() bool { return len(b.names) == 2 })
	u.do(func() { test.Tap(b.rows.Objects[1].(*fyne.Container).Objects[2].(fyne.Tappable)) }) // the same moment again: remove it
	u.eventually(t, "one row again", func() bool { return len(b.names) == 1 && b.names[0].Text == "Answer" })

	// A click 3 px beside the marker moves to the bookmark itself.
	u.do(func() {
		d.player.seekTo(0)
		test.TapAt(d.player.seek, fyne.NewPos(d.player.seek.Size().Width*0.7, 5)) // no marker there: an ordinary seek
	})
	if at := u.playFrom(); at < 650*time.Millisecond {
		t.Fatalf("a click mid-waveform moved to %v", at)
	}
	u.do(func() {
		w := d.player.seek.Size().Width
		test.TapAt(d.player.seek, fyne.NewPos(w*0.4+3, 5))
	})
	if at := u.playFrom(); at != 400*time.Millisecond {
		t.Fatalf("a click on the marker moved to %v, want 0:00.4", at)
	}

	// The list's time plays from there; Ctrl+B while playing marks the playhead.
	u.do(func() { d.player.seekTo(0) })
	u.do(func() {
		test.Tap(b.rows.Objects[0].(*fyne.Container).Objects[1].(*fyne.Container).Objects[0].(fyne.Tappable))
	})
	waitUntil(t, "playing from the bookmark", func() bool {
		var ok bool
		onMainWait(func() { ok = d.player.player != nil && d.player.player.Playing() })
		return ok
	})
	var before, after time.Duration
	waitUntil(t, "playing past the bookmark", func() bool {
		onMainWait(func() { before = d.player.player.Position() })
		return before > 450*time.Millisecond
	})
	u.pressBookmark()
	onMainWait(func() { after = d.player.player.Position() })
	marks = marksOf(t, lib, r.ID)
	if len(marks) != 2 || marks[0].Name != "Answer" || marks[1].AtMS < before.Milliseconds() || marks[1].AtMS > after.Milliseconds() {
		t.Fatalf("Ctrl+B while playing between %v and %v made %+v", before, after, marks)
	}

	// Remove, then Undo: the same moment and name come back.
	u.do(func() { d.player.close() })
	u.eventually(t, "two rows", func() bool { return len(b.names) == 2 })
	u.do(func() { test.Tap(b.rows.Objects[0].(*fyne.Container).Objects[2].(fyne.Tappable)) })
	if marks = marksOf(t, lib, r.ID); len(marks) != 1 || marks[0].Name != "" {
		t.Fatalf("after removing the first: %+v", marks)
	}
	onMainWait(func() {
		if got := u.notices.text(); got != "Removed the bookmark at 0:00.4." || u.notices.action.Text != "Undo" {
			t.Errorf("notice %q with %q", got, u.notices.action.Text)
		}
	})
	u.do(func() { test.Tap(u.notices.action) })
	marks = marksOf(t, lib, r.ID)
	if len(marks) != 2 || marks[0].AtMS != 400 || marks[0].Name != "Answer" {
		t.Fatalf("after Undo: %+v", marks)
	}
	u.eventually(t, "both rows back", func() bool { return len(b.names) == 2 && b.names[0].Text == "Answer" })
}

// While recording, Ctrl+B (focus in the search field) and the tray's Add
// bookmark mark the recording in progress; the tray offers the item only
// while recording; the committed recording lists both.
func TestBookmarksWhileRecording(t *testing.T) {
	u, lib := newTestUI(t)
	marked := 0
	onMainWait(func() { u.tray = trayMenu(u.win, u.rec.toggle, func() { marked++; u.addBookmark() }) })
	trayOffers := func() bool { return onMainValue(func() bool { return !u.tray.Items[1].Disabled }) }
	if trayOffers() {
		t.Fatal("the tray offers Add bookmark while nothing records")
	}
	u.tapAndWait(u.rec.record)
	s := onMainValue(func() *take { return u.rec.session })
	if s == nil || !trayOffers() {
		t.Fatalf("recording: session %v, tray item enabled %v", s != nil, trayOffers())
	}
	waitUntil(t, "some audio", func() bool { return s.rec.Stats().Elapsed > 300*time.Millisecond })
	u.do(func() { u.win.Canvas().Focus(u.list.search) })
	before := s.rec.Stats().Elapsed
	u.pressBookmark()
	after := s.rec.Stats().Elapsed
	u.do(func() { u.tray.Items[1].Action() })
	var live []float64
	onMainWait(func() {
		for _, p := range u.rec.wave.live {
			live = append(live, u.rec.wave.liveMarkAt(p))
		}
	})
	if len(live) != 2 || live[0] > live[1] || live[1] < 0.5 {
		t.Fatalf("the live waveform shows markers at %v, want two, the newest near the right end", live)
	}
	marks := marksOf(t, lib, s.p.ID)
	if len(marks) != 2 || onMainValue(func() int { return marked }) != 1 || marks[0].AtMS < before.Milliseconds() || marks[0].AtMS > after.Milliseconds() {
		t.Fatalf("bookmarks while recording (Ctrl+B between %v and %v): %+v", before, after, marks)
	}
	if got := u.notice(); !strings.HasPrefix(got, "Bookmark at ") {
		t.Fatalf("notice %q", got)
	}
	// Named from the notice while still recording.
	u.do(func() { test.Tap(u.notices.action) })
	u.do(func() {
		e := u.win.Canvas().Focused().(*markEntry)
		e.SetText("Second point")
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	still := onMainValue(func() bool { return u.rec.session == s })
	if marks := marksOf(t, lib, s.p.ID); marks[1].Name != "Second point" || !still {
		t.Fatalf("named while recording: %+v (still recording %v)", marks, still)
	}
	u.do(func() { u.win.Canvas().Unfocus() })
	u.tapAndWait(u.rec.record)
	waitUntil(t, "the new recording selected", func() bool {
		u.settle()
		var ok bool
		onMainWait(func() { ok = u.details.rec.ID == s.p.ID && len(u.details.bookmarks.names) == 2 })
		return ok
	})
	if trayOffers() {
		t.Fatal("the tray still offers Add bookmark after Stop")
	}
}

// A marker on the live waveform scrolls left with the audio pushed after
// it, keeps the waveform repainting over silence, and goes once it has
// scrolled out of view.
func TestLiveWaveformMarkScrolls(t *testing.T) {
	w := NewWaveform(10)
	w.Push(0.5)
	w.MarkNow()
	if at := w.liveMarkAt(w.live[0]); at != 0.95 {
		t.Fatalf("a new marker is at %v, want the newest column's centre 0.95", at)
	}
	for range 3 {
		w.Push(0)
	}
	if at := w.liveMarkAt(w.live[0]); at != 0.65 {
		t.Fatalf("after three pushes the marker is at %v, want 0.65", at)
	}
	for range 6 {
		w.Push(0)
	}
	if len(w.live) != 1 {
		t.Fatal("the marker went while still in view")
	}
	w.Push(0)
	if len(w.live) != 0 {
		t.Fatalf("the marker stayed after scrolling out of view: %v", w.live)
	}
}

// PgDn and PgUp move between the bookmarks like a player's chapter keys:
// PgDn to the next one; PgUp back to the one just passed, or to the one
// before it when the playhead is barely past it; nowhere past the last or
// before the first.
func TestBookmarkKeysStepThroughBookmarks(t *testing.T) {
	u, lib := newTestUI(t)
	r := u.importTone(t, "Lecture")
	for _, at := range []time.Duration{100, 200, 300} {
		if _, err := lib.AddBookmark(context.Background(), r.ID, at*time.Millisecond, ""); err != nil {
			t.Fatal(err)
		}
	}
	u.selectTitle(t, "Lecture")
	u.eventually(t, "three rows", func() bool { return len(u.details.bookmarks.names) == 3 })
	u.do(func() { u.win.Canvas().Unfocus() })
	var got []time.Duration
	press := func(keys ...fyne.KeyName) {
		for _, k := range keys {
			u.do(func() { u.typedKey(&fyne.KeyEvent{Name: k}) })
			got = append(got, u.playFrom())
		}
	}
	down, up, ms := fyne.KeyPageDown, fyne.KeyPageUp, time.Millisecond
	press(down, down, down, down, up, up, up)
	u.do(func() { u.details.player.seekTo(900 * ms) }) // well past the last: PgUp goes back to it
	press(up)
	u.do(func() { u.details.player.seekTo(350 * ms) }) // barely past it: to the one before
	press(up)
	want := []time.Duration{100 * ms, 200 * ms, 300 * ms, 300 * ms, 200 * ms, 100 * ms, 100 * ms, 300 * ms, 200 * ms}
	if !slices.Equal(got, want) {
		t.Fatalf("the playhead went to %v, want %v", got, want)
	}
}
