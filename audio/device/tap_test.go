package device

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

// The tap is set up with the rate and channels in effect and sees exactly
// the frames written to the file, paused time left out.
func TestTapSeesWhatIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tapped.wav")
	var rate, channels int
	var samples int64
	tap := func(r, c int) func([]int16) {
		rate, channels = r, c
		return func(pcm []int16) { samples += int64(len(pcm)) }
	}
	rec, err := StartRecording(context.Background(), Config{Backend: "null", Format: audio.WAV, Channels: 2, Tap: tap}, path)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	rec.Pause()
	time.Sleep(300 * time.Millisecond)
	rec.Resume()
	time.Sleep(300 * time.Millisecond)
	info, err := rec.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if rate != 48000 || channels != 2 {
		t.Fatalf("tap set up for %d Hz, %d channels; want 48000, 2", rate, channels)
	}
	if info.Frames == 0 || samples != info.Frames*2 {
		t.Fatalf("tap saw %d samples, the file holds %d frames of 2", samples, info.Frames)
	}
}
