package ui

import (
	"context"
	"image/color"
	"os/exec"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/earshot/earshot/library"
)

// While recording real sound, the paced frames keep showing it: the meter
// rises off the floor, the waveform gets bars, the clock counts and the red
// line shows under the header, and the live waveform holds liveSpan of
// sound at one bar per frame.
func TestRecordingFramesShowTheSound(t *testing.T) {
	sink, _ := virtualSink(t)
	lib, err := library.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	if err := lib.SetAutoTranscribe(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefDevice, sink+".monitor")
	ctx, cancel := context.WithCancel(context.Background())
	var u *UI
	onMainWait(func() { u = New(ctx, a, NewBackend(lib, "pulse")) })
	t.Cleanup(func() { cancel(); u.wait(); onMainWait(u.win.Close) })
	u.settle()
	if n := onMainValue(func() int { return len(u.rec.wave.values) }); n != int(liveSpan/frameInterval) {
		t.Fatalf("the live waveform holds %d bars, want %d (%v at one per %v)", n, int(liveSpan/frameInterval), liveSpan, frameInterval)
	}

	tone := writeTone(t, "tone.wav") // -12 dBFS RMS
	playing, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { // the tone again and again until the test has seen it
		defer close(done)
		for playing.Err() == nil {
			_ = exec.CommandContext(playing, "paplay", "-d", sink, tone).Run()
		}
	}()
	t.Cleanup(func() { stop(); <-done })

	u.tapAndWait(u.rec.record)
	waitUntil(t, "the frames to show the tone", func() bool {
		var ok bool
		onMainWait(func() {
			ok = u.rec.meter.shown.RMS > -20 && u.rec.wave.nonZero > 0 && u.rec.clock.text != "0:00.0" &&
				u.rec.redLine.FillColor == theme.Color(theme.ColorNameError)
		})
		return ok
	})
	u.tapAndWait(u.rec.record)
	// Stopped, the header is at rest: clock, meter, waveform and the red
	// line alike (the take itself is shown in the details).
	var clockText string
	var bars int
	var line color.Color
	onMainWait(func() { clockText, bars, line = u.rec.clock.text, u.rec.wave.nonZero, u.rec.redLine.FillColor })
	if clockText != "0:00.0" || bars != 0 || line != color.Transparent {
		t.Fatalf("after Stop the header shows %q with %d bars of the take, the red line %v", clockText, bars, line)
	}
}

// loadFonts leaves both faces the first frame uses loaded and measuring:
// bold text comes out wider than regular.
func TestLoadFonts(t *testing.T) {
	test.NewTempApp(t)
	<-loadFonts()
	size := theme.TextSize()
	regular := fyne.MeasureText("Earshot records", size, fyne.TextStyle{})
	bold := fyne.MeasureText("Earshot records", size, fyne.TextStyle{Bold: true})
	if regular.Width <= 0 || bold.Width <= regular.Width {
		t.Fatalf("regular %v, bold %v: want both measured, bold wider", regular, bold)
	}
}
