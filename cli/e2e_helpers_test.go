package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testenv"
)

// earshotBin is the binary under test: $EARSHOT_BIN (the test script builds
// it), else built once by TestMain.
var earshotBin string

func TestMain(m *testing.M) {
	var err error
	if earshotBin, err = testenv.Build("EARSHOT_BIN", "github.com/earshot/earshot"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testenv.RemoveBuilds()
	os.Exit(code)
}

// result is what one run of earshot did.
type result struct {
	stdout, stderr string
	code           int
}

// earshot runs the binary on the data folder dir and waits for it.
func earshot(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return run(t, dir, nil, env, args...)
}

// run runs the binary on the data folder dir with stdin (nil: none) and
// extra environment, and waits for it.
func run(t *testing.T, dir string, stdin io.Reader, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(earshotBin, append([]string{"--data-dir", dir}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run earshot %v: %v", args, err)
	}
	return r
}

// mustEarshot runs earshot and fails the test unless it succeeds.
func mustEarshot(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := earshot(t, dir, nil, args...)
	if r.code != 0 {
		t.Fatalf("earshot %v: exit %d: %s", args, r.code, r.stderr)
	}
	return r
}

// listed is an element of `earshot list --json`.
type listed struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	CreatedAt  string `json:"created_at"`
	DurationMS int64  `json:"duration_ms"`
	Format     string `json:"format"`
	SizeBytes  int64  `json:"size_bytes"`
	SHA256     string `json:"sha256"`
	SyncState  string `json:"sync_state"`
	Recovered  bool   `json:"recovered"`
}

func listJSON(t *testing.T, dir string, extra ...string) ([]listed, result) {
	t.Helper()
	r := mustEarshot(t, dir, append([]string{"list", "--json"}, extra...)...)
	var out []listed
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("list --json printed %q: %v", r.stdout, err)
	}
	for _, l := range out {
		if _, err := time.Parse(time.RFC3339, l.CreatedAt); err != nil {
			t.Fatalf("created_at %q is not RFC 3339: %v", l.CreatedAt, err)
		}
	}
	return out, r
}

func find(t *testing.T, ls []listed, id string) listed {
	t.Helper()
	for _, l := range ls {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("id %s not in list %+v", id, ls)
	return listed{}
}

// pulse makes sure the virtual microphone is there and returns the env for
// earshot to use it.
func pulse(t *testing.T) []string {
	t.Helper()
	testenv.Pulse(t)
	return []string{"EARSHOT_AUDIO_BACKEND=pulse"}
}

// playTone plays a 1 kHz tone at half scale (-9 dBFS RMS) into the null
// sink for secs seconds; the virtual microphone hears it.
func playTone(t *testing.T, secs float64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tone.wav")
	enc, err := audio.Create(path, audio.WAV, 48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, int(48000*secs))
	for i := range pcm {
		pcm[i] = int16(16384 * math.Sin(2*math.Pi*1000*float64(i)/48000))
	}
	if err := enc.Write(pcm); err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("paplay", path)
	if err := cmd.Start(); err != nil {
		testenv.Missing(t, "paplay (pulseaudio-utils): "+err.Error())
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	time.Sleep(300 * time.Millisecond) // the stream reaches the sink
}

// recording is a running `earshot record`.
type recording struct {
	cmd     *exec.Cmd
	started time.Time // when it said it was recording
	stdout  bytes.Buffer
	stderr  *lockedBuffer
	waitErr chan error
}

// startRecord starts `earshot record args...` and returns once it says it
// is recording.
func startRecord(t *testing.T, dir string, env []string, args ...string) *recording {
	t.Helper()
	cmd := exec.Command(earshotBin, append([]string{"--data-dir", dir, "record"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	rec := &recording{cmd: cmd, stderr: &lockedBuffer{}, waitErr: make(chan error, 1)}
	cmd.Stdout = &rec.stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); <-rec.waitErr })
	said := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pipe)
		once := false
		for sc.Scan() {
			rec.stderr.write(sc.Text() + "\n")
			if !once && strings.HasPrefix(sc.Text(), "recording ") {
				once = true
				close(said)
			}
		}
		rec.waitErr <- cmd.Wait()
	}()
	select {
	case <-said:
		rec.started = time.Now()
	case <-time.After(15 * time.Second):
		t.Fatalf("earshot record did not start: %s", rec.stderr.String())
	}
	return rec
}

// stop sends sig and waits for the process to exit.
func (r *recording) stop(t *testing.T, sig syscall.Signal) (time.Time, error) {
	t.Helper()
	at := time.Now()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-r.waitErr:
		r.waitErr <- err // for Cleanup
		return at, err
	case <-time.After(20 * time.Second):
		t.Fatalf("earshot record still running 20 s after %v", sig)
	}
	return at, nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) write(s string) { b.mu.Lock(); b.buf.WriteString(s); b.mu.Unlock() }
func (b *lockedBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// decodeAll reads a recording's audio whole (proving it decodes) as mono
// float samples in -1..1.
func decodeAll(t *testing.T, path string) ([]float64, audio.Info) {
	t.Helper()
	d, err := audio.OpenDecoder(path)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	defer d.Close()
	info := d.Info()
	var out []float64
	buf := make([]int16, 4800*info.Channels)
	for {
		n, err := d.Read(buf)
		for i := 0; i < n; i += info.Channels {
			out = append(out, float64(buf[i])/32768)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("decode %s after %d frames: %v", path, len(out), err)
		}
	}
	if int64(len(out)) != info.Frames {
		t.Fatalf("decoded %d frames, header says %d", len(out), info.Frames)
	}
	return out, info
}

// toneShare is the share of x's energy at 1 kHz, measured (Goertzel) in
// 50 ms blocks, so a phase jump where the sound server glitched does not
// count as missing tone: the median block's share, 0..1.
func toneShare(x []float64, rate int) float64 {
	block := rate / 20
	var shares []float64
	for off := 0; off+block <= len(x); off += block {
		shares = append(shares, goertzelShare(x[off:off+block], rate))
	}
	if len(shares) == 0 {
		return 0
	}
	slices.Sort(shares)
	return shares[len(shares)/2]
}

func goertzelShare(x []float64, rate int) float64 {
	w := 2 * math.Pi * 1000 / float64(rate)
	var s1, s2, energy float64
	for _, v := range x {
		s := v + 2*math.Cos(w)*s1 - s2
		s2, s1 = s1, s
		energy += v * v
	}
	if energy == 0 {
		return 0
	}
	power := s1*s1 + s2*s2 - 2*math.Cos(w)*s1*s2
	return power / (energy * float64(len(x)) / 2)
}

func rmsDB(x []float64) float64 {
	var e float64
	for _, v := range x {
		e += v * v
	}
	return 10 * math.Log10(e/float64(len(x))+1e-12)
}

func incoming(t *testing.T, dir string) []string {
	t.Helper()
	es, _ := os.ReadDir(filepath.Join(dir, "incoming"))
	var names []string
	for _, e := range es {
		if e.Name() != ".lock" {
			names = append(names, e.Name())
		}
	}
	return names
}

func oneLine(t *testing.T, what, s string) {
	t.Helper()
	if strings.Count(strings.TrimRight(s, "\n"), "\n") != 0 || strings.TrimSpace(s) == "" {
		t.Fatalf("%s: want one line on stderr, got %q", what, s)
	}
}
