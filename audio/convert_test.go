package audio

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// sources makes one file of the same speech in every readable format: the
// 22050 Hz espeak-ng output as WAV (so Opus needs resampling), and FLAC,
// Opus and MP3 versions of the 48 kHz copy; 4 s of it, to keep the
// race-enabled run short.
func sources(t *testing.T) map[Format]string {
	raw, at48 := speechFiles(t)
	dir := t.TempDir()
	src := map[Format]string{WAV: filepath.Join(dir, "s.wav")}
	run(t, "sox", raw, src[WAV], "trim", "0", "4")
	_, pcm := readAll(t, at48)
	pcm = pcm[:48000*4]
	src[FLAC] = filepath.Join(dir, "s.flac")
	encodeFile(t, src[FLAC], FLAC, 48000, 1, pcm)
	src[Opus] = filepath.Join(dir, "s.opus")
	encodeFile(t, src[Opus], Opus, 48000, 1, pcm)
	src[MP3] = filepath.Join(dir, "s.mp3")
	run(t, "ffmpeg", "-v", "error", "-i", at48, "-t", "4", "-b:a", "64k", src[MP3])
	return src
}

func TestConvertEachToEach(t *testing.T) {
	src := sources(t)
	for from, path := range src {
		in, err := Probe(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range Formats {
			t.Run(string(from)+"-to-"+string(to), func(t *testing.T) {
				dst := filepath.Join(t.TempDir(), "out"+to.Ext())
				var lastDone, lastTotal int64
				info, err := Convert(context.Background(), path, dst, to, func(done, total int64) { lastDone, lastTotal = done, total })
				if err != nil {
					t.Fatal(err)
				}
				if lastDone != lastTotal || lastTotal != in.Frames {
					t.Fatalf("progress ended at %d/%d, source has %d frames", lastDone, lastTotal, in.Frames)
				}
				probed, err := Probe(dst)
				if err != nil {
					t.Fatal(err)
				}
				if probed != info {
					t.Fatalf("Probe %+v, Convert said %+v", probed, info)
				}
				if d := info.Duration - in.Duration; d < -time.Millisecond || d > time.Millisecond {
					t.Fatalf("duration %v, source %v", info.Duration, in.Duration)
				}
				if _, err := os.Stat(dst + ".tmp"); !os.IsNotExist(err) {
					t.Fatalf("temporary file left: %v", err)
				}
				if from == FLAC && to == WAV || from == WAV && to == FLAC {
					_, a := readAll(t, path)
					_, b := readAll(t, dst)
					if !equalPCM(a, b) {
						t.Fatal("lossless conversion changed samples")
					}
				}
				checkWithTools(t, dst, info)
			})
		}
	}
}

// TestConvertResamples: 44.1 kHz to Opus goes through the resampler; a
// tone comes out at the same pitch and level.
func TestConvertResamples(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "tone.wav")
	encodeFile(t, src, WAV, 44100, 1, sine(44100*2, 44100, 1, 1000, 0.5))
	dst := filepath.Join(dir, "tone.opus")
	info, err := Convert(context.Background(), src, dst, Opus, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != 96000 {
		t.Fatalf("%d frames at 48 kHz, want 96000", info.Frames)
	}
	_, got := readAll(t, dst)
	if s := snrDB(sine(96000, 48000, 1, 1000, 0.5)[4800:91200], got[4800:91200], 1, 8); s < 15 {
		t.Fatalf("1 kHz tone after resampling and Opus: SNR %.1f dB", s)
	}
}

// TestResamplerQuality measures the resampler alone: a 1 kHz tone from
// 44.1 kHz to 48 kHz, fed in odd-sized pieces, matches the ideal tone.
func TestResamplerQuality(t *testing.T) {
	for _, rates := range [][2]int{{44100, 48000}, {22050, 48000}, {96000, 48000}, {32000, 48000}} {
		in := sine(rates[0], rates[0], 1, 1000, 0.5)
		r := newResampler(rates[0], rates[1], 1)
		var out []int16
		for i := 0; i < len(in); i += 777 {
			out = r.process(out, in[i:min(i+777, len(in))], false)
		}
		out = r.process(out, nil, true)
		if len(out) != rates[1] {
			t.Fatalf("%v: %d samples out, want %d", rates, len(out), rates[1])
		}
		want := sine(rates[1], rates[1], 1, 1000, 0.5)
		if s := snrDB(want[1000:len(want)-1000], out[1000:len(out)-1000], 1, 0); s < 60 {
			t.Fatalf("%v: SNR %.1f dB, want >= 60", rates, s)
		}
	}
}

// TestResamplerTapTables: the precomputed weights per output phase give
// exactly the samples the kernel evaluated tap by tap gives, up and down,
// mono and stereo, fed in odd-sized pieces.
func TestResamplerTapTables(t *testing.T) {
	for _, c := range [][3]int{{44100, 48000, 1}, {48000, 44100, 2}, {16000, 48000, 1}, {48000, 16000, 1}, {22050, 48000, 2}} {
		in := sine(c[0]/2+13, c[0], c[2], 440, 0.4)
		fast, slow := newResampler(c[0], c[1], c[2]), newResampler(c[0], c[1], c[2])
		if fast.taps == nil {
			t.Fatalf("%v: no tap tables", c)
		}
		slow.taps = nil
		var a, b []int16
		for i := 0; i < len(in); i += 777 * c[2] {
			piece := in[i:min(i+777*c[2], len(in))]
			a, b = fast.process(a, piece, false), slow.process(b, piece, false)
		}
		a, b = fast.process(a, nil, true), slow.process(b, nil, true)
		if !slices.Equal(a, b) || len(a) == 0 {
			t.Errorf("%v: %d samples with tap tables, %d without, not the same", c, len(a), len(b))
		}
	}
}

func TestConvertCancel(t *testing.T) {
	_, at48 := speechFiles(t)
	dst := filepath.Join(t.TempDir(), "out.flac")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Convert(ctx, at48, dst, FLAC, func(done, total int64) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	for _, p := range []string{dst, dst + ".tmp"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Fatalf("%s exists after cancel", filepath.Base(p))
		}
	}
}

// TestUnreadableInputs: what a user may try to import gets one clear line.
func TestUnreadableInputs(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.wav")
	encodeFile(t, good, WAV, 48000, 1, sine(4800, 48000, 1, 440, 0.5))
	goodBytes, _ := os.ReadFile(good)
	flacPath := filepath.Join(dir, "good.flac")
	encodeFile(t, flacPath, FLAC, 48000, 1, sine(4800, 48000, 1, 440, 0.5))
	flacBytes, _ := os.ReadFile(flacPath)
	vorbis := appendOggPage(nil, oggFlagBOS, 0, 1, 0, []byte{30}, append([]byte("\x01vorbis"), make([]byte, 23)...))
	cases := map[string][]byte{
		"empty.wav":    nil,
		"notes.txt":    []byte("shopping list: milk, eggs\n"),
		"random.bin":   []byte{0x13, 0x37, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
		"cut.wav":      goodBytes[:30],
		"nofmt.wav":    []byte("RIFF\x24\x00\x00\x00WAVEdata\x00\x00\x00\x00"),
		"vorbis.ogg":   vorbis,
		"cut.flac":     flacBytes[:20],
		"float16.wav":  append(append([]byte(nil), goodBytes[:20]...), append([]byte{3, 0}, goodBytes[22:]...)...),
		"garbage.opus": append([]byte("OggS"), make([]byte, 60)...),
	}
	for name, b := range cases {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		_, err := Convert(context.Background(), p, filepath.Join(dir, "out.opus"), Opus, nil)
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v, want ErrUnsupported", name, err)
			continue
		}
		msg := err.Error()
		if !regexpMatch(`not an audio file Earshot can read: .*; supported: WAV, FLAC, Ogg Opus, MP3$`, msg) || regexpMatch(`\n`, msg) {
			t.Errorf("%s: unclear error %q", name, msg)
		}
		t.Logf("%s: %s", name, msg)
	}
}

func TestMeter(t *testing.T) {
	square := make([]int16, 1000)
	for i := range square {
		square[i] = 32767
		if i%2 == 1 {
			square[i] = -32768
		}
	}
	cases := []struct {
		name      string
		pcm       []int16
		peak, rms float64
		clipped   bool
	}{
		{"silence", make([]int16, 480), SilenceDB, SilenceDB, false},
		{"empty", nil, SilenceDB, SilenceDB, false},
		{"full-square", square, 0, 0, true},
		{"half-sine", sine(48000, 48000, 1, 1000, 0.5), -6.02, -9.03, false},
		{"stereo", sine(4800, 48000, 2, 1000, 0.25), -12.04, -15.05, false},
	}
	for _, c := range cases {
		l := Meter(c.pcm)
		if math.Abs(l.Peak-c.peak) > 0.05 || math.Abs(l.RMS-c.rms) > 0.05 || l.Clipped != c.clipped {
			t.Errorf("%s: %+v, want peak %.2f rms %.2f clipped %v", c.name, l, c.peak, c.rms, c.clipped)
		}
	}
}

func TestSniff(t *testing.T) {
	opusHead := appendOggPage(nil, oggFlagBOS, 0, 1, 0, []byte{19}, []byte("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"))
	cases := []struct {
		head []byte
		want Format
	}{
		{[]byte("RIFF\x24\x00\x00\x00WAVEfmt "), WAV},
		{[]byte("fLaC\x00\x00\x00\x22"), FLAC},
		{opusHead, Opus},
		{[]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), MP3},
		{[]byte{0xFF, 0xFB, 0x90, 0x64}, MP3}, // MPEG-1 layer III, 128 kb/s, 44.1 kHz
		{[]byte{0xFF, 0xF1, 0x50, 0x80}, ""},  // AAC (ADTS)
		{[]byte("RIFF\x24\x00\x00\x00AVI LIST"), ""},
		{[]byte("%PDF-1.7"), ""},
		{nil, ""},
	}
	for _, c := range cases {
		got, err := Sniff(c.head)
		if got != c.want || (c.want == "") != errors.Is(err, ErrUnsupported) {
			t.Errorf("Sniff(%q) = %q, %v; want %q", c.head, got, err, c.want)
		}
	}
}
