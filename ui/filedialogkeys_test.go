package ui

import (
	"context"
	"testing"

	"github.com/earshot/earshot/library"
)

// Fault 4 for Fyne's own file dialogs: while the Save as… dialog or the
// folder dialog of a multi-export is open, Ctrl+R waits (modalOpen counts
// any overlay, not only the dialogs showModal opened).
func TestShortcutsWaitBehindFileDialogs(t *testing.T) {
	u, lib := newTestUI(t)
	u.importTones(t, "One", "Two")
	rs, err := lib.List(context.Background(), library.ListOptions{})
	if err != nil || len(rs) != 2 {
		t.Fatalf("%d recordings (%v)", len(rs), err)
	}
	u.selectTitle(t, "One")
	u.settle()
	for name, open := range map[string]func(){
		"Save as":       func() { u.details.askExport() },
		"export folder": func() { u.details.many.rs = rs; u.details.many.askExport() },
	} {
		u.do(open)
		if u.overlays() == 0 {
			t.Fatalf("%s: no dialog shown", name)
		}
		u.do(func() { u.typeShortcut(shortcutRecord) })
		if u.recState() != recIdle {
			t.Fatalf("Ctrl+R behind the %s dialog started a recording", name)
		}
		u.do(func() {
			for _, o := range u.win.Canvas().Overlays().List() {
				u.win.Canvas().Overlays().Remove(o)
			}
		})
	}
}
