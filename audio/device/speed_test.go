package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/enhance"
	"github.com/earshot/earshot/audio/vad"
	ta "github.com/earshot/earshot/internal/testaudio"
)

// hear plays path through a Player on a private virtual sink with setup
// applied, records the sink's monitor until playback is done, and returns
// what came out and the wall time playback took.
func hear(t *testing.T, path string, setup func(*Player) error) ([]int16, time.Duration) {
	t.Helper()
	sink := virtualMic(t)
	rawPath := filepath.Join(t.TempDir(), "heard.raw")
	raw, err := os.Create(rawPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rec := exec.Command(tool(t, "parec"), "-d", sink+".monitor", "--raw", "--format=s16le",
		"--rate=48000", "--channels=1", "--latency-msec=250")
	rec.Stdout = raw
	if err := rec.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rec.Process.Kill(); _ = rec.Wait() }()
	// parec is recording once the keepalive's silence arrives: playing
	// before that would lose the start.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if st, err := os.Stat(rawPath); err == nil && st.Size() >= 9600 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("parec recorded nothing for 10 s")
		}
	}

	p, err := newPlayer(context.Background(), path, "pulse", sink)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := setup(p); err != nil {
		t.Fatal(err)
	}
	done := p.Done()
	start := time.Now()
	if err := p.Play(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(p.Duration()*2 + 20*time.Second):
		t.Fatalf("not done (position %s of %s)", p.Position(), p.Duration())
	}
	wall := time.Since(start)
	if p.Position() != p.Duration() {
		t.Errorf("position %s at the end, want %s", p.Position(), p.Duration())
	}
	// The monitor lags the sink, and parec reads in 250 ms fragments (a
	// capture starved on a busy machine would drop audio with short ones).
	time.Sleep(time.Second)
	_ = rec.Process.Kill()
	_ = rec.Wait()
	b, err := os.ReadFile(rawPath)
	if err != nil {
		t.Fatal(err)
	}
	return append([]int16(nil), unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/2)...), wall
}

// hearChecked plays path as hear does and judges what came out with check.
// On this shared machine (load averages above 20 seen) the player's thread
// can be descheduled for longer than the device's buffer: the sound server
// then plays zeros (an underrun) and drops some of what arrives late, which
// no player can prevent. A failed check is excused, and the playback tried
// again, only when the capture shows such an underrun (exact zeros of 2 ms
// or more inside the sound); a failure without one, or eight disturbed
// playbacks in a row, fails the test.
func hearChecked(t *testing.T, path string, setup func(*Player) error, check func(heard []int16) error) {
	t.Helper()
	for try := 1; try <= 8; try++ {
		heard, _ := hear(t, path, setup)
		err := check(heard)
		if err == nil {
			return
		}
		if !underran(heard) {
			t.Error(err)
			return
		}
		t.Logf("playback %d disturbed by a sound-server underrun: %v", try, err)
	}
	t.Error("eight playbacks in a row were disturbed by sound-server underruns; the machine is too busy to measure")
}

