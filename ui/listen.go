package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/internal/listen"
	"github.com/earshot/earshot/library"
)

// How recordings play, remembered per user in Fyne's preferences.
const (
	prefSpeed       = "listen.speed"
	prefSkipSilence = "listen.skipSilence"
	prefEnhance     = "listen.enhance"
)

// speedChoices are the speeds the speed control offers.
var speedChoices = []float64{0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3}

// listenTools are the speed, skip-silence and enhance controls: a row of
// their own under Play (the tools row beside it runs off a narrow details
// pane). They apply to the player at once and to every
// recording played after; listen.Apply does the work, as for `earshot play`.
type listenTools struct {
	p       *playback
	speed   *widget.Select
	skip    *widget.Check
	enhance *widget.Check
	// now is what the controls say, for the goroutine that opens a player
	// (widgets are read on the Fyne goroutine only).
	now atomic.Pointer[listen.Settings]
}

func newListenTools(p *playback) *listenTools {
	l := &listenTools{p: p}
	prefs := p.d.u.app.Preferences()
	labels := make([]string, len(speedChoices))
	for i, s := range speedChoices {
		labels[i] = speedLabel(s)
	}
	l.speed = widget.NewSelect(labels, nil)
	l.speed.SetSelected(speedLabel(nearestSpeed(prefs.FloatWithFallback(prefSpeed, 1))))
	l.skip = widget.NewCheck("Skip silence", nil)
	l.skip.SetChecked(prefs.Bool(prefSkipSilence))
	l.enhance = widget.NewCheck("Enhance", nil)
	l.enhance.SetChecked(prefs.Bool(prefEnhance))
	l.store()
	l.speed.OnChanged = func(string) { l.changed() }
	l.skip.OnChanged = func(bool) { l.changed() }
	l.enhance.OnChanged = func(bool) { l.changed() }
	row := container.NewHBox(l.speed, l.skip, l.enhance)
	p.content.(*fyne.Container).Add(row)
	return l
}

// settings reads the controls (Fyne goroutine).
func (l *listenTools) settings() listen.Settings {
	return listen.Settings{Speed: parseSpeed(l.speed.Selected), SkipSilence: l.skip.Checked, Enhance: l.enhance.Checked}
}

func (l *listenTools) store() {
	s := l.settings()
	l.now.Store(&s)
}

// changed remembers the controls and retunes the open player, off the Fyne
// goroutine: the first skip silence or enhance of a recording may read it
// whole.
func (l *listenTools) changed() {
	l.store()
	s := *l.now.Load()
	prefs := l.p.d.u.app.Preferences()
	prefs.SetFloat(prefSpeed, s.Speed)
	prefs.SetBool(prefSkipSilence, s.SkipSilence)
	prefs.SetBool(prefEnhance, s.Enhance)
	pl, r := l.p.player, l.p.rec
	if pl == nil {
		return
	}
	l.p.d.u.background(func(ctx context.Context) {
		if err := l.apply(ctx, pl, r); err != nil {
			l.p.d.u.fail(err)
		}
	})
}

// apply sets pl, playing r, to what the controls say; any goroutine.
func (l *listenTools) apply(ctx context.Context, pl *device.Player, r library.Recording) error {
	if _, err := listen.Apply(ctx, l.p.d.u.be.Library, pl, r, *l.now.Load()); err != nil {
		return fmt.Errorf("could not change how %q plays: %w", r.Title, err)
	}
	return nil
}

func speedLabel(s float64) string { return strconv.FormatFloat(s, 'f', -1, 64) + "×" }

func parseSpeed(label string) float64 {
	s, err := strconv.ParseFloat(strings.TrimSuffix(label, "×"), 64)
	if err != nil {
		return 1
	}
	return s
}

// nearestSpeed is the offered speed closest to s (a remembered value from
// another version, say).
func nearestSpeed(s float64) float64 {
	best := 1.0
	for _, c := range speedChoices {
		if d, b := c-s, best-s; d*d < b*b {
			best = c
		}
	}
	return best
}
