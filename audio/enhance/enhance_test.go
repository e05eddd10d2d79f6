package enhance

import (
	"context"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
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
func speech(t *testing.T) []int16 {
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

// snr compares y with the clean signal s: the best-aligned (lag within
// ±20 ms) and best-scaled copy of s against what is left.
func snr(s, y []int16) float64 {
	best := math.Inf(-1)
	for lag := -960; lag <= 960; lag += 1 {
		var ss, sy, yy float64
		for i := range s {
			j := i + lag
			if j < 0 || j >= len(y) {
				continue
			}
			a, b := float64(s[i]), float64(y[j])
			ss += a * a
			sy += a * b
			yy += b * b
		}
		// Residual energy after projecting y on s: yy - sy²/ss.
		if r := yy - sy*sy/ss; r > 0 {
			best = max(best, 10*math.Log10((sy*sy/ss)/r))
		}
	}
	return best
}

func TestDenoiseRaisesSNR(t *testing.T) {
	ctx := context.Background()
	clean := speech(t)
	noisy := ta.AddNoise(clean, ta.Power(clean), 8, 11)
	d, err := NewDenoiser(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	var out []int16
	for i := 0; i < len(noisy); i += 1000 {
		o, err := d.Write(ctx, noisy[i:min(i+1000, len(noisy))])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o...)
	}
	o, err := d.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, o...)
	if len(out) != len(noisy) {
		t.Fatalf("denoised %d samples of %d", len(out), len(noisy))
	}
	before, after := snr(clean, noisy), snr(clean, out)
	t.Logf("SNR of speech + white noise: %.1f dB before, %.1f dB after noise suppression", before, after)
	if math.Abs(before-8) > 0.5 || after < before+5 {
		t.Fatalf("SNR %.1f dB → %.1f dB; want 8 dB raised by at least 5 dB", before, after)
	}
}

var ffmpegI = regexp.MustCompile(`(?s)Summary:.*?I:\s+(-?[0-9.]+) LUFS`)

// ffmpegLoudness is the integrated loudness ffmpeg's ebur128 filter gives.
func ffmpegLoudness(t *testing.T, path string) float64 {
	t.Helper()
	out := ta.Run(t, "ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af", "ebur128", "-f", "null", "-")
	m := ffmpegI.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no integrated loudness in ffmpeg's output:\n%s", out)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEnhancedFileMeetsTheLoudnessTarget(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clean := speech(t)
	for _, c := range []struct {
		name  string
		level float64 // gain applied to the speech, dB
		out   audio.Format
	}{{"quiet", -24, audio.WAV}, {"loud", -1, audio.FLAC}, {"opus", -10, audio.Opus}} {
		t.Run(c.name, func(t *testing.T) {
			g := math.Pow(10, c.level/20)
			pcm := make([]int16, len(clean))
			for i, v := range clean {
				pcm[i] = int16(float64(v) * g)
			}
			pcm = ta.AddNoise(pcm, ta.Power(pcm), 8, 3)
			src, dst := filepath.Join(dir, c.name+".flac"), filepath.Join(dir, c.name+"-enhanced"+c.out.Ext())
			ta.WriteFile(t, src, audio.FLAC, pcm)
			res, err := File(ctx, src, dst, c.out, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := ffmpegLoudness(t, dst)
			t.Logf("%s: input %.1f LUFS (ffmpeg), denoised %.1f LUFS, gain %+.1f dB, output %.1f LUFS (ffmpeg)",
				c.name, ffmpegLoudness(t, src), res.Loudness, res.GainDB, got)
			if math.Abs(got-TargetLUFS) > 1 {
				t.Errorf("enhanced %s: %.1f LUFS by ffmpeg, want %.0f ± 1", c.name, got, TargetLUFS)
			}
			out := ta.ReadFile(t, dst)
			peak := 0
			for _, v := range out {
				peak = max(peak, int(math.Abs(float64(v))))
			}
			if ceil := 32768 * math.Pow(10, CeilingDB/20); float64(peak) > ceil*1.01 && c.out != audio.Opus {
				t.Errorf("peak %d over the ceiling %.0f", peak, ceil)
			}
			if (res.Info.Duration - ta.Duration(len(pcm))).Abs() > time.Millisecond {
				t.Errorf("enhanced copy lasts %v, the original %v", res.Info.Duration, ta.Duration(len(pcm)))
			}
		})
	}
}

func TestEnhanceRefusesOtherRates(t *testing.T) {
	src := filepath.Join(t.TempDir(), "cd.wav")
	enc, err := audio.Create(src, audio.WAV, 44100, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Write(make([]int16, 44100)); err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := File(context.Background(), src, src+".out.wav", audio.WAV, nil); err == nil {
		t.Fatal("a 44.1 kHz file was enhanced")
	}
}
