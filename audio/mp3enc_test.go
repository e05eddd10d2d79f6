package audio

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// toneShare is the share of x's energy at freq Hz (Goertzel over the whole
// signal against its total energy): near 1 for a clean tone.
func toneShare(x []float64, rate int, freq float64) float64 {
	w := 2 * math.Pi * freq / float64(rate)
	c := 2 * math.Cos(w)
	var s1, s2, total float64
	for _, v := range x {
		s1, s2 = v+c*s1-s2, s1
		total += v * v
	}
	power := s1*s1 + s2*s2 - c*s1*s2
	return 2 * power / float64(len(x)) / total
}

// ffmpegMono decodes path with ffmpeg (the reference decoder) to mono
// samples at rate.
func ffmpegMono(t *testing.T, path string, rate int) []float64 {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "out.raw")
	run(t, "ffmpeg", "-v", "error", "-i", path, "-ac", "1", "-ar", strconv.Itoa(rate), "-f", "s16le", raw)
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, len(b)/2)
	for i := range x {
		x[i] = float64(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	return x
}

// TestMP3Export: libmp3lame's MP3 plays back in ffmpeg at the true length
// (the LAME tag carries the encoder delay and padding) with the tone
// intact, mono and stereo, at 48 and 44.1 kHz; Earshot's own decoder reads
// it too.
func TestMP3Export(t *testing.T) {
	for _, c := range []struct{ rate, ch int }{{48000, 1}, {44100, 2}, {16000, 1}} {
		path := filepath.Join(t.TempDir(), "tone.mp3")
		info := encodeFile(t, path, MP3, c.rate, c.ch, sine(2*c.rate, c.rate, c.ch, 1000, 0.5))
		if info.Format != MP3 || info.Frames != int64(2*c.rate) || info.Duration != 2*time.Second {
			t.Fatalf("%d Hz × %d: Close said %+v", c.rate, c.ch, info)
		}
		probe := run(t, "ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate:format=duration", "-of", "default=nw=1", path)
		if !strings.Contains(probe, "codec_name=mp3") || !strings.Contains(probe, "channels="+strconv.Itoa(c.ch)) {
			t.Fatalf("ffprobe: %s", probe)
		}
		x := ffmpegMono(t, path, c.rate)
		if d := math.Abs(float64(len(x)-2*c.rate)) / float64(c.rate); d > 0.005 {
			t.Fatalf("%d Hz × %d: ffmpeg decodes %d samples, want %d (the LAME tag's gapless length)", c.rate, c.ch, len(x), 2*c.rate)
		}
		// sine puts 1 kHz in the left channel and 1.25 kHz in the right.
		share := toneShare(x[c.rate/10:], c.rate, 1000)
		if c.ch == 2 {
			share += toneShare(x[c.rate/10:], c.rate, 1250)
		}
		if share < 0.9 {
			t.Fatalf("%d Hz × %d: the tones hold %.2f of the energy, want ≥ 0.9", c.rate, c.ch, share)
		}
		d, err := OpenDecoder(path)
		if err != nil {
			t.Fatalf("Earshot's decoder: %v", err)
		}
		// go-mp3 ignores the LAME tag: it adds the tag frame, the encoder
		// delay and padding (under three frames of 1152 samples).
		if got, most := d.Info().Duration, 2*time.Second+3*1152*time.Second/time.Duration(c.rate); got < 2*time.Second || got > most {
			t.Fatalf("Earshot's decoder: %v long, want 2 s to %v", got, most)
		}
		d.Close()
	}
}

var exportFormatTests = []struct {
	in   string
	want Format
	ok   bool
}{
	{".mp3", MP3, true},
	{"MP3", MP3, true},
	{".ogg", Opus, true},
	{".flac", FLAC, true},
	{"wav", WAV, true},
	{".m4a", "", false},
	{"", "", false},
}

func TestParseExportFormat(t *testing.T) {
	for _, tt := range exportFormatTests {
		f, err := ParseExportFormat(tt.in)
		if f != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseExportFormat(%q) = %q, %v; want %q, ok %v", tt.in, f, err, tt.want, tt.ok)
		}
	}
	if _, err := ParseFormat("mp3"); err == nil {
		t.Error("ParseFormat accepts mp3: Earshot never records in MP3")
	}
}
