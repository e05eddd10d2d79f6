package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testenv"
)

// fullAfter fails every write after the first n as a full disk does.
type fullAfter struct {
	audio.Encoder
	n int
}

func (e *fullAfter) Write(pcm []int16) error {
	if e.n--; e.n < 0 {
		return fmt.Errorf("write wav: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC})
	}
	return e.Encoder.Write(pcm)
}

// A WAV recording fills a 128 KiB disk by itself; an Opus or FLAC one
// records a tone for a second, and then the test fills its disk. Either
// way the recording stops with a disk-full error, and Stop, with no space
// left at all, finalises the file in place: it is valid, finished (Repair
// has nothing more to do), and holds the audio up to the last sync, less
// at most 0.5 s.
func TestFullDiskStopsTheRecordingAndKeepsAValidFile(t *testing.T) {
	for _, f := range []audio.Format{audio.WAV, audio.Opus, audio.FLAC} {
		t.Run(string(f), func(t *testing.T) { testFullDisk(t, f) })
	}
}

func testFullDisk(t *testing.T, format audio.Format) {
	o := defaultRecOptions
	cfg := Config{Backend: "null", Format: format}
	size := 128 << 10 // 1.4 s of 48 kHz mono WAV
	if format != audio.WAV {
		// Opus of silence takes a minute to fill the slack in the file's
		// last tmpfs page: record a tone.
		sink := virtualMic(t)
		cfg = Config{Backend: "pulse", Device: sink + ".monitor", Format: format}
		playInBackground(t, sink, tone(t, 440, 0.5, 20))
		size = 1 << 20
	}
	// Without the right to mount a small tmpfs (root, as the test machines
	// have), an encoder fails as a full disk does.
	dir, err := testenv.MountTmpfs(t, size)
	if err != nil {
		t.Logf("cannot mount a small tmpfs (%v): simulating ENOSPC in the encoder", err)
		dir = t.TempDir()
		o.wrap = func(e audio.Encoder) audio.Encoder { return &fullAfter{Encoder: e, n: 30} }
	}
	path := filepath.Join(dir, "full"+format.Ext()+".part")
	rec, err := startRecording(context.Background(), cfg, path, o)
	if err != nil {
		t.Fatal(err)
	}
	if format != audio.WAV && o.wrap == nil {
		// The level readings pace the wait; a second is several syncs.
		for range rec.Levels() {
			if rec.Stats().Elapsed >= time.Second {
				break
			}
		}
		testenv.FillDisk(t, dir)
	}
	waitDone(t, rec, 10*time.Second)
	err = rec.Err()
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) || !strings.HasPrefix(err.Error(), "disk full: ") {
		t.Fatalf("Err = %v, want disk full wrapping ENOSPC", err)
	}
	t.Logf("Err: %v", err)
	info, err := rec.Stop()
	if err != nil {
		t.Fatalf("Stop after the disk filled: %v", err)
	}
	const rate = 48000 // the default, and what Opus decodes at
	synced := time.Duration(rec.synced) * time.Second / rate
	written := time.Duration(rec.written) * time.Second / rate
	t.Logf("kept %s; %s synced, %s written", info.Duration, synced, written)
	if synced < 500*time.Millisecond {
		t.Fatalf("only %s was synced before the disk filled", synced)
	}
	if info.Duration < synced-500*time.Millisecond || info.Duration > written {
		t.Fatalf("the file holds %s: %s was synced and %s written", info.Duration, synced, written)
	}
	if got, _ := decode(t, path); got.Frames != info.Frames {
		t.Fatalf("the file holds %d frames, Stop said %d", got.Frames, info.Frames)
	}
	if _, err := os.Stat(path + ".repair"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temporary file beside the recording: %v", err)
	}
	// Finished: another Repair leaves every byte as it is.
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := audio.Repair(path, format); err != nil || again != info {
		t.Fatalf("Repair of the finalised file: %+v, %v; Stop said %+v", again, err, info)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("Repair changed the file Stop finalised")
	}
	if out := run(t, "ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path); !regexp.MustCompile(`^[0-9.]+$`).MatchString(out) {
		t.Fatalf("ffprobe complains:\n%s", out)
	}
	if out := run(t, "ffmpeg", "-v", "error", "-i", path, "-f", "null", "-"); out != "" {
		t.Fatalf("ffmpeg complains while decoding:\n%s", out)
	}
	if format == audio.Opus {
		if out := run(t, "opusinfo", path); regexp.MustCompile(`(?i)warning|error`).MatchString(out) {
			t.Fatalf("opusinfo complains:\n%s", out)
		}
	}
}

// playInBackground plays a file into a sink while the test goes on.
func playInBackground(t *testing.T, sink, path string) {
	t.Helper()
	cmd := exec.Command(tool(t, "paplay"), "-d", sink, path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
}
