package vad

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	ta "github.com/earshot/earshot/internal/testaudio"
)

// scene is speech with known spans: espeak-ng utterances between inserted
// silences of different lengths. An utterance's true span runs from its
// first to its last 10 ms window within 30 dB of its loudest window: the
// faint decay below that (a "p" release 40 dB down) is under the noise at
// 10 dB SNR for any detector, and no listener misses it.
type scene struct {
	pcm         []int16
	truth       []Span
	speechPower float64
}

var (
	sceneOnce sync.Once
	theScene  scene
)

func makeScene(t *testing.T) scene {
	t.Helper()
	sceneOnce.Do(func() {
		parts := []struct {
			gap  time.Duration
			text string
		}{
			{1200 * time.Millisecond, "the quick brown fox jumps over the lazy dog"},
			{1500 * time.Millisecond, "earshot records voice notes on your computer"},
			{700 * time.Millisecond, "six sharp sheep sleep soundly"},
			{2000 * time.Millisecond, "meet me at the station at nine"},
			{900 * time.Millisecond, "yes"},
		}
		var s scene
		var speech []int16
		for _, p := range parts {
			s.pcm = append(s.pcm, ta.Silence(p.gap)...)
			u := ta.Speech(t, p.text)
			first, last := activeEdges(u)
			s.truth = append(s.truth, Span{ta.Duration(len(s.pcm) + first), ta.Duration(len(s.pcm) + last)})
			s.pcm = append(s.pcm, u...)
			speech = append(speech, u...)
		}
		s.pcm = append(s.pcm, ta.Silence(time.Second)...)
		s.speechPower = ta.Power(speech)
		theScene = s
	})
	if theScene.pcm == nil {
		t.Fatal("no speech scene (see the first failure)")
	}
	return theScene
}

// activeEdges returns the first and last sample (end exclusive) of the
// 10 ms windows of u within 30 dB of its loudest one.
func activeEdges(u []int16) (first, last int) {
	const win = ta.Rate / 100
	var pw []float64
	peak := 0.0
	for i := 0; i < len(u); i += win {
		p := ta.Power(u[i:min(i+win, len(u))])
		pw = append(pw, p)
		peak = max(peak, p)
	}
	first = -1
	for i, p := range pw {
		if p >= peak/1000 {
			if first < 0 {
				first = i * win
			}
			last = min((i+1)*win, len(u))
		}
	}
	return first, last
}

func analyse(t *testing.T, pcm []int16) Map {
	t.Helper()
	a, err := NewAnalyzer(ta.Rate, 1)
	if err != nil {
		t.Fatal(err)
	}
	for len(pcm) > 0 { // in uneven pieces, as a decoder hands them out
		n := min(len(pcm), 3001)
		a.Write(pcm[:n])
		pcm = pcm[n:]
	}
	return a.Map()
}

// checkSpans wants one detected span per true span, each edge within 100 ms.
func checkSpans(t *testing.T, got, want []Span) {
	t.Helper()
	const tol = 100 * time.Millisecond
	if len(got) != len(want) {
		t.Fatalf("found %d speech spans, want %d:\n got  %v\n want %v", len(got), len(want), got, want)
	}
	for i := range want {
		ds, de := (got[i].Start - want[i].Start).Abs(), (got[i].End - want[i].End).Abs()
		if ds > tol || de > tol {
			t.Errorf("span %d: got %v–%v, want %v–%v (off by %v and %v; at most %v)",
				i, got[i].Start, got[i].End, want[i].Start, want[i].End, ds, de, tol)
		}
	}
}

func TestSpeechSpansClean(t *testing.T) {
	s := makeScene(t)
	checkSpans(t, analyse(t, s.pcm).Speech, s.truth)
}

func TestSpeechSpansNoisy(t *testing.T) {
	s := makeScene(t)
	for _, snr := range []float64{10, 15, 20} {
		t.Run(time.Duration(snr).String(), func(t *testing.T) {
			noisy := ta.AddNoise(s.pcm, s.speechPower, snr, uint64(snr))
			checkSpans(t, analyse(t, noisy).Speech, s.truth)
		})
	}
}

func TestNoiseAloneIsNotSpeech(t *testing.T) {
	for _, level := range []float64{1e-6, 1e-4, 1e-2} { // -60, -40, -20 dBFS
		n := ta.AddNoise(ta.Silence(10*time.Second), level, 0, 7)
		if m := analyse(t, n); len(m.Speech) != 0 {
			t.Errorf("white noise at power %g: found speech %v", level, m.Speech)
		}
	}
	if m := analyse(t, ta.Silence(5*time.Second)); len(m.Speech) != 0 || m.Duration != 5*time.Second {
		t.Errorf("digital silence: got %+v, want 5s and no speech", m)
	}
}

// TestDetectFile runs the whole path a recording takes: a noisy Opus file
// decoded and mapped.
func TestDetectFile(t *testing.T) {
	s := makeScene(t)
	path := filepath.Join(t.TempDir(), "noisy.opus")
	ta.WriteFile(t, path, audio.Opus, ta.AddNoise(s.pcm, s.speechPower, 10, 3))
	m, err := DetectFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if want := ta.Duration(len(s.pcm)); (m.Duration - want).Abs() > time.Millisecond {
		t.Errorf("duration %v, want %v", m.Duration, want)
	}
	checkSpans(t, m.Speech, s.truth)
}

func TestDetectStopsOnCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tone.wav")
	ta.WriteFile(t, path, audio.WAV, ta.Tone(2*time.Second, 440, 0.5))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DetectFile(ctx, path); err == nil {
		t.Fatal("a cancelled context still produced a map")
	}
}

func TestBadParams(t *testing.T) {
	if _, err := NewAnalyzer(0, 1); err == nil {
		t.Error("0 Hz accepted")
	}
	if _, err := NewAnalyzer(48000, 0); err == nil {
		t.Error("0 channels accepted")
	}
}

// BenchmarkAnalyzer measures the detector alone on 60 s of noisy speech at
// 48 kHz; scripts/bench/listening.sh reports the figure for a whole hour.
func BenchmarkAnalyzer(b *testing.B) {
	pcm := ta.AddNoise(ta.Tone(60*time.Second, 300, 0.3), 0.01, 10, 1)
	b.SetBytes(int64(len(pcm) * 2))
	for b.Loop() {
		a, err := NewAnalyzer(ta.Rate, 1)
		if err != nil {
			b.Fatal(err)
		}
		a.Write(pcm)
		a.Map()
	}
}

func TestPauses(t *testing.T) {
	s := func(a, b int) Span {
		return Span{time.Duration(a) * time.Millisecond, time.Duration(b) * time.Millisecond}
	}
	m := Map{Duration: 10 * time.Second, Speech: []Span{s(1000, 2000), s(2500, 4000), s(6000, 9000)}}
	got := m.Pauses(600*time.Millisecond, 150*time.Millisecond)
	want := []Span{s(0, 850), s(4150, 5850), s(9150, 10000)} // the 500 ms pause stays
	if len(got) != len(want) {
		t.Fatalf("pauses %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pause %d: %v, want %v", i, got[i], want[i])
		}
	}
	if d := Skipped(got); d != 850*time.Millisecond+1700*time.Millisecond+850*time.Millisecond {
		t.Errorf("skipped %v", d)
	}
	if p := (Map{Duration: time.Minute}).Pauses(time.Second, 0); p != nil {
		t.Errorf("no speech: skipped %v, want nothing", p)
	}
}
