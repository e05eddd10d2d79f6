package audio

import (
	"bufio"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"
)

// flacStreamInfoOff is where STREAMINFO's body starts: after "fLaC" and
// the 4-byte metadata block header.
const flacStreamInfoOff = 8

// flacBlockSize picks a fixed block size near 85 ms: whole blocks are what
// Sync can make durable, so short blocks lose less at a crash.
func flacBlockSize(rate int) int {
	if rate >= 32000 {
		return 4096
	}
	return max(16, min(4096, rate/10))
}

// flacEncoder writes 16-bit FLAC with a fixed block size. STREAMINFO's
// sample count is patched on every Sync (its MD5 on Close), so the file on
// disk is a valid FLAC stream as of the last Sync.
type flacEncoder struct {
	f         *os.File
	w         *bufio.Writer
	cw        *countWriter
	enc       *flac.Encoder
	rate, ch  int
	blockSize int
	pending   [][]int32 // per channel, < blockSize samples
	frames    int64     // samples per channel written in frames
	minFrame  uint32
	maxFrame  uint32
	md5       hash.Hash
	md5buf    []byte
	err       error
}

var _ Encoder = (*flacEncoder)(nil)

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newFLACEncoder(path string, rate, channels int) (*flacEncoder, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	e := &flacEncoder{f: f, w: bufio.NewWriterSize(f, 64<<10), rate: rate, ch: channels,
		blockSize: flacBlockSize(rate), md5: md5.New(), pending: make([][]int32, channels)}
	e.cw = &countWriter{w: e.w}
	e.enc, err = flac.NewEncoder(e.cw, e.streamInfo(false))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("start FLAC encoder: %w", err)
	}
	if err := e.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

// streamInfo describes what is in frames so far; the MD5 only when final
// (all zero means "not known", which decoders accept).
func (e *flacEncoder) streamInfo(final bool) *meta.StreamInfo {
	bs := uint16(e.blockSize)
	si := &meta.StreamInfo{
		BlockSizeMin: bs, BlockSizeMax: bs,
		FrameSizeMin: e.minFrame, FrameSizeMax: e.maxFrame,
		SampleRate: uint32(e.rate), NChannels: uint8(e.ch), BitsPerSample: 16,
		NSamples: uint64(e.frames),
	}
	if final {
		copy(si.MD5sum[:], e.md5.Sum(nil))
	}
	return si
}

func (e *flacEncoder) Write(pcm []int16) error {
	if e.err != nil {
		return e.err
	}
	if len(pcm)%e.ch != 0 {
		return fmt.Errorf("write flac: %w: %d samples is not a whole number of %d-channel frames", ErrBadParams, len(pcm), e.ch)
	}
	if cap(e.md5buf) < 2*len(pcm) {
		e.md5buf = make([]byte, 2*len(pcm))
	}
	b := e.md5buf[:2*len(pcm)]
	for i, s := range pcm {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(s))
	}
	e.md5.Write(b)
	for i := 0; i < len(pcm); i += e.ch {
		for c := 0; c < e.ch; c++ {
			e.pending[c] = append(e.pending[c], int32(pcm[i+c]))
		}
		if len(e.pending[0]) == e.blockSize {
			if err := e.writeFrame(); err != nil {
				e.err = fmt.Errorf("write flac: %w", err)
				return e.err
			}
		}
	}
	return nil
}

// writeFrame encodes the pending samples as one frame.
func (e *flacEncoder) writeFrame() error {
	n := len(e.pending[0])
	if n == 0 {
		return nil
	}
	chans := frame.ChannelsMono
	if e.ch == 2 {
		chans = frame.ChannelsLR
	}
	fr := &frame.Frame{Header: frame.Header{
		HasFixedBlockSize: true, BlockSize: uint16(n), SampleRate: uint32(e.rate),
		Channels: chans, BitsPerSample: 16,
	}}
	for c := 0; c < e.ch; c++ {
		fr.Subframes = append(fr.Subframes, &frame.Subframe{
			SubHeader: frame.SubHeader{Pred: frame.PredVerbatim},
			Samples:   e.pending[c], NSamples: n,
		})
	}
	before := e.cw.n
	if err := e.enc.WriteFrame(fr); err != nil {
		return err
	}
	size := uint32(e.cw.n - before)
	if e.minFrame == 0 || size < e.minFrame {
		e.minFrame = size
	}
	e.maxFrame = max(e.maxFrame, size)
	e.frames += int64(n)
	for c := range e.pending {
		e.pending[c] = e.pending[c][:0]
	}
	return nil
}

// Sync writes the frames encoded so far, records their sample count in
// STREAMINFO and fsyncs. Samples short of a whole block (about 85 ms)
// wait for the next Write, as a fixed-block-size stream requires.
func (e *flacEncoder) Sync() error {
	if e.err != nil {
		return e.err
	}
	if err := e.flushInfo(false); err != nil {
		e.err = fmt.Errorf("sync flac: %w", err)
		return e.err
	}
	return nil
}

func (e *flacEncoder) flushInfo(final bool) error {
	if err := e.w.Flush(); err != nil {
		return err
	}
	if _, err := e.f.WriteAt(encodeStreamInfo(e.streamInfo(final)), flacStreamInfoOff); err != nil {
		return err
	}
	return e.f.Sync()
}

// Close writes the last, shorter block and the final STREAMINFO.
func (e *flacEncoder) Close() (Info, error) {
	if e.f == nil {
		return Info{}, errors.New("close flac: encoder already closed")
	}
	err := e.err
	if err == nil {
		if err = e.writeFrame(); err == nil {
			err = e.flushInfo(true)
		}
		if err != nil {
			err = fmt.Errorf("close flac: %w", err)
		}
	}
	if cerr := e.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close flac: %w", cerr)
	}
	e.f = nil
	if e.err == nil {
		e.err = errors.New("flac encoder is closed")
	}
	if err != nil {
		return Info{}, err
	}
	return Info{Format: FLAC, SampleRate: e.rate, Channels: e.ch, Frames: e.frames, Duration: framesDuration(e.frames, e.rate)}, nil
}

// encodeStreamInfo packs a STREAMINFO body (34 bytes).
func encodeStreamInfo(si *meta.StreamInfo) []byte {
	b := make([]byte, 34)
	be := binary.BigEndian
	be.PutUint16(b[0:], si.BlockSizeMin)
	be.PutUint16(b[2:], si.BlockSizeMax)
	put24 := func(o int, v uint32) { b[o], b[o+1], b[o+2] = byte(v>>16), byte(v>>8), byte(v) }
	put24(4, si.FrameSizeMin)
	put24(7, si.FrameSizeMax)
	// 20 bits rate, 3 bits channels-1, 5 bits bps-1, 36 bits samples.
	x := uint64(si.SampleRate)<<44 | uint64(si.NChannels-1)<<41 | uint64(si.BitsPerSample-1)<<36 | si.NSamples&(1<<36-1)
	be.PutUint64(b[10:], x)
	copy(b[18:], si.MD5sum[:])
	return b
}
