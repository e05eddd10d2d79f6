package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testenv"
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
					before, err := os.Stat(path)
					if err != nil {
						t.Fatal(err)
					}
					info, err := Repair(path, f)
					if err != nil {
						t.Fatalf("cut at %d: %v", cut, err)
					}
					checkInPlace(t, path, before)
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

// checkInPlace fails the test unless Repair changed the file at path where
// it is (the same inode as before) and left no temporary file.
func checkInPlace(t *testing.T, path string, before os.FileInfo) {
	t.Helper()
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Fatalf("%s was replaced by a new file, not repaired in place", filepath.Base(path))
	}
	if _, err := os.Stat(path + ".repair"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("temporary file beside %s: %v", filepath.Base(path), err)
	}
}

// fillDisk fills dir's file system and checks that no block is left.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	testenv.FillDisk(t, dir)
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	if st.Bavail != 0 {
		t.Fatalf("the disk still has %d blocks free", st.Bavail)
	}
}

// TestRepairOnFullDisk repairs unfinished recordings with a torn tail on a
// file system that is completely full, as it is when the disk filling up
// stopped the recording: Repair needs no space, and the result is a valid
// file that keeps the synced audio and that ffmpeg (and opusinfo) accept.
func TestRepairOnFullDisk(t *testing.T) {
	dir := testenv.Tmpfs(t, 1<<20)
	pcm := speech48(t)[:48000*2]
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			path := filepath.Join(dir, "rec"+f.Ext()+".part")
			points := recordUnfinished(t, path, f, 1, pcm)
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			// Tear the last page or frame, as a write cut short does.
			if err := os.Truncate(path, st.Size()-37); err != nil {
				t.Fatal(err)
			}
			var synced int64
			for _, p := range points {
				if p.size <= st.Size()-37 {
					synced = p.frames
				}
			}
			fillDisk(t, dir)
			defer os.Remove(filepath.Join(dir, "filler"))
			before, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			info, err := Repair(path, f)
			if err != nil {
				t.Fatalf("Repair on a full disk: %v", err)
			}
			checkInPlace(t, path, before)
			if got, _ := readAll(t, path); got != info {
				t.Fatalf("Repair says %+v, the file holds %+v", info, got)
			}
			if info.Frames < synced-24000 {
				t.Fatalf("kept %d frames, %d were synced", info.Frames, synced)
			}
			checkWithTools(t, path, info)
			os.Remove(path)
		})
	}
}

