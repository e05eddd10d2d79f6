package device

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

// These tests record from the PulseAudio virtual microphone that
// scripts/testenv.sh starts: what a test plays into its own null sink is
// what miniaudio's PulseAudio backend captures from the sink's monitor.

func TestDevicesListsTheVirtualMicrophone(t *testing.T) {
	sink := virtualMic(t)
	devs, err := Devices(context.Background(), "pulse")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(devs, func(d Device) bool { return d.ID == sink+".monitor" })
	if i < 0 {
		t.Fatalf("devices %+v: no %s.monitor", devs, sink)
	}
	if devs[i].Name == "" {
		t.Fatalf("device %+v has no name", devs[i])
	}
	if !slices.ContainsFunc(devs, func(d Device) bool { return d.Default }) {
		t.Fatalf("devices %+v: none is the default", devs)
	}
	// Auto picks PulseAudio when it runs, and "" records from the default.
	info, _, _ := recordFor(t, context.Background(), Config{Format: audio.WAV}, filepath.Join(t.TempDir(), "default.wav"), 300*time.Millisecond)
	if info.Frames == 0 {
		t.Fatal("recorded nothing from the default device")
	}
}

func TestRecordsAToneFromTheVirtualMicrophone(t *testing.T) {
	sink := virtualMic(t)
	src := tone(t, 1000, 0.5, 4) // -6 dBFS peak, -9 dBFS RMS
	path := filepath.Join(t.TempDir(), "tone.wav")
	calling := time.Now()
	rec, err := StartRecording(context.Background(), Config{Backend: "pulse", Device: sink + ".monitor", Format: audio.WAV}, path)
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	type reading struct {
		ls    []audio.Level
		times []time.Time
	}
	levels := make(chan reading, 1)
	go func() {
		var r reading
		for l := range rec.Levels() {
			r.ls = append(r.ls, l)
			r.times = append(r.times, time.Now())
		}
		levels <- r
	}()
	play(t, sink, src)
	time.Sleep(300 * time.Millisecond) // the tail still travels through the server
	stopping := time.Now()
	info, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	got := <-levels
	ls := got.ls

	// The device runs from somewhere in StartRecording to somewhere in Stop.
	if lo, hi := stopping.Sub(started), stopped.Sub(calling); info.Duration.Seconds() < 0.98*lo.Seconds() || info.Duration.Seconds() > 1.02*hi.Seconds() {
		t.Errorf("file lasts %s, recorded for %s to %s: more than 2 %% off", info.Duration, lo, hi)
	}
	_, pcm := decode(t, path)
	first, last, blocks := loudSpan(pcm, 48000, -30)
	if first < 0 || !within(float64(blocks)/100, 4, 0.02) {
		t.Fatalf("the tone spans %d ms of the recording, want 4 s ± 2 %%", blocks*10)
	}
	body := pcm[first+480 : last-480] // whole blocks of tone only
	if f := toneFraction(body, 48000, 1000); f < 0.95 {
		t.Errorf("only %.3f of the power is at 1 kHz", f)
	}
	if f := toneFraction(body, 48000, 1200); f > 0.01 {
		t.Errorf("%.3f of the power is at 1.2 kHz: distorted", f)
	}
	if db := rmsDB(body); math.Abs(db-(-9.03)) > 1 {
		t.Errorf("recorded RMS %.2f dBFS, played -9.03", db)
	}
	if rate := levelRate(got.times); rate < 20 {
		t.Errorf("%d level readings at %.1f/s, want ≥ 20/s", len(ls), rate)
	}
	var peak, rms = -120.0, -120.0
	for _, l := range ls {
		peak, rms = max(peak, l.Peak), max(rms, l.RMS)
		if l.Clipped {
			t.Errorf("level %+v says clipped for a -6 dBFS tone", l)
		}
	}
	if math.Abs(peak-(-6.02)) > 1 || math.Abs(rms-(-9.03)) > 1 {
		t.Errorf("meter peaked at %.2f dBFS peak / %.2f RMS, played -6.02 / -9.03", peak, rms)
	}
}

