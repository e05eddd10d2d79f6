// Package testaudio makes the signals the listening tests measure: speech
// from espeak-ng, tones, silences, white noise at a chosen signal-to-noise
// ratio, and the ground truth of where speech is. Tests only.
package testaudio

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testenv"
)

// Rate is the sample rate of every signal made here (mono).
const Rate = 48000

// Tool returns the path of an external program or stops the test (a failure
// under the test script).
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.Missing(t, name+" (apt-get install espeak-ng sox ffmpeg opus-tools)")
	}
	return p
}

// Run runs a command and fails the test with its output if it fails.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(Tool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// Speech returns text spoken by espeak-ng at Rate, mono, with espeak's own
// leading and trailing silence cut off.
func Speech(t testing.TB, text string) []int16 {
	t.Helper()
	return speech(t, text)
}

// FlatSpeech is Speech without intonation (SSML prosody range x-low): a
// voice whose pitch barely moves, so a pitch measure compares like with
// like before and after a time-stretch.
func FlatSpeech(t testing.TB, text string) []int16 {
	t.Helper()
	return speech(t, `<speak><prosody range="x-low">`+text+`</prosody></speak>`, "-m")
}

func speech(t testing.TB, text string, flags ...string) []int16 {
	t.Helper()
	dir := t.TempDir()
	raw, wav := filepath.Join(dir, "raw.wav"), filepath.Join(dir, "speech.wav")
	Run(t, "espeak-ng", append(flags, "-w", raw, text)...)
	Run(t, "sox", raw, "-r", "48000", "-c", "1", "-b", "16", wav)
	pcm := ReadFile(t, wav)
	first, last := -1, -1
	for i, s := range pcm {
		if s > 64 || s < -64 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		t.Fatalf("espeak-ng made no sound for %q", text)
	}
	return pcm[first : last+1]
}

// Silence returns d of digital silence.
func Silence(d time.Duration) []int16 { return make([]int16, Frames(d)) }

// Tone returns d of a sine at hz with the given peak (0..1).
func Tone(d time.Duration, hz, peak float64) []int16 {
	out := make([]int16, Frames(d))
	for i := range out {
		out[i] = int16(peak * 32767 * math.Sin(2*math.Pi*hz*float64(i)/Rate))
	}
	return out
}

// Frames converts a duration to a frame count at Rate.
func Frames(d time.Duration) int { return int(d.Seconds()*Rate + 0.5) }

// Duration converts a frame count at Rate to a duration.
func Duration(frames int) time.Duration {
	return time.Duration(float64(frames) / Rate * float64(time.Second))
}

// Power is the mean square of pcm (full scale 1.0).
func Power(pcm []int16) float64 {
	var s float64
	for _, v := range pcm {
		x := float64(v) / 32768
		s += x * x
	}
	return s / float64(max(len(pcm), 1))
}

// Noise returns n samples of Gaussian white noise with mean square power,
// from a fixed seed so every run hears the same noise.
func Noise(n int, power float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	sd := math.Sqrt(power)
	out := make([]float64, n)
	for i := range out {
		out[i] = r.NormFloat64() * sd
	}
	return out
}

// AddNoise returns pcm plus white noise at snrDB below speechPower (the
// mean square of the speech alone), clipped to 16 bits.
func AddNoise(pcm []int16, speechPower, snrDB float64, seed uint64) []int16 {
	noise := Noise(len(pcm), speechPower/math.Pow(10, snrDB/10), seed)
	out := make([]int16, len(pcm))
	for i, v := range pcm {
		x := float64(v) + noise[i]*32768
		out[i] = int16(max(-32768, min(32767, math.Round(x))))
	}
	return out
}

// WriteFile encodes mono pcm at Rate to path in format.
func WriteFile(t testing.TB, path string, format audio.Format, pcm []int16) {
	t.Helper()
	WriteFileAt(t, path, format, Rate, pcm)
}

// WriteFileAt encodes mono pcm at rate to path in format.
func WriteFileAt(t testing.TB, path string, format audio.Format, rate int, pcm []int16) {
	t.Helper()
	enc, err := audio.Create(path, format, rate, 1)
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

// ReadFile decodes an audio file to interleaved samples.
func ReadFile(t testing.TB, path string) []int16 {
	t.Helper()
	d, err := audio.OpenDecoder(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out := make([]int16, 0, d.Info().Frames*int64(d.Info().Channels))
	buf := make([]int16, 8192)
	for {
		n, err := d.Read(buf)
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("decode %s: %v", path, err)
		}
	}
}
