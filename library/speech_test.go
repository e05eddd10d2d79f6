package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/vad"
	ta "github.com/earshot/earshot/internal/testaudio"
)

// commitPCM records mono pcm at testaudio's rate through the real flow.
func commitPCM(t *testing.T, l *Library, title string, format audio.Format, pcm []int16) Recording {
	t.Helper()
	ctx := context.Background()
	p, err := l.BeginRecording(ctx, title, format)
	if err != nil {
		t.Fatal(err)
	}
	ta.WriteFile(t, p.PartPath, format, pcm)
	r, err := l.Commit(ctx, p, audio.Info{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSpeechMapCached(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	pcm := append(ta.Silence(time.Second), ta.Tone(time.Second, 300, 0.3)...)
	pcm = append(pcm, ta.Silence(time.Second)...)
	r := commitPCM(t, l, "tone", audio.FLAC, pcm)

	// Commit's analysis pass made the map: SpeechMap reads it.
	if _, err := os.Stat(l.speechPath(r.ID)); err != nil {
		t.Fatalf("no speech map after commit: %v", err)
	}
	m, err := l.SpeechMap(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Speech) != 1 || (m.Speech[0].Start-time.Second).Abs() > 20*time.Millisecond ||
		(m.Speech[0].End-2*time.Second).Abs() > 20*time.Millisecond {
		t.Fatalf("speech map %+v, want one span 1s–2s", m)
	}

	// The second call reads the cache: a planted map with the right
	// version and hash comes back as it is.
	planted := vad.Map{Duration: m.Duration, Speech: []vad.Span{{Start: 0, End: time.Millisecond}}}
	writeCache(t, l.speechPath(r.ID), speechCache{Version: vad.Version, SHA256: r.SHA256, Map: planted})
	if got, err := l.SpeechMap(ctx, r); err != nil || len(got.Speech) != 1 || got.Speech[0].End != time.Millisecond {
		t.Fatalf("cached map not used: %+v, %v", got, err)
	}
	// A map of other audio or from another detector version is not.
	for _, c := range []speechCache{
		{Version: vad.Version, SHA256: "0" + r.SHA256[1:], Map: planted},
		{Version: vad.Version + 1, SHA256: r.SHA256, Map: planted},
	} {
		writeCache(t, l.speechPath(r.ID), c)
		if got, err := l.SpeechMap(ctx, r); err != nil || len(got.Speech) != 1 || got.Speech[0].End == time.Millisecond {
			t.Fatalf("stale cache %+v used: got %+v, %v", c, got, err)
		}
	}

	if err := l.Purge(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(l.speechPath(r.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("purge left the speech map cache: %v", err)
	}
}

func TestSpeechMapCloudOnly(t *testing.T) {
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "x")
	r.HasAudio = false
	if _, err := l.SpeechMap(context.Background(), r); !errors.Is(err, ErrNoAudio) {
		t.Fatalf("got %v, want ErrNoAudio", err)
	}
}

func writeCache(t *testing.T, path string, c speechCache) {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoudnessAgreesWithFFmpeg(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	pcm := ta.AddNoise(ta.Tone(3*time.Second, 1000, 0.1), 0.0001, 0, 2)
	r := commitPCM(t, l, "tone", audio.WAV, pcm)
	lufs, err := l.Loudness(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	out := ta.Run(t, "ffmpeg", "-nostats", "-hide_banner", "-i", l.AudioPath(r), "-af", "ebur128", "-f", "null", "-")
	var ff float64
	if i := strings.LastIndex(out, "I:"); i < 0 {
		t.Fatalf("no loudness from ffmpeg:\n%s", out)
	} else if _, err := fmt.Sscanf(out[i:], "I: %f LUFS", &ff); err != nil {
		t.Fatal(err)
	}
	if math.Abs(lufs-ff) > 0.1 {
		t.Errorf("loudness %.2f LUFS, ffmpeg says %.2f", lufs, ff)
	}
	if _, err := os.Stat(l.analysisPath(r.ID, loudnessName)); err != nil {
		t.Errorf("the analysis pass stored no loudness: %v", err)
	}
}
