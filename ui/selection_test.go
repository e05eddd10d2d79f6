package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/earshot/earshot/library"
)

// shownRows are the list's rows on screen, by the index they show.
func (u *UI) shownRows() map[int]*row {
	rows := map[int]*row{}
	for _, o := range test.LaidOutObjects(u.list.list) {
		if r, ok := o.(*row); ok && r.Visible() {
			rows[r.index] = r
		}
	}
	return rows
}

// clickRow clicks the row showing title as the desktop driver does: the
// mouse goes down with the modifiers held, then the tap.
func (u *UI) clickRow(t *testing.T, title string, mod fyne.KeyModifier) {
	t.Helper()
	clicked := false
	u.do(func() {
		i := slices.Index(u.list.titles(), title)
		r := u.shownRows()[i]
		if i < 0 || r == nil {
			t.Errorf("no row %q on screen in %q", title, u.list.titles()) // not Fatal: this is the Fyne goroutine
			return
		}
		clicked = true
		r.MouseDown(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary, Modifier: mod})
		r.MouseUp(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary, Modifier: mod})
		test.Tap(r)
	})
	if !clicked {
		t.FailNow()
	}
}

// picked lists the titles drawn selected, top to bottom, and checks that
// they are what the panel holds as picked.
func (u *UI) pickedTitles(t *testing.T) []string {
	t.Helper()
	var drawn, held []string
	onMainWait(func() {
		for i, r := range u.shownRows() {
			if r.bg.Visible() {
				drawn = append(drawn, u.list.items[i].Title)
			}
		}
		for _, r := range u.list.selection() {
			if len(u.list.picked) > 0 {
				held = append(held, r.Title)
			}
		}
	})
	sort.Strings(drawn)
	sort.Strings(held)
	if !slices.Equal(drawn, held) {
		t.Fatalf("rows drawn picked %q, picked %q", drawn, held)
	}
	return held
}

func TestMultiSelectClicksKeysAndPane(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "A", "B", "C", "D", "E") // listed E D C B A
	u.clickRow(t, "D", 0)
	if r := u.shown(); r.Title != "D" || len(u.pickedTitles(t)) != 0 {
		t.Fatalf("a plain click: details %q", r.Title)
	}
	u.clickRow(t, "B", fyne.KeyModifierControl)
	if got := u.pickedTitles(t); !slices.Equal(got, []string{"B", "D"}) {
		t.Fatalf("Ctrl-click picked %q, want B and D", got)
	}
	if p := u.paneState(); !p.many || p.heading != "2 recordings selected" || p.single {
		t.Fatalf("pane with two picked: %+v", p)
	}
	// Shift-click: the range from the last Ctrl-clicked (B) to E.
	u.clickRow(t, "E", fyne.KeyModifierShift)
	if got := u.pickedTitles(t); !slices.Equal(got, []string{"B", "C", "D", "E"}) {
		t.Fatalf("Shift-click picked %q, want B to E", got)
	}
	// Ctrl-click again takes one out; down to one it is a plain selection.
	u.clickRow(t, "C", fyne.KeyModifierControl)
	if got := u.pickedTitles(t); !slices.Equal(got, []string{"B", "D", "E"}) {
		t.Fatalf("Ctrl-click on a picked row: %q", got)
	}
	u.clickRow(t, "B", fyne.KeyModifierControl)
	u.clickRow(t, "D", fyne.KeyModifierControl)
	if got, p := u.pickedTitles(t), u.paneState(); len(got) != 0 || p.title != "E" || !p.single {
		t.Fatalf("one left: picked %q, pane %+v", got, p)
	}
	// Ctrl+A with the list focused picks every one; Escape clears.
	u.do(func() { u.typeShortcut(&fyne.ShortcutSelectAll{}) })
	if got, p := u.pickedTitles(t), u.paneState(); len(got) != 5 || p.heading != "5 recordings selected" {
		t.Fatalf("Ctrl+A picked %q (%+v)", got, p)
	}
	u.do(func() { u.typeKey(fyne.KeyEscape) })
	if got, p := u.pickedTitles(t), u.paneState(); len(got) != 0 || p.id != "" || p.many {
		t.Fatalf("after Escape: picked %q, pane %+v", got, p)
	}
	// A plain click after picking goes back to one.
	u.clickRow(t, "A", fyne.KeyModifierControl)
	u.clickRow(t, "C", fyne.KeyModifierControl)
	u.clickRow(t, "B", 0)
	if got, r := u.pickedTitles(t), u.shown(); len(got) != 0 || r.Title != "B" {
		t.Fatalf("plain click after picking: %q, details %q", got, r.Title)
	}
}

