package device

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

func TestRingKeepsOrderAcrossTheWrapAndDropsWholeFrames(t *testing.T) {
	q := newRing(8)
	out := make([]int16, 8)
	next, want := int16(0), int16(0)
	for round := 0; round < 50; round++ {
		in := []int16{next, next + 1, next + 2, next + 3, next + 4, next + 5}
		n := q.write(in, 2)
		if n%2 != 0 {
			t.Fatalf("wrote %d samples: not whole stereo frames", n)
		}
		next += int16(n)
		m := q.read(out[:round%7+1])
		for _, v := range out[:m] {
			if v != want {
				t.Fatalf("round %d: read %d, want %d", round, v, want)
			}
			want++
		}
	}
	if q.buffered() != int(next-want) {
		t.Fatalf("buffered %d, want %d", q.buffered(), next-want)
	}
}

func TestCaptureCallbackDoesNotAllocate(t *testing.T) {
	r := &Recorder{cfg: Config{Channels: 2}, ring: newRing(1 << 12)}
	in := make([]byte, 960*4)
	out := make([]int16, 1<<12)
	allocs := testing.AllocsPerRun(200, func() {
		r.onData(nil, in, 960)
		r.ring.read(out)
	})
	if allocs != 0 {
		t.Fatalf("the capture callback allocates %.1f times per call", allocs)
	}
	full := testing.AllocsPerRun(50, func() { r.onData(nil, in, 960) }) // ring fills: overruns
	if full != 0 || r.dropped.Load() == 0 {
		t.Fatalf("full ring: %.1f allocations, %d frames counted as dropped", full, r.dropped.Load())
	}
}

func TestNullBackendRecordsSilenceAtRealTimeRate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "null.wav")
	start := time.Now()
	info, levels, times := recordFor(t, context.Background(), Config{Backend: "null", Format: audio.WAV}, path, 1200*time.Millisecond)
	wall := time.Since(start)
	if info.Format != audio.WAV || info.SampleRate != 48000 || info.Channels != 1 {
		t.Fatalf("info %+v: want WAV 48 kHz mono", info)
	}
	if !within(info.Duration.Seconds(), wall.Seconds(), 0.1) {
		t.Fatalf("recorded %s in %s of wall time", info.Duration, wall)
	}
	got, pcm := decode(t, path)
	if got.Frames != info.Frames {
		t.Fatalf("file holds %d frames, Stop said %d", got.Frames, info.Frames)
	}
	for i, v := range pcm {
		if v != 0 {
			t.Fatalf("sample %d is %d: the null device is silent", i, v)
		}
	}
	if rate := levelRate(times); rate < 20 {
		t.Fatalf("%d level readings at %.1f/s, want at least 20/s", len(levels), rate)
	}
	for _, l := range levels {
		if l.Peak > -119 || l.Clipped {
			t.Fatalf("level %+v for silence", l)
		}
	}
}

func TestStatsAreLiveAndSyncsReachTheDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.wav")
	rec, err := StartRecording(context.Background(), Config{Backend: "null", Format: audio.WAV, Channels: 2}, path)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := rec.Stats()
		// Everything older than half a second is on disk: the file
		// already decodes to about as much as Stats reports.
		if s.Elapsed >= time.Second && s.Bytes > 0 {
			info, err := audio.Probe(path)
			if err != nil {
				t.Fatalf("the file being recorded does not read: %v", err)
			}
			if s.Elapsed-info.Duration > 500*time.Millisecond || info.Channels != 2 {
				t.Fatalf("stats say %s recorded, the file on disk holds %+v", s.Elapsed, info)
			}
			// Bytes is the size at the last sync, under half a second ago.
			synced := 44 + int64((s.Elapsed-500*time.Millisecond).Seconds()*48000)*4
			if st, err := os.Stat(path); err != nil || s.Bytes < synced || s.Bytes > st.Size() {
				t.Fatalf("Stats.Bytes %d with %s recorded: want %d to the file's size (%v)", s.Bytes, s.Elapsed, synced, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stats did not grow: %+v", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPauseLeavesPausedTimeOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paused.wav")
	rec, err := StartRecording(context.Background(), Config{Backend: "null", Format: audio.WAV}, path)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond) // recording, by the wall clock
	rec.Pause()
	if !rec.Stats().Paused {
		t.Fatal("Stats.Paused is false after Pause")
	}
	time.Sleep(800 * time.Millisecond)
	rec.Resume()
	time.Sleep(600 * time.Millisecond)
	info, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if d := info.Duration; d < 1100*time.Millisecond || d > 1400*time.Millisecond {
		t.Fatalf("recorded %s: want about 1.2 s (2 s minus 0.8 s paused)", d)
	}
	if s := rec.Stats(); s.Elapsed != info.Duration {
		t.Fatalf("Stats.Elapsed %s after Stop, file %s", s.Elapsed, info.Duration)
	}
}

