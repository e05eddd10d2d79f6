package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// syncPoint is the state of an in-progress file right after Sync returned.
type syncPoint struct {
	size   int64 // bytes on disk
	frames int64 // input frames written before the Sync
}

// recordUnfinished writes pcm with a Sync roughly every 0.3 s, then
// "crashes": some more audio is written without Sync and the encoder is
// abandoned, never closed (its file descriptor is closed behind its back).
func recordUnfinished(t *testing.T, path string, f Format, ch int, pcm []int16) []syncPoint {
	t.Helper()
	e, err := Create(path, f, 48000, ch)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var points []syncPoint
	var written, sinceSync int64
	for i := 0; i < len(pcm); {
		j := min(i+(1+rng.IntN(2400))*ch, len(pcm))
		if err := e.Write(pcm[i:j]); err != nil {
			t.Fatal(err)
		}
		written += int64((j - i) / ch)
		sinceSync += int64((j - i) / ch)
		i = j
		if sinceSync >= 14400 && len(pcm)-i > 48000*ch/2 { // leave the last 0.5 s unsynced
			if err := e.Sync(); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			points = append(points, syncPoint{size: st.Size(), frames: written})
			sinceSync = 0
		}
	}
	abandon(t, e)
	return points
}

// abandon closes an encoder's file without finishing it, as a crash would,
// after pushing its buffered bytes out as the OS would have (at worst).
func abandon(t *testing.T, e Encoder) {
	t.Helper()
	switch e := e.(type) {
	case *wavEncoder:
		e.w.Flush()
		e.f.Close()
	case *flacEncoder:
		e.w.Flush()
		e.f.Close()
	case *opusEncoder:
		e.ogg.flush(false) // a page written but never synced
		e.f.Close()
	default:
		t.Fatalf("unknown encoder %T", e)
	}
}

// TestRepairTruncated cuts an unfinished recording at sync points, just
// after them and at random offsets, repairs each copy and checks it keeps
// all the audio synced before the cut (less at most 0.5 s), bit for bit
// against the undamaged decode, with Info.Duration equal to the audio kept.
func TestRepairTruncated(t *testing.T) {
	pcm := speech48(t)
	for _, f := range Formats {
		for _, ch := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%dch", f, ch), func(t *testing.T) {
				// 5 s is plenty of pages and frames, and FLAC decoding
				// (every repair re-reads the file) is slow under -race.
				in := pcm[:min(len(pcm), 48000*5)]
				if ch == 2 {
					in = chirp(48000*4, 48000, 2)
				}
				dir := t.TempDir()
				full := filepath.Join(dir, "rec"+f.Ext()+".part")
				points := recordUnfinished(t, full, f, ch, in)
				whole, err := os.ReadFile(full)
				if err != nil {
					t.Fatal(err)
				}
				// The undamaged reference: the same bytes, repaired whole.
				ref := filepath.Join(dir, "ref"+f.Ext())
				os.WriteFile(ref, whole, 0o644)
				if _, err := Repair(ref, f); err != nil {
					t.Fatal(err)
				}
				_, refPCM := readAll(t, ref)

				rng := rand.New(rand.NewPCG(5, uint64(ch)))
				// Every sync point would be slow under the race detector
				// (FLAC repair decodes everything): take a spread of them.
				cuts := []int64{int64(len(whole))}
				for i := 0; i < len(points); i += max(1, len(points)/6) {
					cuts = append(cuts, points[i].size, points[i].size+1+rng.Int64N(600))
				}
				for i := 0; i < 6; i++ {
					cuts = append(cuts, points[0].size+rng.Int64N(int64(len(whole))-points[0].size))
				}
				for _, cut := range cuts {
					cut = min(cut, int64(len(whole)))
					var synced int64
					for _, p := range points {
						if p.size <= cut {
							synced = p.frames
						}
					}
					path := filepath.Join(dir, fmt.Sprintf("cut%d%s", cut, f.Ext()))
					if err := os.WriteFile(path, whole[:cut], 0o644); err != nil {
						t.Fatal(err)
					}
					info, err := Repair(path, f)
					if err != nil {
						t.Fatalf("cut at %d: %v", cut, err)
					}
					got, gotPCM := readAll(t, path)
					if got != info {
						t.Fatalf("cut at %d: Repair says %+v, the file holds %+v", cut, info, got)
					}
					if info.Frames < synced-24000 {
						t.Fatalf("cut at %d: kept %d frames, %d were synced", cut, info.Frames, synced)
					}
					if !equalPCM(gotPCM, refPCM[:min(len(gotPCM), len(refPCM))]) {
						t.Fatalf("cut at %d: repaired audio differs from the original", cut)
					}
					if cut == int64(len(whole)) {
						checkWithTools(t, path, info)
					}
					os.Remove(path)
				}
			})
		}
	}
}

