// Package stretch changes the speed of speech without changing its pitch,
// through Sonic (libsonic, Apache-2.0; Debian's libsonic-dev).
//
// Why Sonic: of the three time-stretch libraries Debian ships, Rubber Band
// is GPL-2+ (it would bind the whole program to the GPL, or to a paid
// licence) and SoundTouch is LGPL-2.1 C++; Sonic's Apache-2.0 licence puts
// no condition on how Earshot is licensed. It is also the one made for
// speech: a pitch-synchronous overlap-add that finds the voice's pitch
// period, so speech stays clear at 2–3× where a fixed-window WSOLA
// (SoundTouch) starts to stutter; it is what Android's ExoPlayer and
// eSpeak use for fast speech. Rubber Band sounds better on music, at
// several times the CPU; recordings here are voice.
package stretch

// #cgo LDFLAGS: -lsonic
// #include <sonic.h>
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
	s  C.sonicStream
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
	s := C.sonicCreateStream(C.int(rate), C.int(ch))
	if s == nil {
		return nil, errors.New("time-stretch: out of memory")
	}
	C.sonicSetSpeed(s, C.float(speed))
	C.sonicSetQuality(s, 1)
	return &Stretcher{s: s, ch: ch}, nil
}

// Write adds interleaved samples (whole frames). It does not retain pcm.
func (st *Stretcher) Write(pcm []int16) error {
	frames := len(pcm) / st.ch
	if frames == 0 {
		return nil
	}
	if C.sonicWriteShortToStream(st.s, (*C.short)(unsafe.Pointer(&pcm[0])), C.int(frames)) == 0 {
		return errors.New("time-stretch: out of memory")
	}
	return nil
}

// Read fills pcm with stretched samples that are ready and returns how
// many it wrote (whole frames; 0 when it needs more input).
func (st *Stretcher) Read(pcm []int16) int {
	frames := len(pcm) / st.ch
	if frames == 0 {
		return 0
	}
	n := C.sonicReadShortFromStream(st.s, (*C.short)(unsafe.Pointer(&pcm[0])), C.int(frames))
	return int(n) * st.ch
}

// Flush processes what input is left, so Read returns the end of the
// stream. Write more only after reading everything out.
func (st *Stretcher) Flush() { C.sonicFlushStream(st.s) }

// Close frees the stream. The Stretcher is unusable after.
func (st *Stretcher) Close() {
	if st.s != nil {
		C.sonicDestroyStream(st.s)
		st.s = nil
	}
}
