package transcribe

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
)

// engine loads PocketSphinx once per test; its model is a build and test
// dependency (scripts/deps.sh), so a missing one fails.
func engine(t *testing.T) *PocketSphinx {
	t.Helper()
	e, err := NewPocketSphinx("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func transcribe(t *testing.T, eng Engine, path string, opts Options) []api.Segment {
	t.Helper()
	var segs []api.Segment
	err := File(context.Background(), eng, path, opts, func(s api.Segment) error {
		segs = append(segs, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return segs
}

type spoken struct {
	word string
	at   time.Duration
}

// jfkWords are words of jfk.wav and when they are said (testdata/README.md).
var jfkWords = []spoken{{"my", 990 * time.Millisecond}, {"not", 3990 * time.Millisecond},
	{"your", 5610 * time.Millisecond}, {"country", 5860 * time.Millisecond}, {"you", 7060 * time.Millisecond}}

// expectWords checks that each word is found within 0.5 s of when it is
// said, offset by off.
func expectWords(t *testing.T, segs []api.Segment, want []spoken, off time.Duration) {
	t.Helper()
	for _, w := range want {
		at := w.at + off
		found := false
		var near []string
		for _, s := range segs {
			for _, got := range s.Words {
				d := time.Duration(got.StartMS)*time.Millisecond - at
				if got.Text == w.word && d.Abs() <= 500*time.Millisecond {
					found = true
				}
				if d.Abs() <= time.Second {
					near = append(near, fmt.Sprintf("%s@%dms", got.Text, got.StartMS))
				}
			}
		}
		if !found {
			t.Errorf("%q not found at %v ± 0.5 s; heard near it: %v", w.word, at, near)
		}
	}
}

func TestRealSpeech(t *testing.T) {
	segs := transcribe(t, engine(t), "testdata/jfk.wav", Options{})
	expectWords(t, segs, jfkWords, 0)
	for i, s := range segs {
		if s.StartMS > s.EndMS || (i > 0 && s.StartMS < segs[i-1].EndMS) {
			t.Errorf("segment %d out of order: %+v", i, s)
		}
		if len(s.Words) == 0 || s.Text != joinWords(s.Words) {
			t.Errorf("segment %d text %q does not match its words", i, s.Text)
		}
		for _, w := range s.Words {
			if w.Conf < 0 || w.Conf > 1 || strings.ContainsAny(w.Text, "<>[]()") {
				t.Errorf("word %+v", w)
			}
		}
	}
}

func joinWords(ws []api.Word) string {
	var b []string
	for _, w := range ws {
		b = append(b, w.Text)
	}
	return strings.Join(b, " ")
}

// TestRealSpeechOpus takes the path a recording takes: 48 kHz Ogg Opus,
// resampled to 16 kHz by the project's resampler.
func TestRealSpeechOpus(t *testing.T) {
	opus := filepath.Join(t.TempDir(), "jfk.opus")
	if _, err := audio.Convert(context.Background(), "testdata/jfk.wav", opus, audio.Opus, nil); err != nil {
		t.Fatal(err)
	}
	expectWords(t, transcribe(t, engine(t), opus, Options{}), jfkWords, 0)
}

func TestResume(t *testing.T) {
	var progress []float64
	segs := transcribe(t, engine(t), "testdata/jfk.wav", Options{From: 5 * time.Second,
		Progress: func(p float64) { progress = append(progress, p) }})
	for _, s := range segs {
		if s.StartMS < 5000 {
			t.Errorf("segment before the resume point: %+v", s)
		}
	}
	// Without the first half's context the recogniser hears less of it:
	// "your" and "you" it gets.
	expectWords(t, segs, []spoken{jfkWords[2], jfkWords[4]}, 0)
	if len(progress) == 0 || progress[0] < 0.45 || progress[len(progress)-1] != 1 {
		t.Errorf("progress %v: want from about 0.45 to 1", progress)
	}
}

// writeWAV writes 16 kHz mono audio made of pieces: silence (nil, n) or samples.
func writeWAV(t *testing.T, path string, pieces func(write func([]int16))) {
	t.Helper()
	enc, err := audio.Create(path, audio.WAV, Rate, 1)
	if err != nil {
		t.Fatal(err)
	}
	pieces(func(pcm []int16) {
		if err := enc.Write(pcm); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
}

func readPCM(t *testing.T, path string) []int16 {
	t.Helper()
	d, err := audio.OpenDecoder(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pcm := make([]int16, d.Info().Frames)
	n, err := d.Read(pcm)
	for n < len(pcm) && err == nil {
		var m int
		m, err = d.Read(pcm[n:])
		n += m
	}
	return pcm[:n]
}

func TestSilenceIsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quiet.wav")
	writeWAV(t, path, func(write func([]int16)) {
		write(make([]int16, 20*Rate)) // digital silence
		hiss := make([]int16, 20*Rate)
		for i := range hiss {
			hiss[i] = int16(30 * math.Sin(float64(i)*1.7) * math.Cos(float64(i)*0.31))
		}
		write(hiss) // a quiet room
	})
	if segs := transcribe(t, engine(t), path, Options{}); len(segs) != 0 {
		t.Fatalf("silence gave %d segments: %+v", len(segs), segs)
	}
}

func TestCorruptFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.opus")
	writeFile(t, bad, append([]byte("OggS"), make([]byte, 5000)...))
	err := File(context.Background(), engine(t), bad, Options{}, func(api.Segment) error { return nil })
	if !errors.Is(err, audio.ErrCorrupt) && !errors.Is(err, audio.ErrUnsupported) {
		t.Fatalf("corrupt file: %v, want a damaged or unsupported audio error", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("error is not one line: %q", err)
	}
}

func TestModelMissing(t *testing.T) {
	_, err := NewPocketSphinx(filepath.Join(t.TempDir(), "no-model"))
	if !errors.Is(err, ErrModelMissing) || !strings.Contains(err.Error(), "install the pocketsphinx-en-us package") {
		t.Fatalf("model missing: %v", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := File(ctx, engine(t), "testdata/jfk.wav", Options{Progress: func(float64) {
		if n++; n == 3 {
			cancel()
		}
	}}, func(api.Segment) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// TestLongRecordingBoundedMemory streams two hours, with speech at the
// start, after an hour and at the end: the words come out at their
// times and the heap stays small all the way.
func TestLongRecordingBoundedMemory(t *testing.T) {
	speech := readPCM(t, "testdata/jfk.wav")
	path := filepath.Join(t.TempDir(), "two-hours.wav")
	const total = 2 * time.Hour
	marks := []time.Duration{0, time.Hour, total - 12*time.Second}
	writeWAV(t, path, func(write func([]int16)) {
		silence := make([]int16, Rate*60)
		at := time.Duration(0)
		for _, m := range marks {
			for at < m {
				n := min(len(silence), int((m-at)*Rate/time.Second))
				write(silence[:n])
				at += time.Duration(n) * time.Second / Rate
			}
			write(speech)
			at += time.Duration(len(speech)) * time.Second / Rate
		}
		for at < total {
			n := min(len(silence), int((total-at)*Rate/time.Second))
			write(silence[:n])
			at += time.Duration(n) * time.Second / Rate
		}
	})
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	var segs []api.Segment
	err := File(context.Background(), engine(t), path, Options{Progress: func(float64) {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}}, func(s api.Segment) error {
		segs = append(segs, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range marks {
		expectWords(t, segs, jfkWords[3:4], m)
	}
	// Two hours at 16 kHz are 230 MB of samples; the transcriber holds at
	// most one utterance (30 s, under 1 MB) and its buffers.
	if grown := int64(peak) - int64(base); grown > 32<<20 {
		t.Fatalf("heap grew by %d MB over two hours of audio", grown>>20)
	}
}