// TestRepairKeepsFinishedFile: repairing a finished file changes no sample.
func TestRepairKeepsFinishedFile(t *testing.T) {
	pcm := sine(48000+5, 48000, 1, 440, 0.5)
	for _, f := range Formats {
		path := filepath.Join(t.TempDir(), "x"+f.Ext())
		closed := encodeFile(t, path, f, 48000, 1, pcm)
		_, before := readAll(t, path)
		info, err := Repair(path, f)
		if err != nil {
			t.Fatal(err)
		}
		if info != closed {
			t.Fatalf("%s: Repair says %+v, Close said %+v", f, info, closed)
		}
		if _, after := readAll(t, path); !equalPCM(before, after) {
			t.Fatalf("%s: Repair changed the audio", f)
		}
	}
}

// TestRepairHeaderNeverPatched: the sizes in the header were never written
// (crash before the first Sync got that far); Repair recovers every frame.
func TestRepairHeaderNeverPatched(t *testing.T) {
	pcm := sine(48000*2, 48000, 2, 300, 0.5)
	for _, f := range []Format{WAV, FLAC} {
		path := filepath.Join(t.TempDir(), "x"+f.Ext())
		e, err := Create(path, f, 48000, 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Write(pcm); err != nil {
			t.Fatal(err)
		}
		abandon(t, e)
		b, _ := os.ReadFile(path)
		if f == WAV {
			binary.LittleEndian.PutUint32(b[4:], 0)
			binary.LittleEndian.PutUint32(b[40:], 0)
		}
		if f == FLAC {
			copy(b[flacStreamInfoOff+13:flacStreamInfoOff+18], []byte{b[flacStreamInfoOff+13] &^ 0x0F, 0, 0, 0, 0})
		}
		os.WriteFile(path, b, 0o644)
		info, err := Repair(path, f)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(len(pcm) / 2)
		if f == FLAC {
			want -= want % int64(flacBlockSize(48000)) // the unfinished block was never encoded
		}
		if info.Frames != want {
			t.Fatalf("%s: repaired %d frames, want %d", f, info.Frames, want)
		}
		if _, got := readAll(t, path); !equalPCM(got, pcm[:want*2]) {
			t.Fatalf("%s: repaired audio differs", f)
		}
		if _, err := os.Stat(path + ".repair"); !os.IsNotExist(err) {
			t.Fatalf("%s: temporary file left behind: %v", f, err)
		}
	}
}

// TestRepairNothingRecorded: a file cut inside its header cannot be
// repaired and says so; one with a header and no audio becomes empty.
func TestRepairNothingRecorded(t *testing.T) {
	for _, f := range Formats {
		path := filepath.Join(t.TempDir(), "x"+f.Ext())
		e, err := Create(path, f, 48000, 1)
		if err != nil {
			t.Fatal(err)
		}
		abandon(t, e)
		info, err := Repair(path, f)
		if err != nil {
			t.Fatalf("%s header only: %v", f, err)
		}
		if info.Frames != 0 {
			t.Fatalf("%s header only: %d frames", f, info.Frames)
		}
		readAll(t, path)
		b, _ := os.ReadFile(path)
		os.WriteFile(path, b[:20], 0o644)
		if _, err := Repair(path, f); !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("%s cut in the header: %v, want ErrCorrupt", f, err)
		}
	}
}

// checkWithTools has ffmpeg decode the file without complaint and, for
// Opus, opusinfo agree with its duration.
func checkWithTools(t *testing.T, path string, info Info) {
	t.Helper()
	if out := run(t, "ffmpeg", "-v", "error", "-i", path, "-f", "null", "-"); out != "" {
		t.Fatalf("ffmpeg complains about %s:\n%s", filepath.Base(path), out)
	}
	if info.Format == Opus {
		if d := opusinfoLength(t, path) - info.Duration; d < -20*time.Millisecond || d > 20*time.Millisecond {
			t.Fatalf("opusinfo length differs from Info.Duration %v by %v", info.Duration, d)
		}
	}
}
