package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// Restoring from the trash says what happened (the row only leaves the
// trash) and Show goes to the recording, selected among the recordings.
func TestRestoreSaysSoAndShowsTheRecording(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "Keeper")
	u.selectTitle(t, "Keeper")
	u.chooseDelete(t, "Move to the trash")
	u.do(func() { u.tabs.SelectIndex(1) })
	u.do(func() { u.trash.restore(u.trash.items[0]) })
	var notice, action, shown string
	var tab int
	onMainWait(func() { notice, action = u.notices.text(), u.notices.action.Text })
	if !strings.HasPrefix(notice, `Restored "Keeper" to your recordings.`) || action != "Show" {
		t.Fatalf("after the restore the notice says %q with %q", notice, action)
	}
	u.do(func() { test.Tap(u.notices.action) })
	onMainWait(func() { tab, shown = u.tabs.SelectedIndex(), u.details.rec.Title })
	if tab != 0 || shown != "Keeper" {
		t.Fatalf("Show: tab %d, details %q; want the recordings with Keeper selected", tab, shown)
	}
}