// TestRepairInterrupted stops Repair after each of its steps, as a crash
// would, and checks that Repair run again gives exactly the file one
// uninterrupted Repair gives. A crash tearing the Ogg page header it
// rewrites may cost that page, no more.
func TestRepairInterrupted(t *testing.T) {
	pcm := speech48(t)[:48000*2]
	cases := []struct {
		name    string
		format  Format
		damage  func(t *testing.T, path string, points []syncPoint)
		patches int // how many patches the plan must hold
		shrinks bool
	}{
		// The header declares more data than is left.
		{"wav", WAV, func(t *testing.T, path string, points []syncPoint) {
			truncate(t, path, points[len(points)-1].size-37)
		}, 2, false},
		{"flac", FLAC, func(t *testing.T, path string, _ []syncPoint) { truncate(t, path, size(t, path)-37) }, 1, false},
		{"opus", Opus, func(t *testing.T, path string, _ []syncPoint) { truncate(t, path, size(t, path)-37) }, 1, false},
		// The last page ends with the start of a packet whose rest was on
		// a page never written: Repair shortens that page.
		{"opus-continued", Opus, func(t *testing.T, path string, _ []syncPoint) { addContinuedPacket(t, path) }, 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			damaged := filepath.Join(dir, "damaged"+c.format.Ext())
			points := recordUnfinished(t, damaged, c.format, 1, pcm)
			c.damage(t, damaged, points)
			plan := planFile(t, damaged, c.format)
			if len(plan.patches) != c.patches || (plan.keep < plan.cut) != c.shrinks {
				t.Fatalf("plan has %d patches and keeps %d of %d bytes cut to %d; want %d patches, shrinking %v",
					len(plan.patches), plan.keep, plan.size, plan.cut, c.patches, c.shrinks)
			}
			oneShot := filepath.Join(dir, "oneshot"+c.format.Ext())
			copyFile(t, damaged, oneShot)
			want, err := Repair(oneShot, c.format)
			if err != nil {
				t.Fatal(err)
			}
			wantBytes, _ := os.ReadFile(oneShot)
			if got, _ := readAll(t, oneShot); got != want {
				t.Fatalf("Repair says %+v, the file holds %+v", want, got)
			}

			// States a crash can leave: cut, then each patch written in turn,
			// then (for a shorter page) the final cut.
			for k := 0; k <= len(plan.patches); k++ {
				if k == len(plan.patches) && !c.shrinks {
					break // all patches written and nothing more to cut: the result itself
				}
				path := filepath.Join(dir, fmt.Sprintf("crash%d%s", k, c.format.Ext()))
				copyFile(t, damaged, path)
				applyPart(t, path, plan, k, false)
				if k == 0 {
					readAll(t, path) // a file only cut short still reads
				}
				info, err := Repair(path, c.format)
				if err != nil {
					t.Fatalf("after a crash with %d patches written: %v", k, err)
				}
				if got, _ := os.ReadFile(path); info != want || !bytes.Equal(got, wantBytes) {
					t.Fatalf("after a crash with %d patches written: %+v, not the %+v of one Repair", k, info, want)
				}
			}
			if c.format == Opus && !c.shrinks {
				path := filepath.Join(dir, "torn"+c.format.Ext())
				copyFile(t, damaged, path)
				applyPart(t, path, plan, 0, true)
				info, err := Repair(path, c.format)
				if err != nil {
					t.Fatalf("after a torn header write: %v", err)
				}
				if got, _ := readAll(t, path); got != info {
					t.Fatalf("after a torn header write: Repair says %+v, the file holds %+v", info, got)
				}
				if info.Frames < want.Frames-24000 {
					t.Fatalf("after a torn header write: kept %d frames of %d", info.Frames, want.Frames)
				}
				checkWithTools(t, path, info)
			}
			checkWithTools(t, oneShot, want)
		})
	}
}

// planFile plans the repair of the file at path.
func planFile(t *testing.T, path string, format Format) repairPlan {
	t.Helper()
	plan, err := planner(format)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := plan(f, size(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// applyPart does what a Repair stopped by a crash did: the first cut and
// the first k patches, then, when torn, the first byte of patch k.
func applyPart(t *testing.T, path string, p repairPlan, k int, torn bool) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(p.cut); err != nil {
		t.Fatal(err)
	}
	for i, pt := range p.patches {
		data := pt.data
		switch {
		case i == k && torn:
			data = data[:1]
		case i >= k:
			return
		}
		if _, err := f.WriteAt(data, pt.off); err != nil {
			t.Fatal(err)
		}
	}
}

// addContinuedPacket makes the last page of an Ogg Opus file end with the
// first 255 bytes of a packet, as a writer that lets packets span pages
// leaves it when the next page is lost.
func addContinuedPacket(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	off, lastOff := 0, -1
	for off < len(b) {
		_, n, err := parseOggPage(b[off:])
		if err != nil {
			t.Fatalf("page at %d: %v", off, err)
		}
		lastOff, off = off, off+n
	}
	p, _, _ := parseOggPage(b[lastOff:])
	start := bytes.Repeat([]byte{0x5a}, 255)
	page := appendOggPage(nil, p.Flags, p.Granule, p.Serial, p.Seq,
		append(append([]byte(nil), p.Segs...), 255), append(append([]byte(nil), p.Body...), start...))
	if err := os.WriteFile(path, append(b[:lastOff:lastOff], page...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func size(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func truncate(t *testing.T, path string, n int64) {
	t.Helper()
	if err := os.Truncate(path, n); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
