package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mewkiz/flac/frame"
)

// flacHeader is what Earshot reads from a FLAC file's metadata.
type flacHeader struct {
	rate, channels, bps int
	nsamples            int64 // 0: unknown
	blockMin, blockMax  int
	dataStart           int64
}

// parseFLACHeader reads the signature and metadata blocks.
func parseFLACHeader(r io.ReaderAt) (flacHeader, error) {
	var h flacHeader
	var b [42]byte
	if _, err := r.ReadAt(b[:], 0); err != nil {
		return h, corruptf("FLAC file too short for its header")
	}
	if string(b[:4]) != "fLaC" {
		return h, unsupportedf("no fLaC signature")
	}
	if b[4]&0x7F != 0 || binary.BigEndian.Uint32(b[4:])&0xFFFFFF != 34 {
		return h, corruptf("FLAC file without STREAMINFO")
	}
	si := b[flacStreamInfoOff:]
	be := binary.BigEndian
	h.blockMin = int(be.Uint16(si[0:]))
	h.blockMax = int(be.Uint16(si[2:]))
	x := be.Uint64(si[10:])
	h.rate = int(x >> 44)
	h.channels = int(x>>41&7) + 1
	h.bps = int(x>>36&31) + 1
	h.nsamples = int64(x & (1<<36 - 1))
	if h.rate == 0 || h.bps < 4 || h.bps > 32 {
		return h, corruptf("FLAC STREAMINFO with rate %d Hz, %d bits", h.rate, h.bps)
	}
	if h.channels > 2 {
		return h, unsupportedf("FLAC with %d channels; only mono and stereo", h.channels)
	}
	// Skip the remaining metadata blocks.
	off := int64(4)
	for {
		var bh [4]byte
		if _, err := r.ReadAt(bh[:], off); err != nil {
			return h, corruptf("FLAC metadata cut short")
		}
		off += 4 + int64(be.Uint32(bh[:])&0xFFFFFF)
		if bh[0]&0x80 != 0 {
			break
		}
	}
	h.dataStart = off
	return h, nil
}

// countReader counts bytes read through it, so the frame parser's position
// in the file is known exactly (it never reads past a frame).
type countReader struct {
	r *bufio.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// sampleOf returns the number of the first sample in a frame.
func (h *flacHeader) sampleOf(fr *frame.Frame) int64 {
	if fr.HasFixedBlockSize {
		bs := h.blockMax
		if bs == 0 || h.blockMin != h.blockMax {
			bs = int(fr.BlockSize)
		}
		return int64(fr.Num) * int64(bs)
	}
	return int64(fr.Num)
}

// matches reports whether a parsed frame belongs to this stream, which
// rules out a false sync code found while searching.
func (h *flacHeader) matches(fr *frame.Frame) bool {
	return fr.Channels.Count() == h.channels && int(fr.BitsPerSample) == h.bps &&
		(fr.SampleRate == 0 || int(fr.SampleRate) == h.rate)
}

// flacDecoder reads FLAC through mewkiz/flac's frame parser, seeking by
// bisection over the file with the frame headers' sample numbers.
type flacDecoder struct {
	f      *os.File
	size   int64
	h      flacHeader
	cr     *countReader
	base   int64 // file offset where cr started
	total  int64
	buf    []int16 // decoded frame, interleaved
	bufPos int64   // sample number of buf[0]
	cur    int64   // next frame to return
}

var _ Decoder = (*flacDecoder)(nil)

func openFLAC(f *os.File, size int64) (*flacDecoder, error) {
	h, err := parseFLACHeader(f)
	if err != nil {
		return nil, err
	}
	d := &flacDecoder{f: f, size: size, h: h, cr: &countReader{r: bufio.NewReaderSize(nil, 64<<10)}}
	d.total = h.nsamples
	if d.total == 0 { // a streamed file: count by decoding
		d.reset(h.dataStart)
		for {
			fr, err := frame.Parse(d.cr)
			if err != nil || !h.matches(fr) {
				break
			}
			d.total = h.sampleOf(fr) + int64(fr.BlockSize)
		}
	}
	d.reset(h.dataStart)
	return d, nil
}

func (d *flacDecoder) reset(off int64) {
	d.f.Seek(off, io.SeekStart)
	d.cr.r.Reset(d.f)
	d.cr.n = 0
	d.base = off
	d.buf = d.buf[:0]
}

func (d *flacDecoder) Info() Info {
	return Info{Format: FLAC, SampleRate: d.h.rate, Channels: d.h.channels, Frames: d.total, Duration: framesDuration(d.total, d.h.rate)}
}

// nextFrame decodes the next frame into buf.
func (d *flacDecoder) nextFrame() error {
	fr, err := frame.Parse(d.cr)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return corruptf("FLAC frame at byte %d: %v", d.base+d.cr.n, err)
	}
	if !d.h.matches(fr) {
		return corruptf("FLAC frame at byte %d does not match the stream", d.base+d.cr.n)
	}
	n := int(fr.BlockSize)
	ch := d.h.channels
	if cap(d.buf) < n*ch {
		d.buf = make([]int16, n*ch)
	}
	d.buf = d.buf[:n*ch]
	shift := d.h.bps - 16
	for c, sf := range fr.Subframes {
		for i, s := range sf.Samples[:n] {
			if shift >= 0 {
				s >>= uint(shift)
			} else {
				s <<= uint(-shift)
			}
			d.buf[i*ch+c] = int16(s)
		}
	}
	d.bufPos = d.h.sampleOf(fr)
	return nil
}

