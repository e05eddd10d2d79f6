package vad

import (
	"math"
	"slices"
)

// Absolute levels (dBFS, band energy) a frame must reach to count as speech
// whatever the floor: on digital silence the floor is -120 dB, and dither or
// a cable's hum must not become speech.
const (
	absHigh = -60.0
	absLow  = -63.0
	// floorCap keeps a local floor within this many dB of the whole file's
	// floor, so a long stretch of speech without pauses does not lift the
	// floor into the speech itself.
	floorCap = 10.0
)

// decide marks each frame as speech or not from the energies (dBFS) of its
// bands: a frame is speech when any band is.
func decide(bands ...[]float32) []bool {
	n := len(bands[0])
	speech, core := make([]bool, n), make([]bool, n)
	for _, e := range bands {
		if n == 0 {
			break
		}
		floor := floors(e)
		for i, v := range e {
			f := float64(floor[i])
			speech[i] = speech[i] || float64(v) > max(f+lowDB, absLow)
			core[i] = core[i] || float64(v) > max(f+highDB, absHigh)
		}
	}
	keepCored(speech, core)
	closeGaps(speech, minGap/int(frameLen.Milliseconds()))
	dropShort(speech, minSpeech/int(frameLen.Milliseconds()))
	return speech
}

// floors estimates the noise floor at every frame: the floorPct quantile of
// the frames within floorWin of it, computed every floorStep frames and held
// in between, capped at the whole file's floor + floorCap.
func floors(e []float32) []float32 {
	global := quantile(slices.Clone(e), floorPct) + floorCap
	out := make([]float32, len(e))
	buf := make([]float32, 0, 2*floorWin+1)
	for at := 0; at < len(e); at += floorStep {
		lo, hi := max(0, at-floorWin), min(len(e), at+floorWin+1)
		f := min(quantile(append(buf[:0], e[lo:hi]...), floorPct), global)
		for i := at; i < min(at+floorStep, len(e)); i++ {
			out[i] = f
		}
	}
	return out
}

// quantile returns the q-quantile of v, reordering v.
func quantile(v []float32, q float64) float32 {
	k := int(math.Floor(q * float64(len(v)-1)))
	return selectK(v, k)
}

// selectK returns the k-th smallest element of v (Hoare's quickselect),
// reordering v.
func selectK(v []float32, k int) float32 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		p := v[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for v[i] < p {
				i++
			}
			for v[j] > p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}

// keepCored keeps only the runs of speech that hold at least one core frame:
// the low threshold widens spans, only the high one starts them.
func keepCored(speech, core []bool) {
	for _, r := range spans(speech) {
		if !slices.Contains(core[r[0]:r[1]], true) {
			clear(speech[r[0]:r[1]])
		}
	}
}

// closeGaps fills silences shorter than n frames between two speech runs.
func closeGaps(speech []bool, n int) {
	rs := spans(speech)
	for i := 1; i < len(rs); i++ {
		if rs[i][0]-rs[i-1][1] < n {
			for j := rs[i-1][1]; j < rs[i][0]; j++ {
				speech[j] = true
			}
		}
	}
}

// dropShort clears speech runs shorter than n frames.
func dropShort(speech []bool, n int) {
	for _, r := range spans(speech) {
		if r[1]-r[0] < n {
			clear(speech[r[0]:r[1]])
		}
	}
}

// spans returns the [start, end) frame ranges where v is true.
func spans(v []bool) [][2]int {
	var out [][2]int
	start := -1
	for i, b := range v {
		switch {
		case b && start < 0:
			start = i
		case !b && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(v)})
	}
	return out
}
