package audio

import "math"

// resampler converts interleaved audio between sample rates with a
// windowed-sinc (Kaiser) interpolator evaluated from a finely sampled
// table: band-limited, linear phase, no delay (it looks ahead instead).
type resampler struct {
	in, out int // rates
	ch      int
	fc      float64 // cut-off relative to the input's Nyquist
	half    int     // input samples of support on each side
	hist    [][]float32
	histAt  int64 // input index of hist[c][0]
	inTotal int64 // input frames received
	k       int64 // next output frame
}

const (
	rsZeros = 16  // zero crossings of the sinc on each side
	rsRes   = 512 // table points per zero crossing
	rsBeta  = 8.6 // Kaiser window: about 90 dB stop band
)

// rsTable holds sinc(u)·kaiser(u/rsZeros) for u in [0, rsZeros].
var rsTable = func() []float64 {
	t := make([]float64, rsZeros*rsRes+2)
	i0b := besselI0(rsBeta)
	for i := range t {
		u := float64(i) / rsRes
		if u > rsZeros {
			break
		}
		s := 1.0
		if u != 0 {
			s = math.Sin(math.Pi*u) / (math.Pi * u)
		}
		r := u / rsZeros
		t[i] = s * besselI0(rsBeta*math.Sqrt(1-r*r)) / i0b
	}
	return t
}()

func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < 1e-12*sum {
			break
		}
	}
	return sum
}

func newResampler(in, out, ch int) *resampler {
	fc := 0.97 // leave a little room below Nyquist for the transition band
	if out < in {
		fc *= float64(out) / float64(in)
	}
	r := &resampler{in: in, out: out, ch: ch, fc: fc, half: int(math.Ceil(rsZeros/fc)) + 1}
	r.hist = make([][]float32, ch)
	return r
}

func (r *resampler) kernel(x float64) float64 {
	u := math.Abs(x) * r.fc
	if u >= rsZeros {
		return 0
	}
	p := u * rsRes
	i := int(p)
	f := p - float64(i)
	return r.fc * (rsTable[i]*(1-f) + rsTable[i+1]*f)
}

// process adds input and appends to dst every output frame whose window
// of input is complete. With final set, the input is over: the rest is
// produced as if followed by silence, for round(frames·out/in) in all.
func (r *resampler) process(dst []int16, pcm []int16, final bool) []int16 {
	for i := 0; i < len(pcm); i += r.ch {
		for c := 0; c < r.ch; c++ {
			r.hist[c] = append(r.hist[c], float32(pcm[i+c]))
		}
	}
	r.inTotal += int64(len(pcm) / r.ch)
	end := (r.inTotal*int64(r.out) + int64(r.in)/2) / int64(r.in)
	for r.k < end {
		num := r.k * int64(r.in)
		center := num / int64(r.out)
		frac := float64(num%int64(r.out)) / float64(r.out)
		if !final && center+int64(r.half) >= r.inTotal {
			break // wait for the rest of this output's window
		}
		for c := 0; c < r.ch; c++ {
			var acc float64
			h := r.hist[c]
			for j := center - int64(r.half) + 1; j <= center+int64(r.half); j++ {
				idx := j - r.histAt
				if idx < 0 || idx >= int64(len(h)) {
					continue // before the start or past the end: silence
				}
				acc += float64(h[idx]) * r.kernel(float64(j-center)-frac)
			}
			dst = append(dst, floatToInt16(acc/32768))
		}
		r.k++
	}
	// Drop history no future output can reach.
	keepFrom := r.k*int64(r.in)/int64(r.out) - int64(r.half)
	if drop := keepFrom - r.histAt; drop > 4096 {
		for c := range r.hist {
			r.hist[c] = append(r.hist[c][:0], r.hist[c][drop:]...)
		}
		r.histAt += drop
	}
	return dst
}
