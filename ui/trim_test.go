package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/sync"
)

// dialogText is the text of the labels in the dialog on show.
func (u *UI) dialogText() string {
	var s []string
	onMainWait(func() {
		if top := u.win.Canvas().Overlays().Top(); top != nil {
			for _, l := range labelsWith(top, "") {
				s = append(s, l.(*widget.Label).Text)
			}
		}
	})
	return strings.Join(s, " ")
}

// trimView is what the trim row and the waveform show.
type trimView struct {
	from, to string           // the fields
	enabled  bool             // Trim…
	span     [2]time.Duration // the part chosen
	selected bool             // the waveform shows a selection
	sel      [2]float64       // its edges, as fractions
	start    time.Duration    // where Play starts
	modal    bool             // a dialog is open
}

// trimShown reads the trim row and the waveform on the tests' Fyne goroutine.
func (u *UI) trimShown() trimView {
	return onMainValue(func() trimView {
		p := u.details.player
		tt := p.trim
		v := trimView{from: tt.from.Text, to: tt.to.Text, enabled: !tt.trim.Disabled(), span: tt.span, start: p.start, modal: u.modal != nil}
		v.sel[0], v.sel[1], v.selected = p.seek.Selection()
		return v
	})
}

// drag drags across the waveform from fraction a to fraction b.
func drag(w *Waveform, a, b float32) {
	width := w.Size().Width
	prev := a * width
	for _, f := range []float32{a + (b-a)/2, b} {
		x := f * width
		w.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, 5)}, Dragged: fyne.Delta{DX: x - prev}})
		prev = x
	}
	w.DragEnd()
}

