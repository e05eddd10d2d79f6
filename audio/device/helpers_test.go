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
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testenv"
)

// tool returns the path of a command-line tool the test needs.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.Missing(t, name+" (Debian: see scripts/deps.sh)")
	}
	return p
}

// run runs a command and fails the test with its output if it fails.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(tool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

var micSeq atomic.Int32

// virtualMic gives the test its own PulseAudio null sink, so that what it
// plays reaches only its own capture even when other packages' tests share
// the daemon. It returns the sink's name; its monitor source is name+".monitor".
func virtualMic(t testing.TB) string {
	t.Helper()
	name, _ := virtualMicModule(t)
	return name
}

// virtualMicModule is virtualMic that also returns a function unloading the
// sink, as if the microphone were unplugged.
func virtualMicModule(t testing.TB) (string, func()) {
	t.Helper()
	testenv.Pulse(t)
	name := fmt.Sprintf("earshot_test_%d_%d", os.Getpid(), micSeq.Add(1))
	mod := run(t, "pactl", "load-module", "module-null-sink", "sink_name="+name,
		"format=s16le", "rate=48000", "channels=1", "sink_properties=device.description="+name)
	unplug := func() { _ = exec.Command("pactl", "unload-module", mod).Run() }
	t.Cleanup(unplug)
	// A keepalive stream and a suspend/resume stop the idle sink from
	// rendering ahead, which would delay a new capture's first samples.
	keep := exec.Command(tool(t, "pacat"), "--playback", "-d", name, "--latency-msec=20",
		"--rate=48000", "--channels=1", "--format=s16le")
	keep.Stdin = zeroReader{}
	if err := keep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = keep.Process.Kill(); _ = keep.Wait() })
	run(t, "pactl", "suspend-sink", name, "1")
	run(t, "pactl", "suspend-sink", name, "0")
	return name, unplug
}

// zeroReader is an endless stream of zero bytes (silence for pacat).
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// play plays a file into a sink and returns when it has been played.
func play(t testing.TB, sink, path string) {
	t.Helper()
	run(t, "paplay", "-d", sink, path)
}

// tone writes a 48 kHz mono 16-bit WAV of a sine at freq Hz, amplitude vol
// (0–1), lasting secs.
func tone(t testing.TB, freq, vol, secs float64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), fmt.Sprintf("tone%g.wav", freq))
	run(t, "sox", "-n", "-r", "48000", "-c", "1", "-b", "16", p, "synth", fmt.Sprint(secs), "sine", fmt.Sprint(freq), "vol", fmt.Sprint(vol))
	return p
}

// decode reads a whole audio file.
func decode(t testing.TB, path string) (audio.Info, []int16) {
	t.Helper()
	d, err := audio.OpenDecoder(path)
	if err != nil {
		t.Fatalf("open the recording: %v", err)
	}
	defer d.Close()
	info := d.Info()
	pcm := make([]int16, 0, info.Frames*int64(info.Channels))
	buf := make([]int16, 4800*info.Channels)
	for {
		n, err := d.Read(buf)
		pcm = append(pcm, buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("decode the recording: %v", err)
		}
	}
	if int64(len(pcm)) != info.Frames*int64(info.Channels) {
		t.Fatalf("decoded %d samples, Info says %d frames", len(pcm), info.Frames)
	}
	return info, pcm
}

// toneFraction is the share of pcm's power at freq Hz (Goertzel): 1 for a
// pure sine at freq, near 0 when there is none.
func toneFraction(pcm []int16, rate int, freq float64) float64 {
	if len(pcm) == 0 {
		return 0
	}
	w := 2 * math.Pi * freq / float64(rate)
	c := 2 * math.Cos(w)
	var s1, s2, energy float64
	for _, v := range pcm {
		x := float64(v)
		s1, s2 = x+c*s1-s2, s1
		energy += x * x
	}
	power := s1*s1 + s2*s2 - c*s1*s2
	if energy == 0 {
		return 0
	}
	return 2 * power / (float64(len(pcm)) * energy)
}

// rmsDB is the RMS level of pcm in dBFS.
func rmsDB(pcm []int16) float64 {
	var sum float64
	for _, v := range pcm {
		sum += float64(v) * float64(v)
	}
	return 20 * math.Log10(math.Sqrt(sum/float64(max(len(pcm), 1)))/32768)
}

// loudSpan returns the first and last sample index of the 10 ms blocks
// louder than thresholdDB, and how many such blocks there are.
func loudSpan(pcm []int16, rate int, thresholdDB float64) (first, last, blocks int) {
	block := rate / 100
	first = -1
	for i := 0; i+block <= len(pcm); i += block {
		if rmsDB(pcm[i:i+block]) > thresholdDB {
			if first < 0 {
				first = i
			}
			last = i + block
			blocks++
		}
	}
	return first, last, blocks
}

// within reports whether got is within frac of want.
func within(got, want, frac float64) bool { return math.Abs(got-want) <= frac*math.Abs(want) }

// waitDone waits for a recording to end by itself.
func waitDone(t testing.TB, r *Recorder, limit time.Duration) {
	t.Helper()
	select {
	case <-r.Done():
	case <-time.After(limit):
		t.Fatalf("the recording did not stop by itself within %s (stats %+v)", limit, r.Stats())
	}
}

// levelRate is how many readings a second arrived between the first and
// the last, leaving out the start (the first device period) and the end.
func levelRate(times []time.Time) float64 {
	if len(times) < 2 {
		return 0
	}
	return float64(len(times)-1) / times[len(times)-1].Sub(times[0]).Seconds()
}

// recordFor records until d has passed, reading levels meanwhile, and
// stops; it returns the file's info, every level received and when each
// arrived.
func recordFor(t testing.TB, ctx context.Context, cfg Config, path string, d time.Duration) (audio.Info, []audio.Level, []time.Time) {
	t.Helper()
	rec, err := StartRecording(ctx, cfg, path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		levels []audio.Level
		times  []time.Time
	)
	stop := time.After(d)
	for {
		select {
		case l := <-rec.Levels():
			levels = append(levels, l)
			times = append(times, time.Now())
			continue
		case <-stop:
		}
		break
	}
	info, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Err(); err != nil {
		t.Fatalf("Err after Stop: %v", err)
	}
	return info, levels, times
}
