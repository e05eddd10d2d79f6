package enhance

import (
	"context"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	ta "github.com/earshot/earshot/internal/testaudio"
)

var (
	speechOnce sync.Once
	speechPCM  []int16
)

// speech is espeak-ng speech with pauses, about 9 s.
func speech(t testing.TB) []int16 {
	t.Helper()
	speechOnce.Do(func() {
		for _, s := range []string{"the meeting starts at nine in the big room",
			"please bring the report and your questions", "we will finish before lunch"} {
			speechPCM = append(speechPCM, ta.Silence(700*time.Millisecond)...)
			speechPCM = append(speechPCM, ta.Speech(t, s)...)
		}
		speechPCM = append(speechPCM, ta.Silence(700*time.Millisecond)...)
	})
	if speechPCM == nil {
		t.Fatal("no speech (see the first failure)")
	}
	return speechPCM
}

// snr compares y with the clean signal s at rate Hz: the best-aligned
// (lag within ±20 ms) and best-scaled copy of s against what is left. The
// lag is searched on every 8th sample first, then refined around the best.
func snr(s, y []int16, rate int) float64 {
	coarse, bestLag := math.Inf(-1), 0
	for lag := -rate / 50; lag <= rate/50; lag++ {
		if v := snrAt(s, y, lag, 8); v > coarse {
			coarse, bestLag = v, lag
		}
	}
	best := math.Inf(-1)
	for lag := bestLag - 8; lag <= bestLag+8; lag++ {
		best = max(best, snrAt(s, y, lag, 1))
	}
	return best
}

// snrAt is the SNR of y against s delayed by lag, over every step-th sample.
func snrAt(s, y []int16, lag, step int) float64 {
	var ss, sy, yy float64
	for i := max(0, -lag); i < len(s) && i+lag < len(y); i += step {
		a, b := float64(s[i]), float64(y[i+lag])
		ss += a * a
		sy += a * b
		yy += b * b
	}
	// Residual energy after projecting y on s: yy - sy²/ss.
	if r := yy - sy*sy/ss; r > 0 && ss > 0 {
		return 10 * math.Log10((sy*sy/ss)/r)
	}
	return math.Inf(-1)
}

// at returns mono 48 kHz pcm resampled to rate.
func at(pcm []int16, rate int) []int16 {
	if rate == ta.Rate {
		return append([]int16(nil), pcm...)
	}
	return audio.NewResampler(ta.Rate, rate, 1).Process(nil, pcm, true)
}

// interleave makes one interleaved signal of equally long channels.
func interleave(chans ...[]int16) []int16 {
	out := make([]int16, 0, len(chans)*len(chans[0]))
	for i := range chans[0] {
		for _, c := range chans {
			out = append(out, c[i])
		}
	}
	return out
}

// channel returns channel c of interleaved pcm with ch channels.
func channel(pcm []int16, c, ch int) []int16 {
	out := make([]int16, 0, len(pcm)/ch)
	for i := c; i < len(pcm); i += ch {
		out = append(out, pcm[i])
	}
	return out
}

// scaled returns pcm times the gain in dB.
func scaled(pcm []int16, db float64) []int16 {
	g := math.Pow(10, db/20)
	out := make([]int16, len(pcm))
	for i, v := range pcm {
		out[i] = int16(float64(v) * g)
	}
	return out
}

// denoise runs interleaved pcm through a Denoiser in odd-sized pieces.
func denoise(t *testing.T, pcm []int16, rate, ch int) []int16 {
	t.Helper()
	ctx := context.Background()
	d, err := NewDenoiser(ctx, rate, ch)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	var out []int16
	for i := 0; i < len(pcm); i += 1001 * ch {
		o, err := d.Write(ctx, pcm[i:min(i+1001*ch, len(pcm))])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o...)
	}
	o, err := d.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, o...)
}

// TestDenoiseRaisesSNR adds white noise at 8 dB SNR to speech at 48, 16
// and 44.1 kHz, mono and stereo (each channel its own level and noise):
// noise suppression gives back exactly as many samples, and every
// channel's SNR rises by at least gain dB. At 16 kHz the same noise power
// lies all inside the speech's band (at 48 kHz two thirds of it is above
// 8 kHz, where there is little speech to keep), so less of it can go: 3 dB.
func TestDenoiseRaisesSNR(t *testing.T) {
	for _, c := range []struct {
		name string
		rate int
		ch   int
		gain float64
	}{{"48k", 48000, 1, 5}, {"16k", 16000, 1, 3}, {"44k1-stereo", 44100, 2, 5}} {
		t.Run(c.name, func(t *testing.T) {
			var clean, noisy [][]int16
			for k := range c.ch {
				s := at(scaled(speech(t), -6*float64(k)), c.rate)
				clean = append(clean, s)
				noisy = append(noisy, ta.AddNoise(s, ta.Power(s), 8, uint64(11+k)))
			}
			out := denoise(t, interleave(noisy...), c.rate, c.ch)
			if len(out) != len(clean[0])*c.ch {
				t.Fatalf("denoised %d samples of %d", len(out), len(clean[0])*c.ch)
			}
			for k := range c.ch {
				before, after := snr(clean[k], noisy[k], c.rate), snr(clean[k], channel(out, k, c.ch), c.rate)
				t.Logf("%s channel %d: SNR of speech + white noise %.1f dB before, %.1f dB after noise suppression", c.name, k, before, after)
				if math.Abs(before-8) > 0.5 || after < before+c.gain {
					t.Errorf("channel %d: SNR %.1f dB → %.1f dB; want 8 dB raised by at least %.0f dB", k, before, after, c.gain)
				}
			}
		})
	}
}

// TestEnhancedFileMeetsTheLoudnessTarget enhances noisy speech recorded
// quiet, loud, at 16 and 44.1 kHz and in stereo, into each kind of file:
// ffmpeg measures the copy within 1 LU of the target, its peaks stay under
// the ceiling, and it keeps the original's rate, channels and length.
func TestEnhancedFileMeetsTheLoudnessTarget(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		name  string
		level float64 // gain applied to the speech, dB
		rate  int
		ch    int
		out   audio.Format
	}{
		{"quiet", -24, 48000, 1, audio.WAV}, {"loud", -1, 48000, 1, audio.FLAC}, {"opus", -10, 48000, 1, audio.Opus},
		{"16k", -20, 16000, 1, audio.WAV}, {"44k1-stereo", -12, 44100, 2, audio.FLAC}, {"16k-opus", -6, 16000, 1, audio.Opus},
	} {
		t.Run(c.name, func(t *testing.T) {
			var chans [][]int16
			for k := range c.ch {
				s := at(scaled(speech(t), c.level-3*float64(k)), c.rate)
				chans = append(chans, ta.AddNoise(s, ta.Power(s), 8, uint64(3+k)))
			}
			pcm := interleave(chans...)
			src, dst := filepath.Join(dir, c.name+".flac"), filepath.Join(dir, c.name+"-enhanced"+c.out.Ext())
			writeFile(t, src, c.rate, c.ch, pcm)
			res, err := File(ctx, src, dst, c.out, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := ta.Loudness(t, dst)
			t.Logf("%s: input %.1f LUFS (ffmpeg), denoised %.1f LUFS, gain %+.1f dB, output %.1f LUFS (ffmpeg)",
				c.name, ta.Loudness(t, src), res.Loudness, res.GainDB, got)
			if math.Abs(got-TargetLUFS) > 1 {
				t.Errorf("enhanced %s: %.1f LUFS by ffmpeg, want %.0f ± 1", c.name, got, TargetLUFS)
			}
			peak := 0
			for _, v := range ta.ReadFile(t, dst) {
				peak = max(peak, int(math.Abs(float64(v))))
			}
			if ceil := 32768 * math.Pow(10, CeilingDB/20); float64(peak) > ceil*1.01 && c.out != audio.Opus {
				t.Errorf("peak %d over the ceiling %.0f", peak, ceil)
			}
			want := time.Duration(float64(len(pcm)/c.ch) / float64(c.rate) * float64(time.Second))
			if (res.Info.Duration - want).Abs() > time.Millisecond {
				t.Errorf("enhanced copy lasts %v, the original %v", res.Info.Duration, want)
			}
			if res.Info.Channels != c.ch || (c.out != audio.Opus && res.Info.SampleRate != c.rate) {
				t.Errorf("enhanced copy is %d Hz, %d channels; the original %d Hz, %d channels",
					res.Info.SampleRate, res.Info.Channels, c.rate, c.ch)
			}
		})
	}
}

// writeFile writes interleaved pcm to path as FLAC.
func writeFile(t *testing.T, path string, rate, ch int, pcm []int16) {
	t.Helper()
	enc, err := audio.Create(path, audio.FLAC, rate, ch)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Write(pcm); err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestEnhancerMeetsTheLoudnessTarget plays noisy speech through the
// streaming Enhancer (as the player does, in 50 ms pieces), given only the
// original's loudness, and primed with the first 10 s as the player primes
// it: ffmpeg measures what came out within 1 LU of the target, though
// noise suppression and the limiter take loudness off that the original's
// figure cannot know. Unprimed, the leveller learns as it plays; the
// recordings here are long enough for that except the very noisy ones.
func TestEnhancerMeetsTheLoudnessTarget(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		name  string
		level float64
		snr   float64
		rate  int
		ch    int
		prime bool
	}{
		{"quiet", -20, 8, 48000, 1, false}, {"loud", -3, 8, 48000, 1, false}, {"very-noisy", -12, 3, 48000, 1, false},
		{"44k1-stereo", -12, 8, 44100, 2, false}, {"primed-very-noisy", -16, 0, 48000, 1, true},
		{"primed-44k1-stereo-noisy", -18, 2, 44100, 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var chans [][]int16
			for k := range c.ch {
				s := at(scaled(speech(t), c.level-3*float64(k)), c.rate)
				chans = append(chans, ta.AddNoise(s, ta.Power(s), c.snr, uint64(5+k)))
			}
			pcm := interleave(chans...)
			src := filepath.Join(dir, c.name+".flac")
			writeFile(t, src, c.rate, c.ch, pcm)
			lufs := ta.Loudness(t, src)
			e, err := NewEnhancer(ctx, c.rate, c.ch, lufs)
			if err != nil {
				t.Fatal(err)
			}
			if c.prime {
				if err := e.Prime(pcm[:min(len(pcm), 10*c.rate*c.ch)]); err != nil {
					t.Fatal(err)
				}
				e.Reset()
			}
			defer e.Close()
			var out []int16
			step := c.rate / 20 * c.ch
			for i := 0; i < len(pcm); i += step {
				o, err := e.Process(pcm[i:min(i+step, len(pcm))])
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, o...)
			}
			o, err := e.Flush()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, o...)
			if len(out) != len(pcm) {
				t.Fatalf("%d samples out of %d", len(out), len(pcm))
			}
			dst := filepath.Join(dir, c.name+"-played.flac")
			writeFile(t, dst, c.rate, c.ch, out)
			got := ta.Loudness(t, dst)
			t.Logf("%s: original %.1f LUFS, played enhanced %.1f LUFS (ffmpeg)", c.name, lufs, got)
			if math.Abs(got-TargetLUFS) > 1 {
				t.Errorf("enhanced playback of %s: %.1f LUFS by ffmpeg, want %.0f ± 1", c.name, got, TargetLUFS)
			}
		})
	}
}
