package library

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

func TestImportStoresSupportedFormatsAsIs(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	wav := filepath.Join(t.TempDir(), "tone.wav")
	if _, err := writeTone(wav, audio.WAV, 1.5); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{wav, "testdata/tone.flac", "testdata/tone.opus"} {
		t.Run(filepath.Ext(src), func(t *testing.T) {
			var calls int
			r, err := l.Import(ctx, src, func(done, total int64) { calls++ })
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(src)
			got, err := os.ReadFile(l.AudioPath(r))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("stored file differs from %s (%v)", src, err)
			}
			if r.Title != "tone" || calls == 0 {
				t.Fatalf("title %q, %d progress calls", r.Title, calls)
			}
			if d := r.Duration - 1500*time.Millisecond; d < -10*time.Millisecond || d > 10*time.Millisecond {
				t.Fatalf("duration %v, want 1.5s", r.Duration)
			}
		})
	}
}

func TestImportConvertsMP3(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r, err := l.Import(ctx, "testdata/tone.mp3", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Format != audio.Opus {
		t.Fatalf("stored as %s", r.Format)
	}
	info, err := audio.Probe(l.AudioPath(r))
	if err != nil {
		t.Fatal(err)
	}
	// MP3 decoders add up to about 50 ms of padding.
	if d := info.Duration - 1500*time.Millisecond; d < -10*time.Millisecond || d > 80*time.Millisecond {
		t.Fatalf("converted duration %v, want about 1.5s", info.Duration)
	}
}

func TestImportRejectsBadFiles(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	for _, tc := range []struct {
		path string
		want error
	}{
		{"testdata/noise.bin", audio.ErrUnsupported},
		{"testdata/corrupt.flac", audio.ErrCorrupt},
		{"testdata/missing.wav", os.ErrNotExist},
	} {
		_, err := l.Import(ctx, tc.path, nil)
		if !errors.Is(err, tc.want) {
			t.Errorf("import %s: %v, want %v", tc.path, err, tc.want)
		}
		if err != nil && bytes.ContainsRune([]byte(err.Error()), '\n') {
			t.Errorf("import %s: error spans lines: %q", tc.path, err)
		}
		if base := filepath.Base(tc.path); err != nil && strings.Count(err.Error(), base) != 1 {
			t.Errorf("import %s: %q names the file %d times, want once", tc.path, err, strings.Count(err.Error(), base))
		}
	}
	if n, _ := l.Count(ctx, ListOptions{Trash: WithTrashed}); n != 0 {
		t.Fatalf("%d recordings after bad imports", n)
	}
	if left := incomingEntries(t, l); len(left) != 0 {
		t.Fatalf("incoming still holds %v", left)
	}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r, err := commitTone(ctx, l, "Talk: part 1/2", audio.Opus, 1)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()

	// Own format, into a folder: named after the title, byte for byte.
	path, err := l.Export(ctx, r.ID, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "Talk_ part 1_2.opus" {
		t.Fatalf("exported to %s", path)
	}
	a, _ := os.ReadFile(path)
	b, _ := os.ReadFile(l.AudioPath(r))
	if !bytes.Equal(a, b) {
		t.Fatal("exported copy differs")
	}

	// Another extension converts.
	for _, ext := range []string{".wav", ".flac"} {
		path, err = l.Export(ctx, r.ID, filepath.Join(out, "talk"+ext), nil)
		if err != nil {
			t.Fatal(err)
		}
		info, err := audio.Probe(path)
		if err != nil || string(info.Format) != ext[1:] {
			t.Fatalf("%s probes as %+v, %v", path, info, err)
		}
		if d := info.Duration - time.Second; d < -10*time.Millisecond || d > 10*time.Millisecond {
			t.Fatalf("%s lasts %v, want 1s", path, info.Duration)
		}
	}

	// An extension Earshot cannot write is refused, and nothing is left behind.
	if _, err := l.Export(ctx, r.ID, filepath.Join(out, "talk.aac"), nil); err == nil {
		t.Fatal("export to .aac succeeded")
	}
	es, _ := os.ReadDir(out)
	if len(es) != 3 {
		t.Fatalf("output folder holds %d files, want 3", len(es))
	}
}

// A FLAC file that breaks off (a crashed recorder, a copy cut short) is
// imported up to its last whole frame, with its true length, and says so;
// one with no whole frame is refused and adds nothing. An intact file is
// stored as it is (TestImportStoresSupportedFormatsAsIs).
func TestImportKeepsWhatATruncatedFLACHolds(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	_, b, half := cutTone(t, audio.FLAC, "half.flac")

	r, err := l.Import(ctx, half, nil)
	var damaged *DamagedImport
	if !errors.As(err, &damaged) {
		t.Fatalf("import of a FLAC cut in half: %v, want a *DamagedImport", err)
	}
	if r.ID == "" || r.Duration < time.Second || r.Duration > 3*time.Second ||
		damaged.Kept != r.Duration || damaged.Claimed != 4*time.Second {
		t.Fatalf("kept %v of %v, recording %+v; want about 2 s of 4 s, the recording's length", damaged.Kept, damaged.Claimed, r)
	}
	if msg := err.Error(); !strings.Contains(msg, "half.flac ends early or is damaged after 0:0") || strings.ContainsRune(msg, '\n') {
		t.Fatalf("message %q", msg)
	}
	if info, err := audio.Probe(l.AudioPath(r)); err != nil || info.Duration != r.Duration {
		t.Fatalf("the stored file probes as %v (%v), the recording says %v", info.Duration, err, r.Duration)
	}
	out := filepath.Join(t.TempDir(), "out.wav")
	if _, err := l.Export(ctx, r.ID, out, nil); err != nil {
		t.Fatalf("export of the kept part: %v", err)
	}
	if info, err := audio.Probe(out); err != nil || info.Duration != r.Duration {
		t.Fatalf("exported %v (%v), want %v", info.Duration, err, r.Duration)
	}

	// Cut inside the first frame: nothing to keep.
	first := bytes.Index(b[4:], []byte{0xff, 0xf8}) + 4
	if first < 4 {
		t.Fatal("no frame found in the FLAC file")
	}
	stub := filepath.Join(t.TempDir(), "stub.flac")
	if err := os.WriteFile(stub, b[:first+8], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Import(ctx, stub, nil); !errors.Is(err, audio.ErrCorrupt) || errors.As(err, &damaged) {
		t.Fatalf("import of a FLAC with no whole frame: %v, want a damaged-file refusal", err)
	}
	if n, _ := l.Count(ctx, ListOptions{Trash: WithTrashed}); n != 1 {
		t.Fatalf("%d recordings, want the kept part alone", n)
	}
	if left := incomingEntries(t, l); len(left) != 0 {
		t.Fatalf("incoming still holds %v", left)
	}
}

// A WAV file cut short is imported with the length it holds, says how much
// its header claimed, and is stored with chunk sizes that say what it
// holds, so an exported copy reads the same length everywhere.
func TestImportCutWAVIsMadeWhole(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	whole, b, cut := cutTone(t, audio.WAV, "cut.wav")
	r, err := l.Import(ctx, cut, nil)
	var damaged *DamagedImport
	if !errors.As(err, &damaged) || damaged.Claimed != 4*time.Second || damaged.Kept != r.Duration {
		t.Fatalf("import of a WAV cut in half: %v (%+v), want a *DamagedImport of 4 s", err, damaged)
	}
	if r.Duration < 1900*time.Millisecond || r.Duration > 2100*time.Millisecond {
		t.Fatalf("imported %v, want the 2 s it holds", r.Duration)
	}
	if claim, err := audio.WAVClaim(l.AudioPath(r)); err != nil || claim != 0 {
		t.Fatalf("the stored file still claims %v (%v)", claim, err)
	}
	out := filepath.Join(t.TempDir(), "out.wav")
	if _, err := l.Export(ctx, r.ID, out, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The RIFF and data sizes of the exported copy match its bytes.
	le := func(b []byte) int { return int(b[0]) | int(b[1])<<8 | int(b[2])<<16 | int(b[3])<<24 }
	if riff, data := le(got[4:8]), le(got[40:44]); riff != len(got)-8 || data != len(got)-44 {
		t.Fatalf("exported copy: RIFF size %d, data size %d, for %d bytes", riff, data, len(got))
	}

	// A whole WAV claims nothing and is stored byte for byte.
	r2, err := l.Import(ctx, whole, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := os.ReadFile(l.AudioPath(r2)); !bytes.Equal(stored, b) {
		t.Fatal("a whole WAV was changed on import")
	}
}

// cutTone writes 4 s of tone in format and, as name, its first half (a
// copy cut short); it returns the whole file's path and bytes and the cut
// one's path.
func cutTone(t *testing.T, format audio.Format, name string) (whole string, b []byte, cut string) {
	t.Helper()
	whole = filepath.Join(t.TempDir(), "whole"+format.Ext())
	if _, err := writeTone(whole, format, 4); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	cut = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(cut, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	return whole, b, cut
}