func (d *flacDecoder) Read(pcm []int16) (int, error) {
	ch := d.h.channels
	if len(pcm) < ch {
		return 0, io.ErrShortBuffer
	}
	out := 0
	for out+ch <= len(pcm) && d.cur < d.total {
		bufFrames := int64(len(d.buf) / ch)
		if d.cur >= d.bufPos && d.cur < d.bufPos+bufFrames {
			from := int(d.cur - d.bufPos)
			n := min(int(bufFrames)-from, (len(pcm)-out)/ch, int(d.total-d.cur))
			copy(pcm[out:], d.buf[from*ch:(from+n)*ch])
			out += n * ch
			d.cur += int64(n)
			continue
		}
		if err := d.nextFrame(); err != nil {
			if errors.Is(err, io.EOF) {
				d.total = d.cur // STREAMINFO promised more than the frames hold
				break
			}
			return out, fmt.Errorf("read flac: %w", err)
		}
		if d.bufPos > d.cur {
			return out, fmt.Errorf("read flac: %w", corruptf("FLAC frames skip from sample %d to %d", d.cur, d.bufPos))
		}
	}
	if out == 0 {
		return 0, io.EOF
	}
	return out, nil
}

// Seek bisects the file for the last frame starting at or before the
// target, then decodes forward to it.
func (d *flacDecoder) Seek(offset int64, whence int) (int64, error) {
	target, err := seekTarget(offset, whence, d.cur, d.total)
	if err != nil {
		return d.cur, fmt.Errorf("seek flac: %w", err)
	}
	bufFrames := int64(len(d.buf) / d.h.channels)
	if target >= d.bufPos && target < d.bufPos+bufFrames {
		d.cur = target
		return target, nil
	}
	lo, hi := d.h.dataStart, d.size
	for hi-lo > 256<<10 {
		mid := lo + (hi-lo)/2
		off, sample, ok := d.findFrame(mid, hi)
		if !ok || sample > target {
			hi = mid
			continue
		}
		lo = off
	}
	d.reset(lo)
	d.cur = target
	return target, nil
}

// findFrame returns the first valid frame starting in [from, to).
func (d *flacDecoder) findFrame(from, to int64) (int64, int64, bool) {
	win := make([]byte, 64<<10)
	for off := from; off < to; off += int64(len(win)) - 16 {
		n, _ := d.f.ReadAt(win, off)
		if n < 2 {
			return 0, 0, false
		}
		for i := 0; i+1 < n && off+int64(i) < to; i++ {
			if win[i] != 0xFF || win[i+1]&0xFE != 0xF8 {
				continue
			}
			sr := io.NewSectionReader(d.f, off+int64(i), d.size-off-int64(i))
			fr, err := frame.Parse(bufio.NewReaderSize(sr, 16<<10))
			if err == nil && d.h.matches(fr) {
				return off + int64(i), d.h.sampleOf(fr), true
			}
		}
		if n < len(win) {
			break
		}
	}
	return 0, 0, false
}

func (d *flacDecoder) Close() error { return d.f.Close() }
