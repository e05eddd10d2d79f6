package stretch

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ta "github.com/earshot/earshot/internal/testaudio"
)

// run stretches interleaved pcm at speed, writing in pieces of in frames
// and reading into a buffer of out frames, then flushes and reads the rest.
func run(t *testing.T, pcm []int16, ch int, speed float64, in, out int) []int16 {
	t.Helper()
	st, err := New(ta.Rate, ch, speed)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	buf := make([]int16, out*ch)
	var got []int16
	drain := func() {
		for {
			n := st.Read(buf)
			if n == 0 {
				return
			}
			if n%ch != 0 {
				t.Fatalf("read %d samples: not whole frames of %d channels", n, ch)
			}
			got = append(got, buf[:n]...)
		}
	}
	for i := 0; i < len(pcm); i += in * ch {
		if err := st.Write(pcm[i:min(i+in*ch, len(pcm))]); err != nil {
			t.Fatal(err)
		}
		drain()
	}
	st.Flush()
	drain()
	return got
}

var (
	flatOnce sync.Once
	flat     []int16
)

// flatSpeech is monotone espeak-ng speech (one steady pitch, so a pitch
// change would show), about 3 s.
func flatSpeech(t *testing.T) []int16 {
	t.Helper()
	flatOnce.Do(func() { flat = ta.FlatSpeech(t, "we will finish the report before lunch on friday") })
	if flat == nil {
		t.Fatal("no speech (see the first failure)")
	}
	return flat
}

// TestSpeedsKeepLengthAndPitch stretches a 1 kHz tone and flat speech at
// each speed from 0.5× to 3×: the output lasts 1/speed of the input
// within 1 % (all of it, after Flush, and the speech's audible span), and
// the tone's frequency and the voice's pitch stay within 1 %.
func TestSpeedsKeepLengthAndPitch(t *testing.T) {
	tone := ta.Tone(3*time.Second, 1000, 0.5)
	speech := flatSpeech(t)
	wantPitch := ta.Pitch(speech)
	for _, speed := range []float64{0.5, 0.75, 1.25, 1.5, 2, 2.5, 3} {
		out := run(t, tone, 1, speed, 4096, 4096)
		if want := float64(len(tone)) / speed; !within(float64(len(out)), want, 0.01) {
			t.Errorf("tone at %g×: %d frames, want %.0f ± 1 %%", speed, len(out), want)
		}
		if f := ta.ToneFreq(out); !within(f, 1000, 0.01) {
			t.Errorf("tone at %g×: %.1f Hz, want 1000 ± 1 %%", speed, f)
		}
		out = run(t, speech, 1, speed, 4096, 4096)
		if want := float64(len(speech)) / speed; !within(float64(len(out)), want, 0.01) {
			t.Errorf("speech at %g×: %d frames, want %.0f ± 1 %%", speed, len(out), want)
		}
		if got, want := ta.Span(out), time.Duration(float64(ta.Span(speech))/speed); !within(float64(got), float64(want), 0.01) {
			t.Errorf("speech at %g×: heard for %v, want %v ± 1 %%", speed, got, want)
		}
		if p := ta.Pitch(out); !within(p, wantPitch, 0.01) {
			t.Errorf("speech at %g×: pitch %.1f Hz, want %.1f ± 1 %%", speed, p, wantPitch)
		}
	}
}

// TestFlushGivesTheEnd: without Flush the stretcher keeps the last part of
// a short input back (it needs more to overlap with); after it, all of it
// comes out.
func TestFlushGivesTheEnd(t *testing.T) {
	tone := ta.Tone(300*time.Millisecond, 440, 0.5)
	st, err := New(ta.Rate, 1, 1.5)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Write(tone); err != nil {
		t.Fatal(err)
	}
	buf := make([]int16, len(tone))
	before := 0
	for n := st.Read(buf[before:]); n > 0; n = st.Read(buf[before:]) {
		before += n
	}
	want := float64(len(tone)) / 1.5
	if float64(before) > 0.99*want {
		t.Errorf("%d of %.0f frames out before Flush: nothing held back", before, want)
	}
	st.Flush()
	after := before
	for n := st.Read(buf[after:]); n > 0; n = st.Read(buf[after:]) {
		after += n
	}
	if !within(float64(after), want, 0.01) {
		t.Errorf("%d frames out after Flush, want %.0f ± 1 %%", after, want)
	}
}

// TestPieceSizesDoNotMatter: one frame at a time in and out gives the same
// samples as large pieces, and a buffer shorter than a frame reads nothing.
func TestPieceSizesDoNotMatter(t *testing.T) {
	speech := flatSpeech(t)[:ta.Rate]
	big := run(t, speech, 1, 2, 8192, 8192)
	tiny := run(t, speech, 1, 2, 1, 1)
	if !slices.Equal(big, tiny) {
		t.Errorf("one frame at a time: %d frames, differing from large pieces' %d", len(tiny), len(big))
	}
	st, err := New(ta.Rate, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Write(make([]int16, 1)); err != nil { // half a stereo frame: ignored
		t.Fatal(err)
	}
	if err := st.Write(ta.Tone(time.Second, 440, 0.3)); err != nil {
		t.Fatal(err)
	}
	st.Flush()
	if n := st.Read(make([]int16, 1)); n != 0 {
		t.Errorf("read %d samples into a buffer shorter than a stereo frame", n)
	}
	if n := st.Read(nil); n != 0 {
		t.Errorf("read %d samples into no buffer", n)
	}
}

// TestSilenceStaysSilent: digital silence in, digital silence out, as long
// as it should be.
func TestSilenceStaysSilent(t *testing.T) {
	for _, speed := range []float64{0.5, 2, 3} {
		out := run(t, make([]int16, 2*ta.Rate), 1, speed, 1000, 777)
		if want := float64(2*ta.Rate) / speed; !within(float64(len(out)), want, 0.01) {
			t.Errorf("silence at %g×: %d frames, want %.0f", speed, len(out), want)
		}
		if i := slices.IndexFunc(out, func(v int16) bool { return v != 0 }); i >= 0 {
			t.Errorf("silence at %g×: sample %d is %d", speed, i, out[i])
		}
	}
}

// TestStereoKeepsChannelsApart stretches 500 Hz on the left and 1500 Hz on
// the right: each channel keeps its own frequency, and the length is right.
func TestStereoKeepsChannelsApart(t *testing.T) {
	l, r := ta.Tone(2*time.Second, 500, 0.4), ta.Tone(2*time.Second, 1500, 0.4)
	pcm := make([]int16, 0, 2*len(l))
	for i := range l {
		pcm = append(pcm, l[i], r[i])
	}
	for _, speed := range []float64{0.5, 1.5, 3} {
		out := run(t, pcm, 2, speed, 999, 1234)
		var gotL, gotR []int16
		for i := 0; i+1 < len(out); i += 2 {
			gotL, gotR = append(gotL, out[i]), append(gotR, out[i+1])
		}
		if want := float64(len(l)) / speed; !within(float64(len(gotL)), want, 0.01) {
			t.Errorf("stereo at %g×: %d frames, want %.0f ± 1 %%", speed, len(gotL), want)
		}
		if f := ta.ToneFreq(gotL); !within(f, 500, 0.01) {
			t.Errorf("stereo at %g×: left %.1f Hz, want 500", speed, f)
		}
		if f := ta.ToneFreq(gotR); !within(f, 1500, 0.01) {
			t.Errorf("stereo at %g×: right %.1f Hz, want 1500", speed, f)
		}
	}
}

// TestOutOfRangeRefused: speeds outside 0.5–3 (and not numbers) are refused
// with one plain line naming the value; the ends of the range are allowed.
func TestOutOfRangeRefused(t *testing.T) {
	for _, x := range []float64{0, -1, 0.49, 3.01, 10, math.NaN(), math.Inf(1), math.Inf(-1)} {
		st, err := New(ta.Rate, 1, x)
		if err == nil {
			st.Close()
			t.Errorf("speed %g was accepted", x)
			continue
		}
		if !errors.Is(err, ErrSpeed) || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "speed must be between 0.5 and 3") {
			t.Errorf("speed %g: %q, want ErrSpeed in one line", x, err)
		}
	}
	for _, x := range []float64{MinSpeed, 1, MaxSpeed} {
		if err := CheckSpeed(x); err != nil {
			t.Errorf("speed %g refused: %v", x, err)
		}
	}
	for _, c := range [][2]int{{0, 1}, {ta.Rate, 0}, {-1, 2}} {
		if st, err := New(c[0], c[1], 1.5); err == nil {
			st.Close()
			t.Errorf("%d Hz, %d channels accepted", c[0], c[1])
		}
	}
}

func within(got, want, frac float64) bool { return math.Abs(got-want) <= frac*math.Abs(want) }

// BenchmarkStretch2x measures the time-stretch alone on 60 s of noisy tone at 2×.
func BenchmarkStretch2x(b *testing.B) {
	pcm := ta.AddNoise(ta.Tone(60*time.Second, 200, 0.3), 0.001, 0, 1)
	out := make([]int16, 16384)
	for b.Loop() {
		st, err := New(ta.Rate, 1, 2)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(pcm); i += 8192 {
			if err := st.Write(pcm[i:min(i+8192, len(pcm))]); err != nil {
				b.Fatal(err)
			}
			for st.Read(out) > 0 {
			}
		}
		st.Close()
	}
}