// underran reports whether the sound in pcm holds a run of exact zeros of
// 2 ms or more: the sink's filling of an underrun (test signals here carry
// noise or a tone, never digital silence inside).
func underran(pcm []int16) bool {
	first, last := -1, -1
	for i, v := range pcm {
		if v > 300 || v < -300 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	zeros := 0
	for i := first + 1; i < last; i++ {
		if pcm[i] != 0 {
			zeros = 0
			continue
		}
		if zeros++; zeros >= ta.Rate/500 {
			return true
		}
	}
	return false
}

func TestSpeedKeepsPitchThroughTheVirtualSink(t *testing.T) {
	dir := t.TempDir()
	tonePath, speechPath := filepath.Join(dir, "tone.wav"), filepath.Join(dir, "speech.wav")
	tonePCM := ta.Tone(3*time.Second, 1000, 0.5)
	ta.WriteFile(t, tonePath, audio.WAV, tonePCM)
	speechPCM := ta.FlatSpeech(t, "the quick brown fox jumps over the lazy dog while six sheep sleep")
	ta.WriteFile(t, speechPath, audio.WAV, speechPCM)
	voice := ta.Pitch(speechPCM)
	for _, speed := range []float64{0.5, 1.5, 2, 3} {
		t.Run(fmt.Sprint(speed), func(t *testing.T) {
			set := func(p *Player) error { return p.SetSpeed(speed) }
			hearChecked(t, tonePath, set, func(heard []int16) error {
				want := time.Duration(float64(ta.Span(tonePCM)) / speed)
				if got := ta.Span(heard); !within(float64(got), float64(want), 0.01) {
					return fmt.Errorf("tone at %g×: lasts %v, want %v ± 1 %%", speed, got, want)
				}
				if f := ta.ToneFreq(heard); !within(f, 1000, 0.01) {
					return fmt.Errorf("tone at %g×: %.1f Hz, want 1000 Hz ± 1 %%", speed, f)
				}
				return nil
			})
			hearChecked(t, speechPath, set, func(heard []int16) error {
				want := time.Duration(float64(ta.Span(speechPCM)) / speed)
				if got := ta.Span(heard); !within(float64(got), float64(want), 0.01) {
					return fmt.Errorf("speech at %g×: lasts %v, want %v ± 1 %%", speed, got, want)
				}
				if f := ta.Pitch(heard); !within(f, voice, 0.01) {
					return fmt.Errorf("speech at %g×: voice at %.1f Hz, want %.1f Hz ± 1 %%", speed, f, voice)
				}
				return nil
			})
		})
	}
}

// TestSkipSilencePlaysOnlyTheKeptPart plays noisy speech with long pauses
// with its speech map's pauses skipped, at 1× and 2×: what comes out lasts
// the recording less the skipped pauses, divided by the speed.
func TestSkipSilencePlaysOnlyTheKeptPart(t *testing.T) {
	var pcm, speech []int16
	for _, text := range []string{"first we talk a little", "then a long pause follows", "and the end"} {
		pcm = append(pcm, ta.Silence(2500*time.Millisecond)...)
		u := ta.Speech(t, text)
		pcm, speech = append(pcm, u...), append(speech, u...)
	}
	pcm = append(pcm, ta.Silence(2*time.Second)...)
	// Noise at 10 dB SNR: the pauses are not digital silence, and a
	// sound server's underrun (exact zeros) cannot pass for audio.
	pcm = ta.AddNoise(pcm, ta.Power(speech), 10, 5)
	path := filepath.Join(t.TempDir(), "talk.flac")
	ta.WriteFile(t, path, audio.FLAC, pcm)
	a, err := vad.NewAnalyzer(ta.Rate, 1)
	if err != nil {
		t.Fatal(err)
	}
	a.Write(pcm)
	pauses := a.Map().Pauses(vad.SkipMinPause, vad.SkipKeep)
	if len(pauses) != 4 {
		t.Fatalf("pauses to skip %v, want the 4 long ones", pauses)
	}
	kept := ta.Duration(len(pcm)) - vad.Skipped(pauses)
	for _, speed := range []float64{1, 2} {
		setup := func(p *Player) error {
			if err := p.SetSpeed(speed); err != nil {
				return err
			}
			return p.SetSkips(pauses)
		}
		hearChecked(t, path, setup, func(heard []int16) error {
			want := time.Duration(float64(kept) / speed)
			if got := ta.Span(heard); !within(float64(got), float64(want), 0.01) {
				return fmt.Errorf("skip silence at %g×: played %v, want %v ± 1 %% (%v of %v skipped)",
					speed, got, want, vad.Skipped(pauses), ta.Duration(len(pcm)))
			}
			return nil
		})
	}
}

func TestRecordingFrameCountsSkippedPausesAsPassed(t *testing.T) {
	skips := []span{{100, 200}, {300, 400}}
	for _, c := range []struct {
		origin, out int64
		speed       float64
		want        int64
	}{
		{0, 50, 1, 50},
		{0, 100, 1, 200},   // reaching a pause jumps it
		{0, 150, 1, 250},   // 100 kept before it, then 50 after
		{0, 75, 2, 250},    // the same at 2×: 75 out = 150 in
		{150, 0, 1, 200},   // started inside a pause
		{150, 120, 1, 420}, // 100 to the next pause, 20 after it
		{0, 900, 1, 1000},  // never past the end
		{450, 10, 0.5, 455},
	} {
		if got := recordingFrame(c.origin, c.out, c.speed, skips, 1000); got != c.want {
			t.Errorf("recordingFrame(%d, %d, %g) = %d, want %d", c.origin, c.out, c.speed, got, c.want)
		}
	}
}

// TestEnhancedPlaybackReachesTheTarget plays quiet noisy speech, at 48 and
// 16 kHz, plain and enhanced through the virtual sink and records what
// comes out: the plain playback is as loud as the file (the sink passes it
// unchanged), and ffmpeg measures the enhanced one within 1 LU of
// enhance.TargetLUFS. A playback whose figure is off is tried again only
// when the capture shows a sound-server underrun (see hearChecked). Noise
// suppression itself is measured in audio/enhance.
func TestEnhancedPlaybackReachesTheTarget(t *testing.T) {
	var clean []int16
	for _, s := range []string{"the meeting starts at nine", "bring your questions"} {
		clean = append(clean, ta.Silence(800*time.Millisecond)...)
		u := ta.Speech(t, s)
		for i := range u {
			u[i] /= 8 // about -18 dB: a quiet recording
		}
		clean = append(clean, u...)
	}
	clean = append(clean, ta.Silence(800*time.Millisecond)...)
	noisy := ta.AddNoise(clean, ta.Power(clean), 8, 21)
	for _, rate := range []int{48000, 16000} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "quiet.wav")
			pcm := audio.NewResampler(ta.Rate, rate, 1).Process(nil, noisy, true)
			ta.WriteFileAt(t, path, audio.WAV, rate, pcm)
			lufs := ta.Loudness(t, path)
			heardLoudness := func(heard []int16) float64 {
				p := filepath.Join(dir, "heard.wav")
				ta.WriteFile(t, p, audio.WAV, heard)
				return ta.Loudness(t, p)
			}
			hearChecked(t, path, func(*Player) error { return nil }, func(heard []int16) error {
				if got := heardLoudness(heard); math.Abs(got-lufs) > 0.5 {
					return fmt.Errorf("plain playback %.1f LUFS, the file %.1f", got, lufs)
				}
				return nil
			})
			hearChecked(t, path, func(p *Player) error { return p.SetEnhance(true, lufs) }, func(heard []int16) error {
				got := heardLoudness(heard)
				t.Logf("%d Hz recording %.1f LUFS; enhanced playback %.1f LUFS (ffmpeg), target %.0f", rate, lufs, got, enhance.TargetLUFS)
				if math.Abs(got-enhance.TargetLUFS) > 1 {
					return fmt.Errorf("enhanced playback %.1f LUFS, want %.0f ± 1", got, enhance.TargetLUFS)
				}
				return nil
			})
		})
	}
}

