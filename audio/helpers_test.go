package audio

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/earshot/earshot/internal/testenv"
)

// fixtureDir holds files generated once per test binary run (speech).
var fixtureDir string

func TestMain(m *testing.M) {
	var err error
	fixtureDir, err = os.MkdirTemp("", "earshot-audio-test-")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(fixtureDir)
	os.Exit(code)
}

// needTool returns the path of an external program or stops the test.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.Missing(t, name+" (apt-get install espeak-ng sox ffmpeg opus-tools)")
	}
	return p
}

// run runs a command and fails the test with its output if it fails.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(needTool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

const speechText = "Earshot records voice notes. The quick brown fox jumps over the lazy dog, " +
	"while six sharp sheep sleep soundly. Numbers one, two, three, four, five."

var (
	speechOnce  sync.Once
	speechPaths [2]string
	speechErr   error
)

// speechFiles returns espeak-ng's own output (22050 Hz mono) and the same
// speech converted by sox to 48 kHz mono, made once per run.
func speechFiles(t testing.TB) (raw, at48k string) {
	t.Helper()
	needTool(t, "espeak-ng")
	needTool(t, "sox")
	speechOnce.Do(func() {
		raw := filepath.Join(fixtureDir, "speech-raw.wav")
		at48 := filepath.Join(fixtureDir, "speech48.wav")
		if out, err := exec.Command("espeak-ng", "-w", raw, speechText).CombinedOutput(); err != nil {
			speechErr = errors.New("espeak-ng: " + err.Error() + ": " + string(out))
			return
		}
		if out, err := exec.Command("sox", raw, "-r", "48000", "-c", "1", "-b", "16", at48).CombinedOutput(); err != nil {
			speechErr = errors.New("sox: " + err.Error() + ": " + string(out))
			return
		}
		speechPaths = [2]string{raw, at48}
	})
	if speechErr != nil {
		t.Fatal(speechErr)
	}
	return speechPaths[0], speechPaths[1]
}

// speech48 returns the 48 kHz speech as samples.
func speech48(t testing.TB) []int16 {
	_, p := speechFiles(t)
	_, pcm := readAll(t, p)
	return pcm
}

// sine makes n interleaved frames of a freq Hz tone at amplitude amp (0..1);
// the second channel is a little different so a swap shows.
func sine(n, rate, ch int, freq, amp float64) []int16 {
	pcm := make([]int16, n*ch)
	for i := 0; i < n; i++ {
		for c := 0; c < ch; c++ {
			ph := 2 * math.Pi * freq * float64(i) / float64(rate) * (1 + 0.25*float64(c))
			pcm[i*ch+c] = int16(math.Round(amp * 32767 * math.Sin(ph)))
		}
	}
	return pcm
}

// chirp sweeps 100 Hz to 4 kHz over n frames: no two stretches look alike,
// so an off-by-some-samples seek cannot pass for right.
func chirp(n, rate, ch int) []int16 {
	pcm := make([]int16, n*ch)
	dur := float64(n) / float64(rate)
	for i := 0; i < n; i++ {
		t := float64(i) / float64(rate)
		ph := 2 * math.Pi * (100*t + (4000-100)*t*t/(2*dur))
		for c := 0; c < ch; c++ {
			pcm[i*ch+c] = int16(12000*math.Sin(ph+float64(c))) + int16(c*3)
		}
	}
	return pcm
}

// readAll decodes a whole file and checks that its length matches Info.
func readAll(t testing.TB, path string) (Info, []int16) {
	t.Helper()
	d, err := OpenDecoder(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []int16
	buf := make([]int16, 3000) // not a multiple of any block size
	for {
		n, err := d.Read(buf)
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	info := d.Info()
	if got := int64(len(out) / info.Channels); got != info.Frames {
		t.Fatalf("%s: decoded %d frames, Info says %d", filepath.Base(path), got, info.Frames)
	}
	return info, out
}

// encodeFile writes pcm to a new file in chunks of random size and closes it.
func encodeFile(t testing.TB, path string, f Format, rate, ch int, pcm []int16) Info {
	t.Helper()
	e, err := Create(path, f, rate, ch)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < len(pcm); {
		j := min(i+(1+rng.IntN(3000))*ch, len(pcm))
		if err := e.Write(pcm[i:j]); err != nil {
			t.Fatal(err)
		}
		i = j
	}
	info, err := e.Close()
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func equalPCM(a, b []int16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// snrDB compares got with ref (same length, interleaved) and returns the
// best signal-to-noise ratio over small time shifts, since a lossy codec's
// phase may drift a few samples from the input's.
func snrDB(ref, got []int16, ch, maxLag int) float64 {
	best := math.Inf(-1)
	n := min(len(ref), len(got))
	for lag := -maxLag; lag <= maxLag; lag++ {
		var s, e float64
		for i := maxLag * ch; i < n-maxLag*ch; i++ {
			r := float64(ref[i])
			d := r - float64(got[i+lag*ch])
			s += r * r
			e += d * d
		}
		best = max(best, 10*math.Log10(s/max(e, 1e-9)))
	}
	return best
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }
