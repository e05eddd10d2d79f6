package testaudio

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Span is how long pcm lasts from its first to its last sample beyond
// ±300 (-40 dBFS), less every run of exact zeros of 5 ms or more inside:
// a busy sound server fills an underrun with zeros, and those are not the
// audio's own length.
func Span(pcm []int16) time.Duration {
	first, last := -1, -1
	for i, v := range pcm {
		if v > 300 || v < -300 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0
	}
	n, zeros := last-first, 0
	for _, v := range pcm[first:last] {
		if v == 0 {
			zeros++
			continue
		}
		if zeros >= Rate/200 {
			n -= zeros
		}
		zeros = 0
	}
	return Duration(n)
}

// ToneFreq estimates the frequency of a sine in pcm: the median over
// 100 ms blocks of the rate of rising zero crossings, each located between
// samples, so one block's glitch cannot move it.
func ToneFreq(pcm []int16) float64 {
	const block = Rate / 10
	var est []float64
	for i := 0; i+block <= len(pcm); i += block {
		b := pcm[i : i+block]
		var first, last float64
		n := -1
		for j := 1; j < len(b); j++ {
			if b[j-1] < 0 && b[j] >= 0 {
				x := float64(j-1) + float64(-b[j-1])/float64(int(b[j])-int(b[j-1]))
				if n < 0 {
					first = x
				}
				last = x
				n++
			}
		}
		if n > 2 {
			est = append(est, float64(n)*Rate/(last-first))
		}
	}
	return median(est)
}

// Pitch estimates a voice's fundamental frequency: the median over voiced
// 40 ms frames every 10 ms (level within 20 dB of the loudest) of the autocorrelation
// peak between 70 and 400 Hz, refined by parabolic interpolation.
func Pitch(pcm []int16) float64 {
	const frame = Rate / 25
	minLag, maxLag := Rate/400, Rate/70
	var peak float64
	for i := 0; i+frame <= len(pcm); i += frame {
		peak = max(peak, Power(pcm[i:i+frame]))
	}
	var est []float64
	x := make([]float64, frame+maxLag+2)
	for i := 0; i+len(x) <= len(pcm); i += frame / 4 {
		if Power(pcm[i:i+frame]) < peak/100 {
			continue
		}
		for j := range x {
			x[j] = float64(pcm[i+j])
		}
		ac := make([]float64, maxLag+2)
		for lag := minLag - 1; lag <= maxLag+1; lag++ {
			var s, e0, e1 float64
			for j := 0; j < frame; j++ {
				s += x[j] * x[j+lag]
				e0 += x[j] * x[j]
				e1 += x[j+lag] * x[j+lag]
			}
			ac[lag] = s / math.Sqrt(e0*e1+1)
		}
		best := minLag
		for lag := minLag; lag <= maxLag; lag++ {
			if ac[lag] > ac[best] {
				best = lag
			}
		}
		if ac[best] < 0.6 {
			continue // not clearly voiced
		}
		a, b, c := ac[best-1], ac[best], ac[best+1]
		shift := 0.0
		if d := a - 2*b + c; d != 0 {
			shift = 0.5 * (a - c) / d
		}
		est = append(est, Rate/(float64(best)+shift))
	}
	return median(est)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}

var ffmpegI = regexp.MustCompile(`(?s)Summary:.*?I:\s+(-?[0-9.]+) LUFS`)

// Loudness is the integrated loudness (LUFS) of the audio file at path by
// ffmpeg's ebur128 filter: the reference enhanced audio is judged by.
func Loudness(t testing.TB, path string) float64 {
	t.Helper()
	out := Run(t, "ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af", "ebur128", "-f", "null", "-")
	m := ffmpegI.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no integrated loudness in ffmpeg's output:\n%s", out)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
