// Package stretch changes the speed of speech without changing its pitch,
// through SoundTouch (LGPL-2.1+, dynamically linked; Debian's
// libsoundtouch-dev) with its settings for speech.
//
// Why SoundTouch: of the three time-stretch libraries Debian ships, Rubber
// Band is GPL-2+ (it would bind the whole program to the GPL, or to a paid
// licence) and out of the question while Earshot's licence is open.
// Sonic (Apache-2.0) was the first choice — made for speech, a
// pitch-synchronous overlap-add — and passed the same pitch and length
// tests, but its pitch search runs once per pitch period, and noise has
// short ones: at 2× on noisy speech it took 4× the CPU of `sox tempo`
// (Debian's 0.2.0), against SoundTouch's 0.7×. SoundTouch's WSOLA, with
// speech-sized sequences (40 ms) and overlaps (8 ms), keeps the voice's
// pitch within 1 % from 0.5× to 3× (audio/device's tests). Linked
// dynamically, the LGPL asks only that users can swap the library, which a
// shared libSoundTouch.so allows under any licence for Earshot.
package stretch

// #cgo pkg-config: soundtouch
// #cgo CXXFLAGS: -O2
// #cgo LDFLAGS: -lstdc++
// #include "shim.h"
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// The speeds playback offers.
const (
	MinSpeed = 0.5
	MaxSpeed = 3.0
)

// ErrSpeed means a speed outside MinSpeed..MaxSpeed.
var ErrSpeed = errors.New("speed must be between 0.5 and 3")

// CheckSpeed returns ErrSpeed (wrapped, with the value) unless x is a
// speed playback offers.
func CheckSpeed(x float64) error {
	if !(x >= MinSpeed && x <= MaxSpeed) { // also refuses NaN
		return fmt.Errorf("%w (got %g)", ErrSpeed, x)
	}
	return nil
}

// Stretcher time-stretches interleaved 16-bit audio: Write puts samples
// in, Read takes out what is ready (about len(in)/speed samples over time).
// Not safe for concurrent use; Close it to free the C stream.
type Stretcher struct {
	s  *C.es_stretch
	ch int
}

// New returns a Stretcher for audio at rate Hz with ch channels, playing at
// speed (see CheckSpeed).
func New(rate, ch int, speed float64) (*Stretcher, error) {
	if err := CheckSpeed(speed); err != nil {
		return nil, err
	}
	if rate < 1 || ch < 1 {
		return nil, fmt.Errorf("time-stretch: unsupported audio: %d Hz, %d channels", rate, ch)
	}
	s := C.es_new(C.int(rate), C.int(ch), C.double(speed))
	if s == nil {
		return nil, errors.New("time-stretch: out of memory")
	}
	return &Stretcher{s: s, ch: ch}, nil
}

// Write adds interleaved samples (whole frames). It does not retain pcm.
func (st *Stretcher) Write(pcm []int16) error {
	frames := len(pcm) / st.ch
	if frames == 0 {
		return nil
	}
	C.es_put(st.s, (*C.short)(unsafe.Pointer(&pcm[0])), C.int(frames))
	return nil
}

// Read fills pcm with stretched samples that are ready and returns how
// many it wrote (whole frames; 0 when it needs more input).
func (st *Stretcher) Read(pcm []int16) int {
	frames := len(pcm) / st.ch
	if frames == 0 {
		return 0
	}
	n := C.es_take(st.s, (*C.short)(unsafe.Pointer(&pcm[0])), C.int(frames))
	return int(n) * st.ch
}

// Flush processes what input is left, so Read returns the end of the
// stream. Write more only after reading everything out.
func (st *Stretcher) Flush() { C.es_flush(st.s) }

// Close frees the stream. The Stretcher is unusable after.
func (st *Stretcher) Close() {
	if st.s != nil {
		C.es_free(st.s)
		st.s = nil
	}
}
