package enhance

// #cgo pkg-config: libebur128
// #include <ebur128.h>
// #include <stdlib.h>
import "C"

import (
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// Meter measures integrated loudness (EBU R128 / ITU-R BS.1770, LUFS)
// through libebur128 (MIT; Debian's libebur128-dev), the library ffmpeg's
// ebur128 filter agrees with to 0.02 LU. Not safe for concurrent use;
// Close it to free the C state.
type Meter struct {
	st *C.ebur128_state
	ch int
}

// NewMeter returns a Meter for interleaved audio at rate Hz with ch channels.
func NewMeter(rate, ch int) (*Meter, error) { return newMeter(rate, ch, C.EBUR128_MODE_I) }

// newRunningMeter is a Meter whose Loudness is cheap to ask often and
// whose memory stays bounded however long it runs (libebur128's histogram
// mode: 0.1 LU bins), for measuring a stream as it plays.
func newRunningMeter(rate, ch int) (*Meter, error) {
	return newMeter(rate, ch, C.EBUR128_MODE_I|C.EBUR128_MODE_HISTOGRAM)
}

func newMeter(rate, ch int, mode int) (*Meter, error) {
	if rate < 1 || ch < 1 {
		return nil, fmt.Errorf("loudness meter: unsupported audio: %d Hz, %d channels", rate, ch)
	}
	st := C.ebur128_init(C.uint(ch), C.ulong(rate), C.int(mode))
	if st == nil {
		return nil, errors.New("loudness meter: out of memory")
	}
	return &Meter{st: st, ch: ch}, nil
}

// Add measures interleaved 16-bit samples (whole frames).
func (m *Meter) Add(pcm []int16) error {
	frames := len(pcm) / m.ch
	if frames == 0 {
		return nil
	}
	if rc := C.ebur128_add_frames_short(m.st, (*C.short)(unsafe.Pointer(&pcm[0])), C.size_t(frames)); rc != C.EBUR128_SUCCESS {
		return fmt.Errorf("loudness meter: error %d", int(rc))
	}
	return nil
}

// Loudness is the integrated loudness of everything added, in LUFS;
// -Inf for silence.
func (m *Meter) Loudness() (float64, error) {
	var out C.double
	if rc := C.ebur128_loudness_global(m.st, &out); rc != C.EBUR128_SUCCESS {
		return 0, fmt.Errorf("loudness meter: error %d", int(rc))
	}
	return float64(out), nil
}

// Close frees the meter.
func (m *Meter) Close() {
	if m.st != nil {
		C.ebur128_destroy(&m.st)
	}
}

// gainFor is the linear gain that brings loudness (LUFS) to target, capped
// at maxBoost dB so near-silence is not blown up into hiss.
func gainFor(loudness, target, maxBoost float64) float64 {
	if math.IsInf(loudness, -1) || math.IsNaN(loudness) {
		return 1
	}
	return math.Pow(10, min(target-loudness, maxBoost)/20)
}
