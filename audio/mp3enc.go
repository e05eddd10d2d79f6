package audio

/*
#cgo pkg-config: lame
#include <lame.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"unsafe"
)

// mp3VBRQuality is LAME's VBR quality (-V: 0 best .. 9 smallest). 4 keeps
// speech and music clean at about 64 kb/s mono, 130 kb/s stereo.
const mp3VBRQuality = 4

// mp3Encoder writes MP3 through LAME's libmp3lame (Debian's libmp3lame0,
// LGPL 2 or later, linked dynamically). It is for export only: Earshot never
// records into MP3, so Sync only fsyncs what is written. Close writes the
// LAME tag into the first frame, which tells players the exact length and
// the encoder's delay and padding (gapless, true duration).
type mp3Encoder struct {
	f        *os.File
	gfp      *C.lame_global_flags
	channels int
	rate     int
	frames   int64
	out      []byte
}

var _ Encoder = (*mp3Encoder)(nil)

func newMP3Encoder(path string, rate, channels int) (*mp3Encoder, error) {
	gfp := C.lame_init()
	if gfp == nil {
		return nil, errors.New("libmp3lame could not start an encoder")
	}
	mode := C.MONO
	if channels == 2 {
		mode = C.JOINT_STEREO
	}
	C.lame_set_in_samplerate(gfp, C.int(rate))
	C.lame_set_num_channels(gfp, C.int(channels))
	C.lame_set_mode(gfp, C.MPEG_mode(mode))
	C.lame_set_VBR(gfp, C.vbr_default)
	C.lame_set_VBR_quality(gfp, mp3VBRQuality)
	C.lame_set_bWriteVbrTag(gfp, 1)
	if C.lame_init_params(gfp) < 0 {
		C.lame_close(gfp)
		return nil, fmt.Errorf("%w: MP3 cannot take %d Hz with %d channels", ErrBadParams, rate, channels)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		C.lame_close(gfp)
		return nil, err
	}
	return &mp3Encoder{f: f, gfp: gfp, channels: channels, rate: rate}, nil
}

// Write encodes interleaved samples; it does not retain pcm.
func (e *mp3Encoder) Write(pcm []int16) error {
	n := len(pcm) / e.channels
	if n == 0 {
		return nil
	}
	// LAME's bound: 1.25 × samples + 7200 bytes.
	e.out = grow(e.out, n*5/4+7200)
	p := (*C.short)(unsafe.Pointer(&pcm[0]))
	out := (*C.uchar)(unsafe.Pointer(&e.out[0]))
	var k C.int
	if e.channels == 2 {
		k = C.lame_encode_buffer_interleaved(e.gfp, p, C.int(n), out, C.int(len(e.out)))
	} else {
		k = C.lame_encode_buffer(e.gfp, p, p, C.int(n), out, C.int(len(e.out)))
	}
	if k < 0 {
		return fmt.Errorf("encode MP3: libmp3lame error %d", int(k))
	}
	e.frames += int64(n)
	_, err := e.f.Write(e.out[:k])
	return err
}

// Sync fsyncs what has been written.
func (e *mp3Encoder) Sync() error { return e.f.Sync() }

// Close flushes the last frames, writes the LAME tag at the start, fsyncs
// and closes the file.
func (e *mp3Encoder) Close() (Info, error) {
	defer C.lame_close(e.gfp)
	err := e.finish()
	if cerr := e.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Info{}, fmt.Errorf("finish MP3: %w", err)
	}
	return Info{Format: MP3, SampleRate: e.rate, Channels: e.channels, Frames: e.frames, Duration: framesDuration(e.frames, e.rate)}, nil
}

func (e *mp3Encoder) finish() error {
	e.out = grow(e.out, 7200)
	k := C.lame_encode_flush(e.gfp, (*C.uchar)(unsafe.Pointer(&e.out[0])), C.int(len(e.out)))
	if k < 0 {
		return fmt.Errorf("libmp3lame error %d", int(k))
	}
	if _, err := e.f.Write(e.out[:k]); err != nil {
		return err
	}
	// The tag frame replaces the placeholder LAME wrote first.
	tag := make([]byte, 8192)
	if n := C.lame_get_lametag_frame(e.gfp, (*C.uchar)(unsafe.Pointer(&tag[0])), C.size_t(len(tag))); n > 0 && int(n) <= len(tag) {
		if _, err := e.f.WriteAt(tag[:n], 0); err != nil {
			return err
		}
	}
	return e.f.Sync()
}

// grow returns b with at least n bytes of length.
func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}
