package library

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

// halfTone is one second of 440 Hz at half scale, then one of silence.
func halfTone() []int16 { return append(tone(48000, 1, 440), make([]int16, 48000)...) }

// writePCM writes pcm (mono, 48 kHz) to path as a finished file.
func writePCM(t *testing.T, path string, f audio.Format, pcm []int16) audio.Info {
	t.Helper()
	enc, err := audio.Create(path, f, 48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Write(pcm); err != nil {
		t.Fatal(err)
	}
	info, err := enc.Close()
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// loudThenQuiet fails unless bars show sound in the first half only.
func loudThenQuiet(t *testing.T, what string, bars []float32) {
	t.Helper()
	n := len(bars)
	for i, v := range bars {
		if i < n/2-1 && v < 0.4 || i > n/2 && v > 0.01 {
			t.Fatalf("%s: bar %d of %d is %.3f: want loud first half, silent second: %v", what, i, n, v, bars)
		}
	}
}

func mustOverview(t *testing.T, l *Library, id string) Overview {
	t.Helper()
	o, err := l.Overview(id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestCommitStoresOverviewFromTheTap: what the recorder fed through the tap
// is what is stored — the file is not decoded again (fault 25). The tap here
// saw silence while the file holds a tone, which tells the two apart.
func TestCommitStoresOverviewFromTheTap(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	p, err := l.BeginRecording(ctx, "tapped", audio.Opus)
	if err != nil {
		t.Fatal(err)
	}
	tap := p.Tap(48000, 1)
	info := writePCM(t, p.PartPath, audio.Opus, halfTone())
	tap(make([]int16, 96000))
	r, err := l.Commit(ctx, p, info)
	if err != nil {
		t.Fatal(err)
	}
	o := mustOverview(t, l, r.ID)
	if o.Step != 20*time.Millisecond || len(o.Peaks) != 100 {
		t.Fatalf("overview step %v, %d peaks: want 20 ms, 100", o.Step, len(o.Peaks))
	}
	for i, v := range o.Bars(10) {
		if v != 0 {
			t.Fatalf("bar %d = %.3f: the overview was not the tap's (silence)", i, v)
		}
	}
}

// A tap that missed part of the recording (or no tap) is not trusted: the
// file is decoded once at commit instead.
func TestCommitDecodesWhenTheTapDoesNotCoverTheFile(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	for _, tapped := range []bool{false, true} {
		p, err := l.BeginRecording(ctx, "x", audio.FLAC)
		if err != nil {
			t.Fatal(err)
		}
		if tapped {
			p.Tap(48000, 1)(make([]int16, 48000)) // half of it
		}
		r, err := l.Commit(ctx, p, writePCM(t, p.PartPath, audio.FLAC, halfTone()))
		if err != nil {
			t.Fatal(err)
		}
		loudThenQuiet(t, "decoded at commit", mustOverview(t, l, r.ID).Bars(20))
	}
}

// Import and download store the overview before they return, in each format.
func TestImportAndDownloadStoreOverview(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, t.TempDir())
	b := openTest(t, t.TempDir())
	for _, f := range audio.Formats {
		src := filepath.Join(t.TempDir(), "memo"+f.Ext())
		writePCM(t, src, f, halfTone())
		r, err := a.Import(ctx, src, nil)
		if err != nil {
			t.Fatal(err)
		}
		loudThenQuiet(t, "imported "+string(f), mustOverview(t, a, r.ID).Bars(20))

		// b knows r from the cloud, then downloads it.
		x, err := b.SyncIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cloud := r
		cloud.HasAudio, cloud.SyncState, cloud.RemoteVersion = false, CloudOnly, 1
		err = x.Update(ctx, []string{r.ID}, func(string, *SyncItem) (SyncChange, error) {
			return SyncChange{Item: &SyncItem{Recording: cloud, PushedVersion: 1, RemoteTitle: r.Title}}, nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Overview(r.ID); !errors.Is(err, ErrNoOverview) {
			t.Fatalf("cloud-only entry: overview error %v, want ErrNoOverview", err)
		}
		part, err := x.DownloadPath(r.ID, r.Format)
		if err != nil {
			t.Fatal(err)
		}
		if err := copyFile(ctx, a.AudioPath(r), part, 0o600, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := x.AttachAudio(ctx, r.ID, part); err != nil {
			t.Fatal(err)
		}
		loudThenQuiet(t, "downloaded "+string(f), mustOverview(t, b, r.ID).Bars(20))
	}
}

// A recording from before overviews were stored (or whose overview file is
// damaged) is listed by Unanalyzed and gets one from Analyze, once; purge
// removes it.
func TestOldRecordingsGetAnOverviewOnce(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	src := filepath.Join(t.TempDir(), "old.wav")
	writePCM(t, src, audio.WAV, halfTone())
	r, err := l.Import(ctx, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := l.analysisPath(r.ID, overviewName)
	for _, damage := range []func() error{
		func() error { return os.Remove(path) },
		func() error { return os.WriteFile(path, []byte("EOV1 not really"), 0o600) },
	} {
		if err := damage(); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Overview(r.ID); !errors.Is(err, ErrNoOverview) {
			t.Fatalf("overview error %v, want ErrNoOverview", err)
		}
		if ids, err := l.Unanalyzed(ctx); err != nil || len(ids) != 1 || ids[0] != r.ID {
			t.Fatalf("Unanalyzed = %v, %v; want [%s]", ids, err, r.ID)
		}
		if err := l.Analyze(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		loudThenQuiet(t, "analysed later", mustOverview(t, l, r.ID).Bars(20))
		if ids, err := l.Unanalyzed(ctx); err != nil || len(ids) != 0 {
			t.Fatalf("after Analyze: Unanalyzed = %v, %v", ids, err)
		}
	}
	if err := l.Purge(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("purge left the overview: %v", err)
	}
}

func TestAnalyzeCloudOnlyIsNoAudio(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	x, err := l.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	cloud := Recording{ID: id, Title: "far", CreatedAt: time.Now(), Format: audio.Opus, SampleRate: 48000, Channels: 1,
		SHA256: "ab", Version: 1, SyncState: CloudOnly, RemoteVersion: 1}
	if err := x.Update(ctx, []string{id}, func(string, *SyncItem) (SyncChange, error) {
		return SyncChange{Item: &SyncItem{Recording: cloud, PushedVersion: 1}}, nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.Analyze(ctx, id); !errors.Is(err, ErrNoAudio) {
		t.Fatalf("Analyze of a cloud-only entry: %v, want ErrNoAudio", err)
	}
}

var barsTests = []struct {
	peaks []uint16
	n     int
	want  []float32
}{
	{nil, 3, []float32{0, 0, 0}},
	{[]uint16{16384}, 3, []float32{0.5, 0.5, 0.5}},         // short: bars repeat
	{[]uint16{0, 16384, 8192, 0}, 2, []float32{0.5, 0.25}}, // each bar the loudest of its share
	{[]uint16{32767, 0, 0, 0, 0, 8192}, 3, []float32{32767. / 32768, 0, 0.25}},
}

func TestBars(t *testing.T) {
	for _, tt := range barsTests {
		got := Overview{Peaks: tt.peaks}.Bars(tt.n)
		if len(got) != len(tt.want) {
			t.Fatalf("Bars(%v, %d) = %v, want %v", tt.peaks, tt.n, got, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Fatalf("Bars(%v, %d) = %v, want %v", tt.peaks, tt.n, got, tt.want)
			}
		}
	}
}

// Stereo: a frame's peak is the louder channel; buckets count frames.
func TestOverviewAnalyzerStereo(t *testing.T) {
	a := newOverviewAnalyzer(100, 2) // 2 frames a bucket
	a.write([]int16{1, -9, 3})       // a frame split across writes
	a.write([]int16{2, 0, 0, 0, -32768})
	b, err := a.encode("")
	if err != nil {
		t.Fatal(err)
	}
	o, err := decodeOverview(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint16{9, 32767}; len(o.Peaks) != 2 || o.Peaks[0] != want[0] || o.Peaks[1] != want[1] || o.Step != 20*time.Millisecond {
		t.Fatalf("peaks %v step %v, want %v and 20ms", o.Peaks, o.Step, want)
	}
}
