package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

func TestRecordAppearsInList(t *testing.T) {
	u, lib := newTestUI(t)
	u.do(func() { u.rec.format.SetSelected("wav") })
	u.tapAndWait(u.rec.record)
	if r := u.recorder(); r.state != recRunning || r.record != "Stop" || !r.pause {
		t.Fatalf("after tapping Record: %+v, notices %q; want running, Stop and an enabled Pause", r, u.noticeHistory())
	}
	s := onMainValue(func() *take { return u.rec.session })
	waitUntil(t, "half a second of audio", func() bool { return s.rec.Stats().Elapsed >= 500*time.Millisecond })

	u.tapAndWait(u.rec.pause)
	if r := u.recorder(); r.state != recPaused || r.pauseText != "Resume" {
		t.Fatalf("after Pause: %+v", r)
	}
	u.tapAndWait(u.rec.pause)
	if s := u.recState(); s != recRunning {
		t.Fatalf("after Resume: state %v", s)
	}

	u.tapAndWait(u.rec.record)
	if r := u.recorder(); r.state != recIdle || r.record != "Record" {
		t.Fatalf("after Stop: %+v, notices %q", r, u.noticeHistory())
	}
	rs, err := lib.List(context.Background(), library.ListOptions{})
	if err != nil || len(rs) != 1 {
		t.Fatalf("library holds %d recordings (%v), want 1", len(rs), err)
	}
	if rs[0].Duration < 500*time.Millisecond || rs[0].Format != "wav" {
		t.Fatalf("recording %+v: want ≥ 0.5 s of wav", rs[0])
	}
	if got := u.listed(); len(got) != 1 || got[0] != rs[0].Title {
		t.Fatalf("list shows %q, want [%q]", got, rs[0].Title)
	}
	if id := u.shown().ID; id != rs[0].ID {
		t.Fatalf("details show %q, want the new recording selected", id)
	}
}

// recorderState is what the recorder's controls show.
type recorderState struct {
	state             recState
	record, pauseText string // the buttons' labels
	pause             bool   // Pause enabled
}

// recorder reads the recorder's controls on the tests' Fyne goroutine.
func (u *UI) recorder() recorderState {
	return onMainValue(func() recorderState {
		p := u.rec
		return recorderState{p.state, p.record.Text, p.pause.Text, !p.pause.Disabled()}
	})
}

func TestShortcutRecordsAndStops(t *testing.T) {
	u, lib := newTestUI(t)
	c := u.win.Canvas()
	u.do(func() { c.(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(shortcutRecord) })
	if s := u.recState(); s != recRunning {
		t.Fatalf("Ctrl+R did not start recording: %v %q", s, u.noticeHistory())
	}
	u.do(func() { c.(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(shortcutRecord) })
	if n, _ := lib.Count(context.Background(), library.ListOptions{}); n != 1 {
		t.Fatalf("library holds %d recordings after Ctrl+R twice, want 1", n)
	}
}

func TestImportRenameTrashRestore(t *testing.T) {
	u, lib := newTestUI(t)
	ctx := context.Background()
	tone := writeTone(t, "Interview.wav")
	u.do(func() { u.list.importFiles([]fyne.URI{storage.NewFileURI(tone)}) })
	if got := u.listed(); len(got) != 1 || got[0] != "Interview" {
		t.Fatalf("after drop: list %q, notices %q", got, u.noticeHistory())
	}
	waitUntil(t, "the waveform overview", func() bool {
		var n int
		u.settle()
		onMainWait(func() { n = len(u.details.player.seek.values) })
		return n == overviewBars
	})

	// Rename in place: type a new title, press Enter.
	u.do(func() {
		u.details.title.SetText("")
		test.Type(u.details.title, "Interview with Ada")
		u.details.title.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	r, err := lib.Get(ctx, u.shown().ID)
	if err != nil || r.Title != "Interview with Ada" {
		t.Fatalf("after rename: %q, %v", r.Title, err)
	}
	if got := u.listed(); got[0] != "Interview with Ada" {
		t.Fatalf("list shows %q after rename", got)
	}

	// Without an account, "everywhere" moves the recording to the trash.
	u.do(func() { u.details.delete(u.details.rec, sync.Everywhere) })
	if got := u.listed(); len(got) != 0 {
		t.Fatalf("list still shows %q after delete", got)
	}
	u.do(func() { u.tabs.SelectIndex(1) })
	if n := u.trashed(); n != 1 {
		t.Fatalf("trash holds %d, want 1", n)
	}
	u.do(func() { u.trash.restore(u.trash.items[0]) })
	if n, got := u.trashed(), u.listed(); n != 0 || len(got) != 1 {
		t.Fatalf("after restore: trash %d, list %q", n, got)
	}
}

// trashed counts the rows of the Trash tab.
func (u *UI) trashed() int { return onMainValue(func() int { return len(u.trash.items) }) }

func TestSearchAndFilter(t *testing.T) {
	u, _ := newTestUI(t)
	for _, n := range []string{"Lecture one.wav", "Lecture two.wav", "Shopping list.wav"} {
		tone := writeTone(t, n)
		u.do(func() { u.list.importFiles([]fyne.URI{storage.NewFileURI(tone)}) })
	}
	u.do(func() { test.Type(u.list.search, "lecture") })
	waitUntil(t, "the search to apply", func() bool {
		var n int
		u.settle()
		onMainWait(func() { n = len(u.list.items) })
		return n == 2
	})
	u.do(func() {
		u.list.search.SetText("")
		u.list.filter.SetSelectedIndex(int(library.NotOnDevice))
	})
	if got := u.listed(); len(got) != 0 {
		t.Fatalf("cloud-only filter shows %q, want nothing", got)
	}
	u.do(func() { u.list.filter.SetSelectedIndex(int(library.OnDevice)) })
	if got := strings.Join(u.listed(), ","); got != "Shopping list,Lecture two,Lecture one" {
		t.Fatalf("local filter shows %q, want newest first", got)
	}
}

func TestNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if err := Run(context.Background(), Options{DataDir: t.TempDir()}); err != ErrNoDisplay {
		t.Fatalf("Run without a display: %v, want ErrNoDisplay", err)
	}
}