// slowEncoder stands in for a disk that stalls: a real one cannot be made
// slow to order.
type slowEncoder struct {
	audio.Encoder
	delay  time.Duration
	writes atomic.Int32
}

func (e *slowEncoder) Write(pcm []int16) error {
	e.writes.Add(1)
	time.Sleep(e.delay)
	return e.Encoder.Write(pcm)
}

func TestOverrunsAreCountedLiveWhenTheWriterStalls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "overrun.wav")
	o := defaultRecOptions
	o.buffer = 100 * time.Millisecond
	o.wrap = func(e audio.Encoder) audio.Encoder { return &slowEncoder{Encoder: e, delay: 250 * time.Millisecond} }
	start := time.Now()
	rec, err := startRecording(context.Background(), Config{Backend: "null", Format: audio.WAV}, path, o)
	if err != nil {
		t.Fatal(err)
	}
	var told int64
	select {
	case told = <-rec.Overruns():
	case <-time.After(3 * time.Second):
		t.Fatal("no overrun event while the writer stalls")
	}
	if told <= 0 || rec.Stats().Overruns < told {
		t.Fatalf("event said %d frames dropped, Stats says %d", told, rec.Stats().Overruns)
	}
	time.Sleep(500 * time.Millisecond)
	// The device stops once the writer, busy with a slow write, sees Stop:
	// between these two times.
	early := time.Since(start).Seconds() * 48000
	info, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	late := time.Since(start).Seconds() * 48000
	dropped := float64(rec.Stats().Overruns)
	if got := float64(info.Frames) + dropped; got < 0.95*early || got > 1.05*late {
		t.Fatalf("%d frames written + %.0f dropped = %.0f, but %.0f to %.0f frames of time passed", info.Frames, dropped, got, early, late)
	}
	if dropped < early/4 {
		t.Fatalf("only %.0f of %.0f frames dropped with a writer 2.5 times slower than real time", dropped, early)
	}
}

func TestUnknownDeviceFailsClearlyAndLeavesNoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.wav")
	_, err := StartRecording(context.Background(), Config{Backend: "null", Device: "USB mic that is not there"}, path)
	if !errors.Is(err, ErrNoDevice) {
		t.Fatalf("err = %v, want ErrNoDevice", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "no microphone found") || !strings.Contains(msg, "earshot devices") {
		t.Fatalf("message %q: want one line saying no microphone was found and how to list them", msg)
	}
	if _, serr := os.Stat(path); !errors.Is(serr, os.ErrNotExist) {
		t.Fatalf("a failed start left %s behind (%v)", path, serr)
	}
}

func TestUnknownBackendNamesTheChoices(t *testing.T) {
	_, err := Devices(context.Background(), "oss4")
	if err == nil || !strings.Contains(err.Error(), "pulse, alsa, jack, null") {
		t.Fatalf("err = %v, want the list of backends", err)
	}
	t.Setenv(BackendEnv, "null")
	devs, err := Devices(context.Background(), "")
	if err != nil || len(devs) == 0 {
		t.Fatalf("%s=null: devices %v, err %v", BackendEnv, devs, err)
	}
}

func TestContextCancelStopsAndKeepsTheRecording(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctx.wav")
	ctx, cancel := context.WithCancel(context.Background())
	rec, err := StartRecording(ctx, Config{Backend: "null", Format: audio.WAV}, path)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	cancel()
	waitDone(t, rec, 2*time.Second)
	if !errors.Is(rec.Err(), context.Canceled) {
		t.Fatalf("Err = %v, want context.Canceled", rec.Err())
	}
	info, err := rec.Stop()
	if err != nil || info.Duration < 200*time.Millisecond {
		t.Fatalf("Stop after cancel: %+v, %v", info, err)
	}
	if _, pcm := decode(t, path); len(pcm) != int(info.Frames) {
		t.Fatalf("file holds %d frames, Stop said %d", len(pcm), info.Frames)
	}
}
