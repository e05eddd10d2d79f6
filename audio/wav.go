package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"
)

// wavHeaderSize is the size of the canonical header Earshot writes: RIFF,
// a 16-byte PCM fmt chunk and the data chunk's header.
const wavHeaderSize = 44

// maxWAVData is the most PCM a RIFF file can describe (its sizes are 32-bit).
const maxWAVData = math.MaxUint32 - wavHeaderSize

// wavHeader is what Earshot needs from a WAV file's chunks.
type wavHeader struct {
	rate, channels int
	bits           int  // bits per sample as stored: 8, 16, 24, 32 or 64
	float          bool // IEEE float samples
	blockAlign     int  // bytes per frame
	dataOff        int64
	dataLen        int64 // bytes of whole frames present, after clamping
	declaredLen    int64 // the data chunk's own size field
}

func (h wavHeader) frames() int64 { return h.dataLen / int64(h.blockAlign) }

// putWAVHeader fills b (44 bytes) with a PCM16 header for dataLen bytes.
func putWAVHeader(b []byte, rate, channels int, dataLen uint32) {
	le := binary.LittleEndian
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], 36+dataLen)
	copy(b[8:], "WAVEfmt ")
	le.PutUint32(b[16:], 16)
	le.PutUint16(b[20:], 1) // PCM
	le.PutUint16(b[22:], uint16(channels))
	le.PutUint32(b[24:], uint32(rate))
	le.PutUint32(b[28:], uint32(rate*channels*2))
	le.PutUint16(b[32:], uint16(channels*2))
	le.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	le.PutUint32(b[40:], dataLen)
}

// parseWAVHeader reads the RIFF chunks of a WAV file of size bytes up to
// the start of its data chunk. It accepts integer PCM of 8–32 bits and
// 32/64-bit float, plain or WAVE_FORMAT_EXTENSIBLE. A data size that is
// zero, 0xFFFFFFFF (streaming writers) or beyond the end of the file is
// clamped to what the file holds, so an unfinished file still reads.
func parseWAVHeader(r io.ReaderAt, size int64) (wavHeader, error) {
	var h wavHeader
	var hdr [12]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return h, unsupportedf("too short for a WAV file")
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return h, unsupportedf("no RIFF/WAVE header")
	}
	le := binary.LittleEndian
	off := int64(12)
	haveFmt := false
	for {
		var ch [8]byte
		if _, err := r.ReadAt(ch[:], off); err != nil {
			if !haveFmt {
				return h, corruptf("WAV file has no fmt chunk")
			}
			return h, corruptf("WAV file has no data chunk")
		}
		id, n := string(ch[0:4]), int64(le.Uint32(ch[4:]))
		off += 8
		switch id {
		case "fmt ":
			if n < 16 || n > 1<<16 {
				return h, corruptf("WAV fmt chunk of %d bytes", n)
			}
			b := make([]byte, n)
			if _, err := r.ReadAt(b, off); err != nil {
				return h, corruptf("WAV fmt chunk is cut short")
			}
			if err := h.setFormat(b); err != nil {
				return h, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return h, corruptf("WAV data chunk comes before its fmt chunk")
			}
			h.dataOff = off
			h.declaredLen = n
			avail := size - off
			if avail < 0 {
				avail = 0
			}
			if n == 0 || n == math.MaxUint32 || n > avail {
				n = avail
			}
			h.dataLen = n - n%int64(h.blockAlign)
			return h, nil
		}
		off += n + n&1 // chunks are padded to even sizes
		if off > size || off < 0 {
			return h, corruptf("WAV file has no data chunk")
		}
	}
}

// setFormat decodes a fmt chunk body.
func (h *wavHeader) setFormat(b []byte) error {
	le := binary.LittleEndian
	tag := le.Uint16(b[0:])
	h.channels = int(le.Uint16(b[2:]))
	h.rate = int(le.Uint32(b[4:]))
	h.blockAlign = int(le.Uint16(b[12:]))
	h.bits = int(le.Uint16(b[14:]))
	if tag == 0xFFFE && len(b) >= 40 { // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag
		tag = le.Uint16(b[24:])
	}
	switch {
	case tag == 1 && (h.bits == 8 || h.bits == 16 || h.bits == 24 || h.bits == 32):
	case tag == 3 && (h.bits == 32 || h.bits == 64):
		h.float = true
	default:
		return unsupportedf("WAV encoding %d with %d-bit samples (only PCM and float)", tag, h.bits)
	}
	if h.channels < 1 || h.channels > 8 {
		return unsupportedf("WAV file with %d channels", h.channels)
	}
	if h.rate < 1 || h.rate > 1000000 {
		return corruptf("WAV sample rate %d Hz", h.rate)
	}
	if h.blockAlign != h.channels*h.bits/8 {
		return corruptf("WAV block size %d does not match %d channels of %d bits", h.blockAlign, h.channels, h.bits)
	}
	return nil
}

