package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/earshot/earshot/audio/device"
)

// TestListenControlsApplyAndAreRemembered: speed, skip silence and enhance
// next to Play change the open player at once, reach the next player, and
// are what a new window over the same preferences shows.
func TestListenControlsApplyAndAreRemembered(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "Tone")
	pb := u.details.player
	l := pb.listen
	var speedSel string
	var skip, enhance bool
	onMainWait(func() { speedSel, skip, enhance = l.speed.Selected, l.skip.Checked, l.enhance.Checked })
	if speedSel != "1×" || skip || enhance {
		t.Fatalf("fresh controls: %q, skip %v, enhance %v", speedSel, skip, enhance)
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
	first := onMainValue(func() *device.Player { return pb.player })
	u.importTones(t, "Second")
	if r := u.shown(); r.Title != "Second" {
		t.Fatalf("selected %q after importing Second", r.Title)
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
	onMainWait(func() {
		again := newListenTools(newPlayback(u.details))
		speedSel, skip, enhance = again.speed.Selected, again.skip.Checked, again.enhance.Checked
	})
	if speedSel != "2×" || !skip || !enhance {
		t.Fatalf("remembered controls: %q, skip %v, enhance %v", speedSel, skip, enhance)
	}
}
