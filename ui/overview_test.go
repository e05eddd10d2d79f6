package ui

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/library"
)

// importHalfTone imports a file in format f holding a tone in its first
// half and silence in its second.
func importHalfTone(t *testing.T, lib *library.Library, f audio.Format) library.Recording {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x"+f.Ext())
	enc, err := audio.Create(path, f, 48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, 96000)
	for i := range 48000 {
		pcm[i] = int16(16000 * math.Sin(2*math.Pi*440*float64(i)/48000))
	}
	if err := enc.Write(pcm); err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := lib.Import(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// loudThenSilent fails unless v shows the tone then the silence.
func loudThenSilent(t *testing.T, v []float32) {
	t.Helper()
	// -6 dBFS is 0.9 of the meter's 60 dB scale.
	if len(v) < 10 || v[len(v)/5] < 0.8 || v[len(v)*7/10] > 0.1 {
		t.Fatalf("overview %v: want loud first half, silent second", v)
	}
}

// A tone in its first half and silence in its second shows as such in every
// format the library stores.
func TestOverviewOfEachFormat(t *testing.T) {
	lib, err := library.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	for _, f := range audio.Formats {
		t.Run(string(f), func(t *testing.T) {
			r := importHalfTone(t, lib, f)
			v, err := overview(context.Background(), lib, r, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(v) != 10 {
				t.Fatalf("%d values, want 10", len(v))
			}
			loudThenSilent(t, v)
		})
	}
}

// TestSelectionDrawsTheStoredOverview (fault 25): selecting a recording
// draws the overview stored at import; it does not decode the audio again
// (here the audio is made undecodable after import, and the waveform still
// appears).
func TestSelectionDrawsTheStoredOverview(t *testing.T) {
	u, lib := newTestUI(t)
	r := importHalfTone(t, lib, audio.Opus)
	if err := os.WriteFile(lib.AudioPath(r), make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the imported recording in the list", func() bool {
		n := 0
		onMainWait(func() { n = u.list.length() })
		return n == 1
	})
	u.do(func() { u.list.list.Select(0) })
	var v []float32
	onMainWait(func() { v = append(v, u.details.player.seek.values...) })
	if len(v) != overviewBars {
		t.Fatalf("after selecting: %d waveform values, want %d (notices %q)", len(v), overviewBars, u.noticeHistory())
	}
	loudThenSilent(t, v)
}

// Recordings from before overviews were stored get one in the background
// when the window opens, without being selected.
func TestOldRecordingsGetOverviewsAtStart(t *testing.T) {
	ctx := context.Background()
	lib, err := library.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	r := importHalfTone(t, lib, audio.FLAC)
	if err := os.Remove(filepath.Join(lib.Dir(), "cache", r.ID+".overview")); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Overview(r.ID); !errors.Is(err, library.ErrNoOverview) {
		t.Fatalf("overview before the window opened: %v", err)
	}
	newTestUIWith(t, NewBackend(lib, "null"))
	waitUntil(t, "the old recording's overview", func() bool {
		_, err := lib.Overview(r.ID)
		return err == nil
	})
}
