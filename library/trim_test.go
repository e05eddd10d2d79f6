package library

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	ta "github.com/earshot/earshot/internal/testaudio"
)

// TestTrimIsSampleExactAgainstSox trims WAV and FLAC recordings and compares
// the new recordings' samples with `sox trim` of the same file.
func TestTrimIsSampleExactAgainstSox(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	pcm := ta.AddNoise(ta.Tone(3*time.Second, 440, 0.4), 0.001, 0, 9) // no two samples alike
	from, to := 1234567*time.Microsecond, 2345678*time.Microsecond
	for _, f := range []audio.Format{audio.WAV, audio.FLAC} {
		t.Run(string(f), func(t *testing.T) {
			r := commitPCM(t, l, "take "+string(f), f, pcm)
			nr, err := l.Trim(ctx, r.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			ref := filepath.Join(t.TempDir(), "sox"+f.Ext())
			a, b := frameAt(from, ta.Rate), frameAt(to, ta.Rate)
			ta.Run(t, "sox", l.AudioPath(r), ref, "trim", fmt.Sprintf("%ds", a), fmt.Sprintf("%ds", b-a))
			got, want := ta.ReadFile(t, l.AudioPath(nr)), ta.ReadFile(t, ref)
			if !slices.Equal(got, want) {
				t.Fatalf("trimmed %s: %d samples, sox trim %d; first difference at %d", f, len(got), len(want), firstDiff(got, want))
			}
			if nr.Title != "take "+string(f)+" (trimmed)" || nr.Format != f || (nr.Duration-ta.Duration(int(b-a))).Abs() > time.Millisecond {
				t.Errorf("new recording %+v", nr)
			}
		})
	}
}

// TestTrimOpusPlaysTheKeptSpan trims an Opus recording of two tones and
// checks with opusinfo and ffmpeg that the new file holds the kept span.
func TestTrimOpusPlaysTheKeptSpan(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	pcm := append(ta.Tone(2*time.Second, 500, 0.4), ta.Tone(2*time.Second, 1500, 0.4)...)
	r := commitPCM(t, l, "tones", audio.Opus, pcm)
	nr, err := l.Trim(ctx, r.ID, 1500*time.Millisecond, 3200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	path := l.AudioPath(nr)
	info := ta.Run(t, "opusinfo", path)
	if !strings.Contains(info, "Playback length: 0m:01.700s") {
		t.Errorf("opusinfo does not give 1.700 s:\n%s", info)
	}
	// ffmpeg's decode: 0.5 s of 500 Hz, then 1.2 s of 1500 Hz.
	raw := filepath.Join(t.TempDir(), "ff.wav")
	ta.Run(t, "ffmpeg", "-v", "error", "-i", path, "-ar", "48000", "-ac", "1", raw)
	got := ta.ReadFile(t, raw)
	if d := ta.Duration(len(got)); (d - 1700*time.Millisecond).Abs() > 20*time.Millisecond {
		t.Errorf("ffmpeg decodes %v, want 1.7 s ± one packet", d)
	}
	half := ta.Frames(250 * time.Millisecond)
	if f := ta.ToneFreq(got[:half]); f < 490 || f > 510 {
		t.Errorf("start of the trim is %.0f Hz, want the 500 Hz part", f)
	}
	if f := ta.ToneFreq(got[len(got)-2*half:]); f < 1480 || f > 1520 {
		t.Errorf("end of the trim is %.0f Hz, want the 1500 Hz part", f)
	}
}

// TestTrimCarriesBookmarksTranscriptAndTags shifts what lies in the kept
// part to its new start and leaves the rest behind.
func TestTrimCarriesBookmarksTranscriptAndTags(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := commitPCM(t, l, "meeting", audio.FLAC, ta.Tone(10*time.Second, 300, 0.3))
	for _, m := range []struct {
		at   time.Duration
		name string
	}{{time.Second, "before"}, {3 * time.Second, "decision"}, {7500 * time.Millisecond, ""}, {9 * time.Second, "after"}} {
		if _, err := l.AddBookmark(ctx, r.ID, m.at, m.name); err != nil {
			t.Fatal(err)
		}
	}
	w := func(s, e int64, text string) api.Word { return api.Word{StartMS: s, EndMS: e, Text: text} }
	tr := api.Transcript{Engine: "pocketsphinx", Model: "en-us", Language: "en-US", CreatedAt: time.Now().UTC().Truncate(time.Millisecond),
		Segments: []api.Segment{
			{StartMS: 500, EndMS: 1500, Text: "gone before", Words: []api.Word{w(500, 900, "gone"), w(1000, 1500, "before")}},
			{StartMS: 1800, EndMS: 2600, Text: "cut in half", Words: []api.Word{w(1800, 2100, "cut"), w(2150, 2300, "in"), w(2300, 2600, "half")}},
			{StartMS: 3000, EndMS: 4000, Text: "kept whole", Words: []api.Word{w(3000, 3400, "kept"), w(3500, 4000, "whole")}},
			{StartMS: 8500, EndMS: 9500, Text: "gone after"},
		}}
	if err := l.SaveTranscript(ctx, r.ID, tr, false); err != nil {
		t.Fatal(err)
	}
	if err := l.SetTags(ctx, r.ID, []string{"work"}); err != nil {
		t.Fatal(err)
	}
	if err := l.SetFavorite(ctx, r.ID, true); err != nil {
		t.Fatal(err)
	}

	nr, err := l.Trim(ctx, r.ID, 2*time.Second, 8*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	marks, err := l.Bookmarks(ctx, nr.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range marks {
		got = append(got, strconv.FormatInt(m.AtMS, 10)+" "+m.Name)
	}
	if want := []string{"1000 decision", "5500 "}; !slices.Equal(got, want) {
		t.Errorf("bookmarks of the trimmed recording %q, want %q", got, want)
	}
	ti, err := l.Transcript(ctx, nr.ID)
	if err != nil || !ti.Has {
		t.Fatalf("transcript of the trimmed recording: %+v, %v", ti, err)
	}
	got = nil
	for _, s := range ti.Transcript.Segments {
		got = append(got, fmt.Sprintf("%d-%d %s", s.StartMS, s.EndMS, s.Text))
	}
	if want := []string{"150-600 in half", "1000-2000 kept whole"}; !slices.Equal(got, want) {
		t.Errorf("segments %q, want %q", got, want)
	}
	if nr.Duration != 6*time.Second || !slices.Equal(nr.Tags, []string{"work"}) || !nr.Favorite {
		t.Errorf("trimmed recording %+v", nr)
	}
	// The original is untouched: library.Trim leaves the trash to its caller.
	if o, err := l.Get(ctx, r.ID); err != nil || o.TrashedAt != nil || o.Duration != 10*time.Second {
		t.Errorf("original after trim: %+v, %v", o, err)
	}
	// Trimming the trimmed one does not stack the suffix.
	nr2, err := l.Trim(ctx, nr.ID, 0, time.Second)
	if err != nil || nr2.Title != "meeting (trimmed)" {
		t.Errorf("second trim: %q, %v", nr2.Title, err)
	}
}

func TestTrimRefusesBadSpansAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := commitPCM(t, l, "short", audio.WAV, ta.Tone(2*time.Second, 300, 0.3))
	for _, c := range []struct {
		from, to time.Duration
		msg      string
	}{
		{0, 3 * time.Second, `the part to keep ends at 0:03, past the end of "short" (0:02 long); give times within it`},
		{2 * time.Second, 3 * time.Second, `the part to keep starts at 0:02, past the end of "short" (0:02 long)`},
		{-time.Second, time.Second, "times cannot be negative"},
		{time.Second, time.Second + 99*time.Millisecond, "the part to keep is only 99 ms long; keep at least 0.1 s"},
		{time.Second, time.Second, "nothing to keep from 0:01 to 0:01; the end must come after the start"},
		{1500 * time.Millisecond, 500 * time.Millisecond, "the end must come after the start"},
	} {
		_, err := l.Trim(ctx, r.ID, c.from, c.to)
		if !errors.Is(err, audio.ErrTrimRange) || !strings.Contains(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("trim %v–%v: %v, want one line with %q", c.from, c.to, err, c.msg)
		}
	}
	all, err := l.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || len(incomingEntries(t, l)) != 0 {
		t.Errorf("after refused trims: %d recordings, incoming %v", len(all), incomingEntries(t, l))
	}
}

func firstDiff(a, b []int16) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestExportEnhancedLeavesTheRecording writes an enhanced copy and checks
// the stored audio is the same file as before.
func TestExportEnhancedLeavesTheRecording(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	pcm := ta.AddNoise(ta.Tone(2*time.Second, 300, 0.05), 0.001, 0, 4)
	r := commitPCM(t, l, "noisy", audio.Opus, pcm)
	dst := filepath.Join(t.TempDir(), "clear.flac")
	path, err := l.ExportEnhanced(ctx, r.ID, dst, nil)
	if err != nil || path != dst {
		t.Fatalf("export enhanced: %q, %v", path, err)
	}
	if info, err := audio.Probe(dst); err != nil || info.Format != audio.FLAC || (info.Duration-2*time.Second).Abs() > 10*time.Millisecond {
		t.Fatalf("enhanced copy %+v, %v", info, err)
	}
	after, err := l.Get(ctx, r.ID)
	if err != nil || after.SHA256 != r.SHA256 {
		t.Fatalf("the recording changed: %v", err)
	}
	if _, h, err := hashFile(l.AudioPath(r)); err != nil || h != r.SHA256 {
		t.Fatalf("stored audio hash %s, want %s (%v)", h, r.SHA256, err)
	}
}
