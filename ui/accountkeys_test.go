package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// Fault 2 on the Account tab: the window's shortcuts work while typing the
// server, the email or the password (they were plain Entries, which drop
// every shortcut they do not know: Ctrl+R did nothing there).
func TestShortcutsWorkInTheAccountFields(t *testing.T) {
	mockKeyring(t)
	u, _, _ := newCloudUI(t, t.TempDir(), SyncOptions{})
	a := u.account
	u.do(func() { u.tabs.SelectIndex(2) }) // the Account tab
	for _, field := range []fyne.Focusable{a.server, a.email, a.password} {
		u.do(func() { u.win.Canvas().Focus(field) })
		if f := u.focused(); f != field {
			t.Fatalf("the %s field did not take the focus (%T has it)", fieldName(a, field), f)
		}
		u.do(func() { u.typeShortcut(shortcutRecord) })
		if s := u.recState(); s != recRunning {
			t.Fatalf("Ctrl+R with the %s field focused: state %v, notices %q", fieldName(a, field), s, u.noticeHistory())
		}
		u.do(func() { u.typeShortcut(shortcutRecord) })
		if s := u.recState(); s != recIdle {
			t.Fatalf("second Ctrl+R with the %s field focused: state %v", fieldName(a, field), s)
		}
	}
	if !onMainValue(func() bool { return a.password.Password }) {
		t.Fatal("the password field shows what is typed")
	}
}

func fieldName(a *accountPanel, f fyne.Focusable) string {
	switch f {
	case a.server:
		return "server"
	case a.email:
		return "email"
	}
	return "password"
}
