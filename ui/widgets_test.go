package ui

import (
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/earshot/earshot/audio"
)

func TestLevelMeterRenders(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		name  string
		level audio.Level
	}{
		{"silence", audio.Level{Peak: -120, RMS: -120}},
		{"speech", audio.Level{Peak: -12, RMS: -24}},
		{"clipping", audio.Level{Peak: 0, RMS: -3, Clipped: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewLevelMeter()
			m.SetLevel(tc.level)
			w := test.NewTempWindow(t, m)
			w.Resize(fyne.NewSize(240, 40))
			test.AssertRendersToImage(t, "meter_"+tc.name+".png", w.Canvas())
			if got := m.Clipping(); got != tc.level.Clipped {
				t.Errorf("Clipping() = %v, want %v", got, tc.level.Clipped)
			}
		})
	}
}

func TestLevelMeterHoldsClipLamp(t *testing.T) {
	test.NewTempApp(t)
	now := time.Unix(1000, 0)
	m := NewLevelMeter()
	m.now = func() time.Time { return now }
	m.SetLevel(audio.Level{Peak: 0, RMS: -3, Clipped: true})
	m.SetLevel(audio.Level{Peak: -20, RMS: -30})
	if !m.Clipping() {
		t.Fatal("lamp went out at the next clean reading; want it held")
	}
	now = now.Add(clipHold + time.Millisecond)
	if m.Clipping() {
		t.Fatal("lamp still lit after the hold time")
	}
}

func TestWaveformScrollsAndRenders(t *testing.T) {
	test.NewTempApp(t)
	w := NewWaveform(60)
	for i := range 90 {
		w.Push(float32(0.5 + 0.45*math.Sin(float64(i)/4)))
	}
	if got, want := w.at(59), float32(0.5+0.45*math.Sin(89.0/4)); math.Abs(float64(got-want)) > 1e-6 {
		t.Fatalf("newest value = %v, want %v", got, want)
	}
	win := test.NewTempWindow(t, w)
	win.Resize(fyne.NewSize(240, 80))
	test.AssertRendersToImage(t, "waveform_live.png", win.Canvas())
}

func TestWaveformSeek(t *testing.T) {
	test.NewTempApp(t)
	w := NewWaveformSeek()
	vals := make([]float32, 200)
	for i := range vals {
		vals[i] = float32(math.Abs(math.Sin(float64(i) / 10)))
	}
	w.SetValues(vals)
	var sought float64 = -1
	w.OnSeek = func(f float64) { sought = f }
	win := test.NewTempWindow(t, w)
	win.Resize(fyne.NewSize(240, 80))
	size := w.Size()
	test.TapAt(w, fyne.NewPos(size.Width/4, size.Height/2))
	if math.Abs(sought-0.25) > 0.01 {
		t.Fatalf("OnSeek(%v), want 0.25", sought)
	}
	test.AssertRendersToImage(t, "waveform_seek.png", win.Canvas())
}

func TestMeterSkipsInvisibleChanges(t *testing.T) {
	const width = 200
	base := audio.Level{Peak: -12, RMS: -24}
	for _, tc := range []struct {
		name string
		b    audio.Level
		want bool
	}{
		{"same", base, false},
		{"a hundredth of a dB", audio.Level{Peak: -12.01, RMS: -24.01}, false},
		{"RMS moved two units", audio.Level{Peak: -12, RMS: -24 + 60*2.0/width}, true},
		{"peak moved one unit", audio.Level{Peak: -12 + 60*1.0/width, RMS: -24}, true},
		{"peak tick gone", audio.Level{Peak: -120, RMS: -24}, true},
		{"bar turns to warning colour", audio.Level{Peak: -5, RMS: -5.9}, true},
	} {
		if got := visiblyDifferent(base, tc.b, width); got != tc.want {
			t.Errorf("%s: visiblyDifferent = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWaveformCountsSilence(t *testing.T) {
	test.NewTempApp(t)
	w := NewWaveform(4)
	w.Push(0.5)
	if w.nonZero != 1 {
		t.Fatalf("after one sound: nonZero %d", w.nonZero)
	}
	for range 4 {
		w.Push(0)
	}
	if w.nonZero != 0 {
		t.Fatalf("after the sound scrolled out: nonZero %d, want 0 (a flat line)", w.nonZero)
	}
	w.Push(-1) // clamped to silence
	if w.nonZero != 0 {
		t.Fatalf("a negative value counted as sound")
	}
}

// The clock keeps each digit in a cell of the same width, so its width and
// the place of every character stay put as the time counts.
func TestClockDigitsKeepTheirPlace(t *testing.T) {
	test.NewTempApp(t)
	c := newClockText("0:00", 30)
	win := test.NewTempWindow(t, c)
	win.Resize(fyne.NewSize(200, 60))
	r := test.WidgetRenderer(c).(*clockRenderer)
	cells := func() []float32 {
		var xs []float32
		for _, t := range r.chars {
			xs = append(xs, t.Position().X+t.Size().Width/2)
		}
		return xs
	}
	min0, at0 := c.MinSize(), cells()
	c.SetText("1:11")
	if c.MinSize() != min0 {
		t.Fatalf("min size %v became %v", min0, c.MinSize())
	}
	for i, x := range cells() {
		if math.Abs(float64(x-at0[i])) > 0.01 {
			t.Fatalf("character %d centred at %v, was %v", i, x, at0[i])
		}
	}
	c.SetText("10:00")
	if c.MinSize().Width <= min0.Width || len(r.chars) != 5 {
		t.Fatalf("one more digit: width %v (was %v), %d characters", c.MinSize().Width, min0.Width, len(r.chars))
	}
}
