package enhance

import "math"

// limiter applies a fixed gain and keeps peaks under a ceiling without
// clipping: it looks lookahead frames ahead (output is delayed by that
// much), so the gain is already down, smoothly, when a peak arrives, and
// recovers slowly after. Loudness normalisation needs it: speech brought to
// -16 LUFS often has peaks above full scale.
type limiter struct {
	ch        int
	gain      float64 // the normalising gain now
	want      float64 // the gain it glides to (setGain)
	glide     float64 // one-pole coefficient per frame for that
	ceil      float64 // peak ceiling, linear
	lookahead int     // frames
	attack    float64 // one-pole coefficients per frame
	release   float64
	g         float64 // current gain reduction (≤ 1)
	delay     []float64
	need      []float64 // required reduction per delayed frame
	base      int64     // frame number of need[0]
	mins      []int64   // frames whose need is a sliding minimum (a monotonic queue)
	out       []int16
}

func newLimiter(rate, ch int, gain, ceilDB float64) *limiter {
	la := rate / 200 // 5 ms
	return &limiter{
		ch: ch, gain: gain, want: gain, ceil: math.Pow(10, ceilDB/20), lookahead: la,
		glide:   1 - math.Exp(-1/(0.2*float64(rate))),   // 200 ms
		attack:  1 - math.Exp(-1/(0.001*float64(rate))), // 1 ms
		release: 1 - math.Exp(-1/(0.1*float64(rate))),   // 100 ms
		g:       1,
	}
}

// process takes interleaved samples and returns what is ready (delayed by
// the lookahead; valid until the next call).
func (l *limiter) process(pcm []int16) []int16 {
	l.out = l.out[:0]
	for i := 0; i+l.ch <= len(pcm); i += l.ch {
		l.gain += (l.want - l.gain) * l.glide
		peak := 0.0
		for c := 0; c < l.ch; c++ {
			v := float64(pcm[i+c]) / 32768 * l.gain
			l.delay = append(l.delay, v)
			peak = max(peak, math.Abs(v))
		}
		l.push(min(1, l.ceil/max(peak, 1e-9)))
		if len(l.need) > l.lookahead {
			l.emit()
		}
	}
	l.compact()
	return l.out
}

// setGain makes the normalising gain glide to g (a correction while
// playing: smooth, so it is heard as no step).
func (l *limiter) setGain(g float64) { l.want = g }

// flush returns the delayed rest.
func (l *limiter) flush() []int16 {
	l.out = l.out[:0]
	for len(l.need) > 0 {
		l.emit()
	}
	l.compact()
	return l.out
}

// push queues a frame's required reduction, keeping mins increasing so
// its front is the minimum of the window.
func (l *limiter) push(v float64) {
	n := l.base + int64(len(l.need))
	for len(l.mins) > 0 {
		if back := l.mins[len(l.mins)-1]; back >= l.base && l.need[back-l.base] < v {
			break
		}
		l.mins = l.mins[:len(l.mins)-1]
	}
	l.need = append(l.need, v)
	l.mins = append(l.mins, n)
}

// emit outputs the oldest delayed frame with the gain the frames ahead of
// it (within the lookahead) call for.
func (l *limiter) emit() {
	for l.mins[0] < l.base {
		l.mins = l.mins[1:]
	}
	want := l.need[l.mins[0]-l.base]
	if want < l.g {
		l.g += (want - l.g) * l.attack
	} else {
		l.g += (want - l.g) * l.release
	}
	g := min(l.g, l.need[0]) // never over the ceiling, whatever the smoothing
	for _, v := range l.delay[:l.ch] {
		l.out = append(l.out, int16(math.Round(max(-32768, min(32767, v*g*32768)))))
	}
	l.delay, l.need = l.delay[l.ch:], l.need[1:]
	l.base++
}

// compact moves the pending frames to the front of their buffers, so they
// do not grow without bound.
func (l *limiter) compact() {
	l.delay = append(make([]float64, 0, cap(l.delay)), l.delay...)
	l.need = append(make([]float64, 0, cap(l.need)), l.need...)
	l.mins = append(make([]int64, 0, cap(l.mins)), l.mins...)
}