// Delete with several picked asks once, moves all to the trash, and Undo
// brings every one back.
func TestMultiDeleteOnceAndUndoAll(t *testing.T) {
	u, lib := newTestUI(t)
	u.importTones(t, "Keep", "One", "Two", "Three")
	u.clickRow(t, "One", 0)
	u.clickRow(t, "Three", fyne.KeyModifierShift)
	u.do(func() { u.typeKey(fyne.KeyDelete) })
	u.do(func() { u.typeKey(fyne.KeyDelete) })
	if n := u.overlays(); n != 1 {
		t.Fatalf("%d dialogs, want one for all", n)
	}
	var button bool
	var text string
	onMainWait(func() {
		top := u.win.Canvas().Overlays().Top()
		button, text = findButton(top, "Move to the trash") != nil, markupText(top)
	})
	if !button || !strings.Contains(text, "Move 3 recordings to the trash? They stay there for 30 days.") {
		t.Fatalf("dialog: %s", text)
	}
	u.do(func() { u.typeKey(fyne.KeyReturn) })
	if got := u.listed(); !slices.Equal(got, []string{"Keep"}) {
		t.Fatalf("after deleting 3: %q", got)
	}
	rs, _ := lib.List(context.Background(), library.ListOptions{Trash: library.OnlyTrashed})
	if len(rs) != 3 {
		t.Fatalf("trash holds %d, want 3", len(rs))
	}
	if msg, undo := u.notice(), u.undoOffered(); msg != "Moved 3 recordings to the trash." || !undo {
		t.Fatalf("notice %q (undo offered %v)", msg, undo)
	}
	u.tapAndWait(u.notices.action)
	if got := u.listed(); len(got) != 4 {
		t.Fatalf("after Undo: %q, want all four", got)
	}
	if rs, _ := lib.List(context.Background(), library.ListOptions{Trash: library.OnlyTrashed}); len(rs) != 0 {
		t.Fatalf("trash still holds %d after Undo", len(rs))
	}
}

// Export of several picked: one folder, every file under a safe unique
// name (two recordings called "a/b", one file there already), one notice.
func TestMultiExportUniqueNames(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "Memo", "Memo", "Talk")
	ctx := context.Background()
	rs, err := u.be.Library.List(ctx, library.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Talk.wav"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	u.do(func() { u.saveAll(rs, dir) })
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"Memo (2).wav", "Memo.wav", "Talk (2).wav", "Talk.wav"}; !slices.Equal(names, want) {
		t.Fatalf("folder holds %q, want %q", names, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "Talk.wav")); string(b) != "mine" {
		t.Fatal("the export overwrote a file that was there")
	}
	if want, got := "Saved 3 recordings in "+dir+".", u.notice(); got != want {
		t.Fatalf("notice %q, want %q", got, want)
	}
}

// A failed export among several leaves nothing behind for it, and the
// notice says which and how many were saved.
func TestMultiExportFailureListed(t *testing.T) {
	u, lib := newTestUI(t)
	u.importTones(t, "Good", "Broken")
	ctx := context.Background()
	rs, _ := lib.List(ctx, library.ListOptions{})
	for _, r := range rs {
		if r.Title == "Broken" {
			if err := os.Remove(lib.AudioPath(r)); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	u.do(func() { u.saveAll(rs, dir) })
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "Good.wav" {
		t.Fatalf("folder holds %v, want Good.wav alone", entries)
	}
	if got := u.notice(); got != "Saved 1 of 2 recordings in "+dir+"; not saved: \"Broken\" (its audio file is missing from the library folder)." {
		t.Fatalf("notice %q", got)
	}
}

// pane is what the details pane shows: one recording or several picked.
type pane struct {
	id, title    string // the one shown
	single, many bool   // which view is visible
	heading      string // the many view's
}

// paneState reads the details pane on the tests' Fyne goroutine.
func (u *UI) paneState() pane {
	return onMainValue(func() pane {
		d := u.details
		return pane{d.rec.ID, d.rec.Title, d.body.Visible(), d.many.content.Visible(), d.many.heading.Text}
	})
}

// markupText is the text of o's labels, for checking what a dialog says.
func markupText(o fyne.CanvasObject) string {
	return test.RenderObjectToMarkup(o)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