func TestRecordsSpeechFaithfully(t *testing.T) {
	sink := virtualMic(t)
	dir := t.TempDir()
	raw, src := filepath.Join(dir, "speech.wav"), filepath.Join(dir, "speech48.wav")
	run(t, "espeak-ng", "-w", raw, "Earshot records what you say, word for word.")
	run(t, "sox", raw, "-r", "48000", "-c", "1", "-b", "16", src)
	_, want := decode(t, src)

	path := filepath.Join(dir, "rec.wav")
	rec, err := StartRecording(context.Background(), Config{Backend: "pulse", Device: sink + ".monitor", Format: audio.WAV}, path)
	if err != nil {
		t.Fatal(err)
	}
	play(t, sink, src)
	time.Sleep(300 * time.Millisecond)
	if _, err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	_, got := decode(t, path)
	off, corr := align(want, got)
	if corr < 0.98 {
		t.Fatalf("the recording matches the speech played with correlation %.3f (offset %d samples), want ≥ 0.98", corr, off)
	}
	if d := rmsDB(got[off:off+len(want)]) - rmsDB(want); math.Abs(d) > 1 {
		t.Errorf("speech recorded %.2f dB louder than played", d)
	}
}

// align finds where want starts in got and the normalised correlation of
// the two there: envelopes of 10 ms blocks find the rough offset, samples
// refine it.
func align(want, got []int16) (offset int, corr float64) {
	const block = 480
	env := func(p []int16) []float64 {
		e := make([]float64, len(p)/block)
		for i := range e {
			e[i] = math.Pow(10, rmsDB(p[i*block:(i+1)*block])/20)
		}
		return e
	}
	ew, eg := env(want), env(got)
	best, bestAt := -1.0, 0
	for o := 0; o+len(ew) <= len(eg); o++ {
		var s float64
		for i, v := range ew {
			s += v * eg[o+i]
		}
		if s > best {
			best, bestAt = s, o
		}
	}
	corr = -2
	for o := max(bestAt*block-block, 0); o <= bestAt*block+block && o+len(want) <= len(got); o++ {
		var sw, sg, swg float64
		for i, v := range want {
			w, g := float64(v), float64(got[o+i])
			sw, sg, swg = sw+w*w, sg+g*g, swg+w*g
		}
		if c := swg / math.Sqrt(sw*sg); c > corr {
			corr, offset = c, o
		}
	}
	return offset, corr
}

func TestUnpluggedMicrophoneStopsTheRecordingAndKeepsIt(t *testing.T) {
	sink, unplug := virtualMicModule(t)
	path := filepath.Join(t.TempDir(), "unplugged.wav")
	rec, err := StartRecording(context.Background(), Config{Backend: "pulse", Device: sink + ".monitor", Format: audio.WAV}, path)
	if err != nil {
		t.Fatal(err)
	}
	for rec.Stats().Elapsed < time.Second {
		select {
		case <-rec.Done():
			t.Fatalf("stopped early: %v", rec.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	unplug()
	waitDone(t, rec, 6*time.Second)
	if !errors.Is(rec.Err(), ErrDeviceLost) {
		t.Fatalf("Err = %v, want ErrDeviceLost", rec.Err())
	}
	t.Logf("Err: %v", rec.Err())
	info, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if info.Duration < time.Second {
		t.Fatalf("kept %s, at least 1 s was recorded", info.Duration)
	}
	if got, _ := decode(t, path); got.Frames != info.Frames {
		t.Fatalf("the file holds %d frames, Stop said %d", got.Frames, info.Frames)
	}
}

func TestRecordsOpusByDefault(t *testing.T) {
	sink := virtualMic(t)
	src := tone(t, 1000, 0.5, 1)
	path := filepath.Join(t.TempDir(), "tone.opus")
	rec, err := StartRecording(context.Background(), Config{Backend: "pulse", Device: sink + ".monitor"}, path)
	if err != nil {
		t.Fatal(err)
	}
	play(t, sink, src)
	time.Sleep(300 * time.Millisecond)
	info, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if info.Format != audio.Opus || info.SampleRate != 48000 || info.Channels != 1 {
		t.Fatalf("info %+v: want Opus 48 kHz mono", info)
	}
	got, pcm := decode(t, path)
	if got.Frames != info.Frames {
		t.Fatalf("the file decodes to %d frames, Stop said %d", got.Frames, info.Frames)
	}
	first, last, blocks := loudSpan(pcm, 48000, -30)
	if first < 0 || !within(float64(blocks)/100, 1, 0.05) {
		t.Fatalf("the tone spans %d ms of the Opus recording, want 1 s", blocks*10)
	}
	if f := toneFraction(pcm[first+960:last-960], 48000, 1000); f < 0.9 {
		t.Fatalf("only %.3f of the decoded power is at 1 kHz", f)
	}
}
