package audio

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// signal is a named test input at a rate and channel count.
type signal struct {
	name     string
	rate, ch int
	pcm      []int16
	minSNR   float64 // Opus's bound for this signal
}

func testSignals(t *testing.T) []signal {
	return []signal{
		{"sine-mono", 48000, 1, sine(48000*2+123, 48000, 1, 440, 0.5), 18},
		{"sine-stereo", 48000, 2, sine(48000*2+77, 48000, 2, 330, 0.4), 15},
		{"speech", 48000, 1, speech48(t), 8},
		{"sine-16k", 16000, 1, sine(16000*2+5, 16000, 1, 440, 0.5), 0}, // Opus output is 48 kHz: no SNR here
	}
}

func TestRoundTrip(t *testing.T) {
	for _, sig := range testSignals(t) {
		for _, f := range Formats {
			t.Run(sig.name+"/"+string(f), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "x"+f.Ext())
				info := encodeFile(t, path, f, sig.rate, sig.ch, sig.pcm)
				frames := int64(len(sig.pcm) / sig.ch)
				wantRate := sig.rate
				if f == Opus {
					frames *= int64(48000 / sig.rate)
					wantRate = 48000
				}
				want := Info{Format: f, SampleRate: wantRate, Channels: sig.ch, Frames: frames, Duration: framesDuration(frames, wantRate)}
				if info != want {
					t.Fatalf("Close: %+v, want %+v", info, want)
				}
				probed, err := Probe(path)
				if err != nil {
					t.Fatal(err)
				}
				if probed != want {
					t.Fatalf("Probe: %+v, want %+v", probed, want)
				}
				_, got := readAll(t, path)
				switch {
				case f != Opus:
					if !equalPCM(got, sig.pcm) {
						t.Fatal("decoded samples differ from the input")
					}
				case sig.rate == 48000:
					if s := snrDB(sig.pcm, got, sig.ch, 8); s < sig.minSNR {
						t.Fatalf("SNR %.1f dB, want >= %.0f", s, sig.minSNR)
					} else {
						t.Logf("SNR %.1f dB", s)
					}
				}
			})
		}
	}
}

// TestExternalTools checks the files against ffprobe/ffmpeg and opusinfo:
// FLAC and WAV decode bit-exact elsewhere, and opusinfo's playback length
// equals Info.Duration.
func TestExternalTools(t *testing.T) {
	pcm := speech48(t)
	for _, ch := range []int{1, 2} {
		in := pcm
		if ch == 2 {
			in = sine(48000*3+11, 48000, 2, 500, 0.3)
		}
		for _, f := range Formats {
			path := filepath.Join(t.TempDir(), fmt.Sprintf("x%d%s", ch, f.Ext()))
			info := encodeFile(t, path, f, 48000, ch, in)
			out := run(t, "ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate", "-of", "compact", path)
			if !regexp.MustCompile(`channels=` + strconv.Itoa(ch)).MatchString(out) {
				t.Fatalf("%s: ffprobe says %q", f, out)
			}
			if f != Opus {
				raw := filepath.Join(t.TempDir(), "raw.wav")
				run(t, "ffmpeg", "-v", "error", "-i", path, "-c:a", "pcm_s16le", raw)
				_, got := readAll(t, raw)
				if !equalPCM(got, in) {
					t.Fatalf("%s: ffmpeg decodes different samples", f)
				}
				continue
			}
			if d := opusinfoLength(t, path) - info.Duration; d < -20*time.Millisecond || d > 20*time.Millisecond {
				t.Fatalf("opusinfo length differs from Info.Duration %v by %v", info.Duration, d)
			}
		}
	}
}

// opusinfoLength returns opusinfo's "Playback length".
func opusinfoLength(t testing.TB, path string) time.Duration {
	t.Helper()
	out := run(t, "opusinfo", path)
	m := regexp.MustCompile(`Playback length: (\d+)m:(\d+)\.(\d+)s`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no playback length in opusinfo output:\n%s", out)
	}
	if regexp.MustCompile(`(?i)warning|error`).MatchString(out) {
		t.Fatalf("opusinfo complains:\n%s", out)
	}
	min, _ := strconv.Atoi(m[1])
	sec, _ := strconv.Atoi(m[2])
	ms, _ := strconv.Atoi(m[3])
	return time.Duration(min)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond
}

func TestSeek(t *testing.T) {
	for _, f := range Formats {
		for _, ch := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%dch", f, ch), func(t *testing.T) {
				n := 48000 * 4
				if f == FLAC {
					n = 48000 * 10 / ch // long enough for the bisection to run
				}
				path := filepath.Join(t.TempDir(), "x"+f.Ext())
				encodeFile(t, path, f, 48000, ch, chirp(n, 48000, ch))
				if st, _ := os.Stat(path); f == FLAC && st.Size() < 300<<10 {
					t.Fatalf("FLAC file of %d bytes is too small to exercise the seek bisection", st.Size())
				}
				info, linear := readAll(t, path)
				d, err := OpenDecoder(path)
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				rng := rand.New(rand.NewPCG(7, uint64(ch)))
				targets := []int64{0, 1, 959, 960, 4095, 4096, info.Frames - 1, info.Frames}
				for i := 0; i < 25; i++ {
					targets = append(targets, rng.Int64N(info.Frames))
				}
				buf := make([]int16, 2000*ch)
				for _, at := range targets {
					pos, err := d.Seek(at, io.SeekStart)
					if err != nil || pos != at {
						t.Fatalf("Seek(%d) = %d, %v", at, pos, err)
					}
					got := readN(t, d, buf)
					want := linear[at*int64(ch) : min(int64(len(linear)), (at+2000)*int64(ch))]
					if len(got) != len(want) {
						t.Fatalf("after Seek(%d): read %d samples, want %d", at, len(got), len(want))
					}
					if len(want) == 0 {
						continue
					}
					// Opus restarts its decoder 80 ms before the target, so
					// samples converge to the linear decode but need not be
					// identical; everything else must be.
					if f == Opus && at > opusPreroll {
						if s := snrDB(want, got, ch, 0); s < 30 {
							t.Fatalf("after Seek(%d): SNR against the linear decode %.1f dB", at, s)
						}
					} else if !equalPCM(got, want) {
						t.Fatalf("after Seek(%d): samples differ from the linear decode", at)
					}
				}
				if pos, err := d.Seek(-10, io.SeekEnd); err != nil || pos != info.Frames-10 {
					t.Fatalf("Seek(-10, end) = %d, %v", pos, err)
				}
				if pos, err := d.Seek(5, io.SeekCurrent); err != nil || pos != info.Frames-5 {
					t.Fatalf("Seek(5, current) = %d, %v", pos, err)
				}
				if _, err := d.Seek(info.Frames+1, io.SeekStart); !errors.Is(err, ErrSeekRange) {
					t.Fatalf("Seek past the end: %v, want ErrSeekRange", err)
				}
			})
		}
	}
}

// readN reads until buf is full or the stream ends.
func readN(t testing.TB, d Decoder, buf []int16) []int16 {
	t.Helper()
	var out []int16
	for len(out) < len(buf) {
		n, err := d.Read(buf[:len(buf)-len(out)])
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}
