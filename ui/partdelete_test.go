package ui

import (
	"context"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// TestMultiDeletePartlyFailedOffersUndo: of three recordings picked for
// the trash, one is removed for good from the library (as another window
// or the earshot command does) while the dialog is open, so its delete
// fails for real. One line says how many went where and which did not
// and why, in plain words; it stays, and its Undo brings back the two
// that went.
func TestMultiDeletePartlyFailedOffersUndo(t *testing.T) {
	u, lib := newTestUI(t)
	ctx := context.Background()
	u.importTones(t, "Keep", "One", "Two", "Three")
	u.clickRow(t, "One", 0)
	u.clickRow(t, "Three", fyne.KeyModifierShift)
	u.do(func() { u.typeKey(fyne.KeyDelete) })
	if dialogs := u.overlays(); dialogs != 1 {
		t.Fatalf("%d dialogs open, want the delete dialog", dialogs)
	}
	all, err := lib.List(ctx, library.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Title == "Two" {
			if err := lib.Purge(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	u.do(func() { u.typeKey(fyne.KeyReturn) })

	want := `Moved 2 of 3 recordings to the trash. Not deleted: "Two" (it is no longer in the library — removed meanwhile, on another device or with the earshot command).`
	var text string
	var undoShown, isErr bool
	var titles []string
	onMainWait(func() {
		text, undoShown = u.notices.text(), !u.notices.action.Hidden
		isErr = u.notices.label.Importance == widget.DangerImportance
		titles = u.list.titles()
	})
	if text != want || !undoShown || !isErr {
		t.Fatalf("notice %q (Undo shown %v, as a problem %v), want %q with Undo, as a problem", text, undoShown, isErr, want)
	}
	if !slices.Equal(titles, []string{"Keep"}) {
		t.Fatalf("list after the delete: %q, want Keep alone", titles)
	}
	trashed, _ := lib.List(ctx, library.ListOptions{Trash: library.OnlyTrashed})
	if len(trashed) != 2 {
		t.Fatalf("trash holds %d, want the 2 that went", len(trashed))
	}

	var undo *widget.Button
	onMainWait(func() { undo = u.notices.action })
	u.tapAndWait(undo)
	onMainWait(func() { titles = u.list.titles() })
	slices.Sort(titles)
	if !slices.Equal(titles, []string{"Keep", "One", "Three"}) {
		t.Fatalf("after Undo the list holds %q, want Keep, One and Three", titles)
	}
	if trashed, _ := lib.List(ctx, library.ListOptions{Trash: library.OnlyTrashed}); len(trashed) != 0 {
		t.Fatalf("trash still holds %d after Undo", len(trashed))
	}
}
