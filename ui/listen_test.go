package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestListenControlsApplyAndAreRemembered: speed, skip silence and enhance
// next to Play change the open player at once, reach the next player, and
// are what a new window over the same preferences shows.
func TestListenControlsApplyAndAreRemembered(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "Tone")
	pb := u.details.player
	l := pb.listen
	if got := l.speed.Selected; got != "1×" || l.skip.Checked || l.enhance.Checked {
		t.Fatalf("fresh controls: %q, skip %v, enhance %v", got, l.skip.Checked, l.enhance.Checked)
	}
	u.tapAndWait(pb.play)
	u.do(func() { l.speed.SetSelected("2×") })
	var speed float64
	onMainWait(func() { speed = pb.player.Speed() })
	if speed != 2 {
		t.Fatalf("the playing player's speed is %g after choosing 2×", speed)
	}
	u.do(func() {
		test.Tap(l.skip)
		test.Tap(l.enhance)
	})
	prefs := u.app.Preferences()
	if prefs.Float(prefSpeed) != 2 || !prefs.Bool(prefSkipSilence) || !prefs.Bool(prefEnhance) {
		t.Fatalf("preferences: speed %g, skip %v, enhance %v", prefs.Float(prefSpeed), prefs.Bool(prefSkipSilence), prefs.Bool(prefEnhance))
	}
	// Another recording: its player starts with the same settings.
	first := pb.player
	u.importTones(t, "Second")
	if u.details.rec.Title != "Second" {
		t.Fatalf("selected %q after importing Second", u.details.rec.Title)
	}
	u.tapAndWait(pb.play)
	onMainWait(func() {
		if pb.player == first {
			t.Error("the second recording plays through the first one's player")
		}
		speed = pb.player.Speed()
	})
	if speed != 2 {
		t.Fatalf("the next player plays at %g×, want the chosen 2×", speed)
	}
	// A new window over the same preferences shows what was chosen.
	var again *listenTools
	onMainWait(func() { again = newListenTools(newPlayback(u.details)) })
	if again.speed.Selected != "2×" || !again.skip.Checked || !again.enhance.Checked {
		t.Fatalf("remembered controls: %q, skip %v, enhance %v", again.speed.Selected, again.skip.Checked, again.enhance.Checked)
	}
}