// TestEnhancedSourceKeepsEverySample reads a whole file through the
// player's source with enhancing on, alone and with a 2× stretch, at 48 kHz
// mono and 44.1 kHz stereo (resampled around the noise suppressor): nothing
// is lost or added by the enhancer's frames, resampling and look-ahead.
func TestEnhancedSourceKeepsEverySample(t *testing.T) {
	mono := ta.AddNoise(ta.Tone(1234*time.Millisecond, 300, 0.2), 0.001, 0, 8)
	for _, c := range []struct {
		rate, ch int
		pcm      []int16
	}{{48000, 1, mono}, {44100, 2, stereoAt(mono, 44100)}} {
		path := filepath.Join(t.TempDir(), "t.flac")
		enc, err := audio.Create(path, audio.FLAC, c.rate, c.ch)
		if err != nil {
			t.Fatal(err)
		}
		if err := enc.Write(c.pcm); err != nil {
			t.Fatal(err)
		}
		if _, err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		for _, speed := range []float64{1, 2} {
			if n, want := enhancedSamples(t, path, speed), float64(len(c.pcm))/speed; !within(float64(n), want, 0.002) {
				t.Errorf("%d Hz, %d channels at %g×: %d samples out, want %.0f", c.rate, c.ch, speed, n, want)
			}
		}
	}
}

// stereoAt is mono 48 kHz pcm at rate, in two channels (the second half as loud).
func stereoAt(mono []int16, rate int) []int16 {
	m := audio.NewResampler(ta.Rate, rate, 1).Process(nil, mono, true)
	out := make([]int16, 0, 2*len(m))
	for _, v := range m {
		out = append(out, v, v/2)
	}
	return out
}

// enhancedSamples counts the samples the player's source gives for the
// file at path, enhanced, at speed.
func enhancedSamples(t *testing.T, path string, speed float64) int {
	t.Helper()
	dec, err := audio.OpenDecoder(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newSource(dec)
	defer s.close()
	s.enhanceOn, s.loudness, s.speed = true, -30, speed
	if err := s.reset(0); err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		b, err := s.read()
		n += len(b)
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestSpeedChangeMidStream plays a tone through the player's source at 1×
// for its first half, then at 2× from where it was (as SetSpeed does): the
// output is the first half plus the second half halved, within 1 %, and
// the tone's frequency is unchanged on both sides of the change.
func TestSpeedChangeMidStream(t *testing.T) {
	tone := ta.Tone(4*time.Second, 1000, 0.4)
	path := filepath.Join(t.TempDir(), "t.flac")
	ta.WriteFile(t, path, audio.FLAC, tone)
	dec, err := audio.OpenDecoder(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newSource(dec)
	defer s.close()
	if err := s.reset(0); err != nil {
		t.Fatal(err)
	}
	var first, second []int16
	for len(first) < len(tone)/2 {
		b, err := s.read()
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, b...)
	}
	s.speed = 2
	if err := s.reset(s.at); err != nil {
		t.Fatal(err)
	}
	for {
		b, err := s.read()
		second = append(second, b...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := float64(len(tone)-len(first)) / 2; !within(float64(len(second)), want, 0.01) {
		t.Errorf("after the change: %d frames, want %.0f ± 1 %%", len(second), want)
	}
	for i, part := range [][]int16{first, second} {
		if f := ta.ToneFreq(part); !within(f, 1000, 0.01) {
			t.Errorf("part %d: %.1f Hz, want 1000", i+1, f)
		}
	}
}
