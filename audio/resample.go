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
	// taps[p] are the kernel's 2·half weights for output phase p (an
	// output frame's position between input frames repeats every
	// out/gcd(in, out) frames): computed once, instead of interpolating
	// the table at every tap of every frame. Nil when there would be too
	// many phases (rates with a tiny common divisor); process then
	// evaluates the kernel as it goes, to the same values.
	taps [][]float64
	g    int64 // gcd(in, out)
}

// maxTaps bounds the precomputed weights (8 MB of float64).
const maxTaps = 1 << 20

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
	r.g = gcd(int64(in), int64(out))
	if phases := int64(out) / r.g; phases*int64(2*r.half) <= maxTaps {
		r.taps = make([][]float64, phases)
		for p := range r.taps {
			frac := float64(int64(p)*r.g) / float64(out)
			w := make([]float64, 2*r.half)
			for t := range w {
				w[t] = r.kernel(float64(t-r.half+1) - frac)
			}
			r.taps[p] = w
		}
	}
	return r
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
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

// at is the output frame at input position center+frac (num = its index ×
// in) from one channel's history h.
func (r *resampler) at(h []float32, num, center int64, frac float64) float64 {
	var acc float64
	first := center - int64(r.half) + 1 - r.histAt // h's index of the first tap
	if r.taps != nil && first >= 0 && first+int64(2*r.half) <= int64(len(h)) {
		w := r.taps[(num%int64(r.out))/r.g]
		for t, v := range h[first : first+int64(2*r.half)] {
			acc += float64(v) * w[t]
		}
		return acc
	}
	for j := center - int64(r.half) + 1; j <= center+int64(r.half); j++ {
		idx := j - r.histAt
		if idx < 0 || idx >= int64(len(h)) {
			continue // before the start or past the end: silence
		}
		acc += float64(h[idx]) * r.kernel(float64(j-center)-frac)
	}
	return acc
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
			dst = append(dst, floatToInt16(r.at(r.hist[c], num, center, frac)/32768))
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