// wavEncoder writes PCM16 WAV. Its header is patched with the true sizes on
// every Sync, so the file on disk is valid as of the last Sync; Repair
// cuts off what was written after that (the sizes it finds say where the
// data chunk ends).
type wavEncoder struct {
	f        *os.File
	w        *bufio.Writer
	rate, ch int
	frames   int64
	buf      []byte
	err      error
}

var _ Encoder = (*wavEncoder)(nil)

func newWAVEncoder(path string, rate, channels int) (*wavEncoder, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	e := &wavEncoder{f: f, w: bufio.NewWriterSize(f, 64<<10), rate: rate, ch: channels}
	var hdr [wavHeaderSize]byte
	putWAVHeader(hdr[:], rate, channels, 0)
	if _, err := e.w.Write(hdr[:]); err != nil {
		f.Close()
		return nil, err
	}
	if err := e.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

func (e *wavEncoder) Write(pcm []int16) error {
	if e.err != nil {
		return e.err
	}
	if len(pcm)%e.ch != 0 {
		return fmt.Errorf("write wav: %w: %d samples is not a whole number of %d-channel frames", ErrBadParams, len(pcm), e.ch)
	}
	if (e.frames+int64(len(pcm)/e.ch))*int64(e.ch)*2 > maxWAVData {
		e.err = errors.New("write wav: recording reached the 4 GB WAV limit; record long sessions as Opus or FLAC")
		return e.err
	}
	if cap(e.buf) < 2*len(pcm) {
		e.buf = make([]byte, 2*len(pcm))
	}
	b := e.buf[:2*len(pcm)]
	for i, s := range pcm {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(s))
	}
	if _, err := e.w.Write(b); err != nil {
		e.err = fmt.Errorf("write wav: %w", err)
		return e.err
	}
	e.frames += int64(len(pcm) / e.ch)
	return nil
}

// Sync flushes the samples, patches the header's sizes and fsyncs.
func (e *wavEncoder) Sync() error {
	if e.err != nil {
		return e.err
	}
	if err := e.w.Flush(); err != nil {
		e.err = fmt.Errorf("sync wav: %w", err)
		return e.err
	}
	var hdr [wavHeaderSize]byte
	putWAVHeader(hdr[:], e.rate, e.ch, uint32(e.frames*int64(e.ch)*2))
	if _, err := e.f.WriteAt(hdr[:], 0); err != nil {
		e.err = fmt.Errorf("sync wav: %w", err)
		return e.err
	}
	if err := e.f.Sync(); err != nil {
		e.err = fmt.Errorf("sync wav: %w", err)
		return e.err
	}
	return nil
}

func (e *wavEncoder) Close() (Info, error) {
	if e.f == nil {
		return Info{}, errors.New("close wav: encoder already closed")
	}
	err := e.Sync()
	if cerr := e.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close wav: %w", cerr)
	}
	e.f = nil
	if e.err == nil {
		e.err = errors.New("wav encoder is closed")
	}
	if err != nil {
		return Info{}, err
	}
	return Info{Format: WAV, SampleRate: e.rate, Channels: e.ch, Frames: e.frames, Duration: framesDuration(e.frames, e.rate)}, nil
}

// planWAV fixes an unfinished WAV in place: it cuts the file after the
// last whole frame of its data chunk and patches the RIFF and data sizes to
// match. A size beyond the end of the file is clamped when read, so the cut
// file still reads (and plans the same) before its sizes are patched.
func planWAV(f *os.File, size int64) (repairPlan, error) {
	h, err := parseWAVHeader(f, size)
	if err != nil {
		return repairPlan{}, err
	}
	end := h.dataOff + h.dataLen
	if h.float || h.bits != 16 || end-8 > math.MaxUint32 {
		return repairPlan{}, unsupportedf("WAV repair handles Earshot's own 16-bit recordings only")
	}
	le := binary.LittleEndian
	return repairPlan{
		info: h.info(WAV),
		size: size,
		cut:  end,
		keep: end,
		patches: []filePatch{
			{off: 4, data: le.AppendUint32(nil, uint32(end-8))},
			{off: h.dataOff - 4, data: le.AppendUint32(nil, uint32(h.dataLen))},
		},
	}, nil
}

func (h wavHeader) info(f Format) Info {
	n := h.frames()
	return Info{Format: f, SampleRate: h.rate, Channels: h.channels, Frames: n, Duration: framesDuration(n, h.rate)}
}

// WAVClaim is the length the data chunk of the WAV file at path declares
// when that is more than the file holds (a copy cut short, a recorder that
// crashed), else 0: also when it declares no size (0 or 0xFFFFFFFF, as
// streaming writers do). Probe and OpenDecoder read such a file up to its
// end either way.
func WAVClaim(path string) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	h, err := parseWAVHeader(f, st.Size())
	if err != nil {
		return 0, err
	}
	n := h.declaredLen
	if n == 0 || n == math.MaxUint32 || n <= h.dataLen+int64(h.blockAlign) {
		return 0, nil
	}
	return framesDuration(n/int64(h.blockAlign), h.rate), nil
}
