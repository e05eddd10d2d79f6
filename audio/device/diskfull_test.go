package device

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

// smallDisk mounts a 128 KiB tmpfs (this needs root, as the test machines
// have) so the disk really fills. Without the right to mount, it returns ""
// and the test falls back to an encoder that fails as a full disk does.
func smallDisk(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Logf("cannot mount a small tmpfs (%v: %s): simulating ENOSPC in the encoder", err, strings.TrimSpace(string(out)))
		return ""
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

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

func TestFullDiskStopsTheRecordingAndKeepsAValidFile(t *testing.T) {
	o := defaultRecOptions
	dir := smallDisk(t)
	if dir == "" {
		dir = t.TempDir()
		o.wrap = func(e audio.Encoder) audio.Encoder { return &fullAfter{Encoder: e, n: 30} }
	}
	path := filepath.Join(dir, "full.wav")
	rec, err := startRecording(context.Background(), Config{Backend: "null", Format: audio.WAV}, path, o)
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, rec, 10*time.Second) // 128 KiB of 48 kHz mono WAV is 1.4 s
	err = rec.Err()
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) || !strings.HasPrefix(err.Error(), "disk full: ") {
		t.Fatalf("Err = %v, want disk full wrapping ENOSPC", err)
	}
	t.Logf("Err: %v", err)
	info, err := rec.Stop()
	if err != nil {
		t.Fatalf("Stop after the disk filled: %v", err)
	}
	if info.Duration < 500*time.Millisecond {
		t.Fatalf("kept only %s", info.Duration)
	}
	if got, _ := decode(t, path); got.Frames != info.Frames {
		t.Fatalf("the file holds %d frames, Stop said %d", got.Frames, info.Frames)
	}
}
