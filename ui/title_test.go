package ui

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/earshot/earshot/library"
)

// After Stop the title field has focus with the default title selected, and
// it stays so while the library refreshes the recording (overview made,
// transcription progress, a transcript arriving): typing replaces the
// default title instead of being appended to it.
func TestStopLeavesTheTitleReadyToType(t *testing.T) {
	u, lib := newTestUI(t)
	u.tapAndWait(u.rec.record)
	u.tapAndWait(u.rec.record)
	var focused bool
	var selected, id string
	check := func(when string) {
		t.Helper()
		onMainWait(func() {
			focused = u.win.Canvas().Focused() == fyne.Focusable(u.details.title)
			selected, id = u.details.title.SelectedText(), u.details.rec.ID
		})
		r, err := lib.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !focused || selected != r.Title {
			t.Fatalf("%s: title focused %v, selected %q, want the whole default title %q", when, focused, selected, r.Title)
		}
	}
	check("after Stop")
	// What the library's change notices do for the same recording.
	u.do(u.list.reload)
	u.do(u.list.reload)
	check("after the recording was shown again")
	u.do(func() {
		test.Type(u.details.title, "Budget talk")
		u.details.title.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	if r, _ := lib.Get(context.Background(), id); r.Title != "Budget talk" {
		t.Fatalf("typing a name after Stop made the title %q", r.Title)
	}
	// The next take, recorded and stopped with the focus still in the title
	// field (Ctrl+R works there): the same, and the first keeps its name.
	first := id
	u.do(func() { u.typeShortcut(shortcutRecord) })
	u.do(func() { u.typeShortcut(shortcutRecord) })
	u.settle()
	check("after the second take's Stop")
	if id == first {
		t.Fatal("the second take is not the one shown")
	}
	u.do(func() {
		test.Type(u.details.title, "Festival")
		u.details.title.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	if r, _ := lib.Get(context.Background(), id); r.Title != "Festival" {
		t.Fatalf("typing a name after the second Stop made the title %q", r.Title)
	}
	if r, _ := lib.Get(context.Background(), first); r.Title != "Budget talk" {
		t.Fatalf("the first take was renamed to %q", r.Title)
	}
}

// Selecting another recording shows it from the top, title first, however
// far down the previous one was scrolled.
func TestAnotherRecordingStartsAtItsTitle(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "First", "Second")
	u.selectTitle(t, "First")
	u.do(func() {
		u.win.Resize(fyne.NewSize(868, 420)) // short enough for the pane to scroll
		u.details.scroll.ScrollToBottom()
	})
	var before, after float32
	onMainWait(func() { before = u.details.scroll.Offset.Y })
	if before == 0 {
		t.Fatal("the details pane did not scroll: the test shows nothing")
	}
	u.selectTitle(t, "Second")
	onMainWait(func() { after = u.details.scroll.Offset.Y })
	if after != 0 {
		t.Fatalf("the next recording is shown scrolled %v down (the previous was at %v)", after, before)
	}
}

// After a delete the recording below takes the selection (above, for the
// last row), as in a file manager, so Delete can go on through the list;
// the same after deleting several picked at once.
func TestDeleteSelectsTheNeighbour(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "A", "B", "C", "D") // listed D C B A
	shown := func() (title string) {
		onMainWait(func() { title = u.details.rec.Title })
		return title
	}
	u.selectTitle(t, "C")
	u.chooseDelete(t, "Move to the trash")
	u.settle()
	if got := shown(); got != "B" {
		t.Fatalf("after deleting C the details show %q, want B (below it)", got)
	}
	u.clickRow(t, "A", fyne.KeyModifierControl) // with B selected: B and A picked
	var rs []library.Recording
	onMainWait(func() { rs = u.list.selection() })
	if len(rs) != 2 {
		t.Fatalf("picked %d recordings, want B and A", len(rs))
	}
	u.do(func() { u.deleteAll(rs, 0) })
	if got := shown(); got != "D" {
		t.Fatalf("after deleting the last two the details show %q, want D (above them)", got)
	}
	u.chooseDelete(t, "Move to the trash")
	u.settle()
	if got := shown(); got != "" {
		t.Fatalf("with nothing left the details show %q", got)
	}
}

// A reload that overtakes the one Stop asked for (a library change notice
// between them: only the newer answer is shown) shows the take a moment
// after Stop's own callback has run; its title still gets the focus,
// selected, once it is shown. Another recording shown first cancels that.
func TestTitleReadyWhenTheTakeIsShownLate(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "Old", "Take")
	u.selectTitle(t, "Old")
	overtaken := func(show string) {
		u.do(func() {
			p := u.list
			take := p.items[slices.Index(p.titles(), "Take")]
			u.details.readyToName(take.ID, u.typingState()) // Stop's callback: the pane still shows Old
			if show != "Take" {
				p.list.Select(slices.Index(p.titles(), show))
			}
			p.want = take.ID // the overtaking reload's answer
			p.apply(p.query(), slices.Clone(p.items), len(p.items))
		})
	}
	var focused bool
	var selected string
	read := func() {
		onMainWait(func() {
			focused = u.win.Canvas().Focused() == fyne.Focusable(u.details.title)
			selected = u.details.title.SelectedText()
		})
	}
	overtaken("Take")
	if read(); !focused || selected != "Take" {
		t.Fatalf("the take shown late: title focused %v, selected %q, want Take", focused, selected)
	}
	u.do(func() { u.win.Canvas().Unfocus() })
	u.selectTitle(t, "Old")
	u.importTones(t, "Other")
	u.selectTitle(t, "Old")
	overtaken("Other") // the user picked another row before the take was shown
	if read(); focused {
		t.Fatalf("the title took the focus (selected %q) after another recording was shown first", selected)
	}
}

// A reload that read the library before a rename was written shows the
// new title, not the old one: the row and the title field never flash back
// to it. The write is held back by a second SQLite connection holding the
// write lock, as the CLI or another process can.
func TestRenameInFlightKeepsTheNewTitle(t *testing.T) {
	u, lib := newTestUI(t)
	ctx := context.Background()
	u.importTones(t, "Before")
	u.selectTitle(t, "Before")
	id := u.shown().ID

	db, err := sql.Open("sqlite", filepath.Join(lib.Dir(), "earshot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	c := u.win.Canvas()
	onMainWait(func() {
		c.Focus(u.details.title)
		u.details.title.SetText("After")
		c.Focus(u.list.search) // commits: the write now waits for the lock
	})
	u.list.loadNow(ctx, "") // an answer read before the write lands
	onMainWait(func() {})   // and applied
	onMainCheck(t, func() {
		if got := u.details.title.Text; got != "After" {
			t.Errorf("while the rename is written the field shows %q", got)
		}
		if got := u.list.titles(); !slices.Equal(got, []string{"After"}) {
			t.Errorf("while the rename is written the list shows %q", got)
		}
	})
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	u.settle()
	if r, _ := lib.Get(ctx, id); r.Title != "After" || u.titleField() != "After" {
		t.Fatalf("after the write: stored %q, field %q", r.Title, u.titleField())
	}
}