// Trim in the window: a drag selects the part to keep (a drag from the
// playhead still moves it), Shift-click extends it, the fields show and
// take its edges; a moment past the end and an empty part are refused in
// one line with nothing changed; Trim… says what happens, waits for the
// answer (Ctrl+B waits too), and Enter makes the trimmed recording, which
// is selected with its bookmark shifted, the original in the trash.
func TestTrimSelectionOnTheWaveform(t *testing.T) {
	u, lib := newTestUI(t)
	ctx := context.Background()
	r := u.importTone(t, "Talk")
	for _, at := range []time.Duration{300 * time.Millisecond, 900 * time.Millisecond} {
		if _, err := lib.AddBookmark(ctx, r.ID, at, ""); err != nil {
			t.Fatal(err)
		}
	}
	u.selectTitle(t, "Talk")
	u.eventually(t, "both bookmarks shown", func() bool { return len(u.details.bookmarks.names) == 2 })
	p, tt := u.details.player, u.details.player.trim
	if v := u.trimShown(); v.from != "" || v.to != "" || v.enabled {
		t.Fatalf("before any selection: fields %q %q, Trim enabled %v", v.from, v.to, v.enabled)
	}

	u.do(func() { drag(p.seek, 0, 0.5) }) // from the playhead: moves it
	if v := u.trimShown(); v.selected || v.start < 450*time.Millisecond {
		t.Fatalf("a drag from the playhead selected (%v) or moved it to %v", v.selected, v.start)
	}
	u.do(func() { drag(p.seek, 0.2, 0.7) })
	if v := u.trimShown(); v.from != "0:00.2" || v.to != "0:00.7" || !v.enabled {
		t.Fatalf("after dragging 20 %%–70 %%: fields %q–%q, Trim enabled %v", v.from, v.to, v.enabled)
	}
	u.do(func() {
		p.seek.MouseDown(&desktop.MouseEvent{Modifier: fyne.KeyModifierShift})
		test.TapAt(p.seek, fyne.NewPos(p.seek.Size().Width*0.8, 5))
	})
	if v := u.trimShown(); v.from != "0:00.2" || v.to != "0:00.8" {
		t.Fatalf("after Shift-click at 80 %%: %q–%q", v.from, v.to)
	}
	typeInto := func(e *timeEntry, s string) {
		u.do(func() {
			u.win.Canvas().Focus(e)
			e.SetText(s)
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			u.win.Canvas().Unfocus()
		})
	}
	typeInto(tt.from, "0:00.1")
	if v := u.trimShown(); v.from != "0:00.1" || v.span[0] != 100*time.Millisecond {
		t.Fatalf("typed start: field %q, span %v", v.from, v.span)
	}
	if sel := u.trimShown().sel; sel[0] < 0.09 || sel[0] > 0.11 || sel[1] < 0.79 || sel[1] > 0.81 {
		t.Fatalf("the waveform selects %.3f–%.3f after typing", sel[0], sel[1])
	}

	typeInto(tt.to, "0:05")
	if v, msg := u.trimShown(), u.notice(); v.to != "0:00.8" || !strings.Contains(msg, "past the end") {
		t.Fatalf("an end past the recording: field %q, notice %q", v.to, msg)
	}
	typeInto(tt.from, "0:00.8")
	u.do(func() { test.Tap(tt.trim) })
	if v, msg := u.trimShown(), u.notice(); v.modal || !strings.HasPrefix(msg, "Nothing to keep from 0:00.8 to 0:00.8") {
		t.Fatalf("an empty part: dialog %v, notice %q", v.modal, msg)
	}
	typeInto(tt.from, "0:00.1")

	u.do(func() { test.Tap(tt.trim) })
	msg := u.dialogText()
	want := `A new recording of 0:00.1–0:00.8 (0:00.7) is made, titled "Talk (trimmed)", with 1 bookmark and the transcript of that part. The original goes to the trash, restorable for 30 days.`
	if open := u.trimShown().modal; !open || !strings.Contains(msg, want) {
		t.Fatalf("the trim dialog (open %v) says %q", open, msg)
	}
	u.pressBookmark()
	if n := len(marksOf(t, lib, r.ID)); n != 2 {
		t.Fatalf("Ctrl+B behind the trim dialog: %d bookmarks", n)
	}
	u.do(func() { u.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	u.eventually(t, "the trimmed recording selected", func() bool { return u.details.rec.Title == "Talk (trimmed)" })
	nr := u.shown()
	if nr.Duration != 700*time.Millisecond {
		t.Fatalf("the trimmed recording is %v long", nr.Duration)
	}
	if marks := marksOf(t, lib, nr.ID); len(marks) != 1 || marks[0].AtMS != 200 {
		t.Fatalf("bookmarks of the trimmed recording: %+v", marks)
	}
	if old, err := lib.Get(ctx, r.ID); err != nil || old.TrashedAt == nil {
		t.Fatalf("the original: %+v, %v", old, err)
	}
	if v, msg := u.trimShown(), u.notice(); v.selected || !strings.HasPrefix(msg, "Kept 0:00.1–0:00.8 of \"Talk\"") {
		t.Fatalf("after the trim: selection kept %v, notice %q", v.selected, msg)
	}
}

// The selection's handles move its edges; Escape clears the part chosen
// (before it clears the list's selection).
func TestTrimHandlesAndEscape(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTone(t, "Talk")
	u.selectTitle(t, "Talk")
	p := u.details.player
	u.do(func() { drag(p.seek, 0.2, 0.6) })
	u.do(func() { drag(p.seek, 0.6, 0.9) }) // the end handle, outwards
	u.do(func() { drag(p.seek, 0.2, 0.1) }) // the start handle, outwards
	if span := u.trimShown().span; span != [2]time.Duration{100 * time.Millisecond, 900 * time.Millisecond} {
		t.Fatalf("after moving both handles the part is %v", span)
	}
	u.do(func() { u.win.Canvas().Unfocus() })
	u.do(func() { u.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if v, r := u.trimShown(), u.shown(); v.selected || v.span != [2]time.Duration{} || r.ID == "" {
		t.Fatalf("after Escape: waveform selection %v, part chosen %v, recording shown %q", v.selected, v.span, r.Title)
	}
}

// A trim in a signed-in window reaches the server at once: the kept part as
// a new recording (with the bookmark inside it, shifted), the original gone
// from the cloud and in the trash here.
func TestTrimInTheWindowReachesTheServer(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)
	u, lib, _ := newCloudUI(t, t.TempDir(), SyncOptions{})
	u.signIn(t, srv.URL, email, pw, false)
	r := u.importTone(t, "Lecture")
	if _, err := lib.AddBookmark(context.Background(), r.ID, 500*time.Millisecond, "Key point"); err != nil {
		t.Fatal(err)
	}
	u.eventually(t, "the original synced", func() bool { return u.badgeOf(r.ID) == "Synced" })
	u.selectID(t, r.ID)
	u.do(func() { drag(u.details.player.seek, 0.3, 0.8) })
	u.do(func() { test.Tap(u.details.player.trim.trim) })
	u.do(func() { u.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	u.eventually(t, "the trimmed recording selected", func() bool { return u.details.rec.Title == "Lecture (trimmed)" })
	nr := u.shown()
	u.eventually(t, "the trimmed recording synced", func() bool { return u.badgeOf(nr.ID) == "Synced" })
	c, err := sync.NewClient(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := sync.Login(context.Background(), c, sync.NewMemoryStore(), email, pw)
	if err != nil {
		t.Fatal(err)
	}
	var view map[string]api.Recording
	waitUntil(t, "the server to see the trim", func() bool { // the server's answer, not the window's state
		page, err := sess.Client().List(context.Background(), "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		view = map[string]api.Recording{}
		for _, it := range page.Recordings {
			view[it.ID] = it
		}
		old, listed := view[r.ID]
		return (!listed || old.Deleted) && view[nr.ID].Available
	})
	if got := view[nr.ID]; got.Title != "Lecture (trimmed)" || len(got.Bookmarks) != 1 || got.Bookmarks[0].AtMS != 200 || got.Bookmarks[0].Name != "Key point" {
		t.Fatalf("the server holds %+v", got)
	}
	if it, err := lib.Get(context.Background(), r.ID); err != nil || it.TrashedAt == nil {
		t.Fatalf("the original here: %+v, %v", it, err)
	}
}
