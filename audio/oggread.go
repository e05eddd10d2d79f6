package audio

import (
	"bufio"
	"errors"
	"io"
)

// oggReader reads pages one after another from a stream, checking each
// page's CRC.
type oggReader struct {
	r   *bufio.Reader
	off int64 // file offset of the next page
	buf []byte
}

func newOggReader(r io.Reader, off int64) *oggReader {
	return &oggReader{r: bufio.NewReaderSize(r, 2*oggMaxPage), off: off}
}

// reset makes the reader continue from r, which is positioned at off.
func (o *oggReader) reset(r io.Reader, off int64) {
	o.r.Reset(r)
	o.off = off
}

// next returns the next page and its file offset. The page's slices stay
// valid until the following call. At a clean end of input it returns
// io.EOF; errOggShort, errOggSync and errOggCRC describe a damaged tail.
func (o *oggReader) next() (oggPage, int64, error) {
	head, err := o.r.Peek(oggHeaderSize)
	if err != nil {
		if len(head) == 0 && errors.Is(err, io.EOF) {
			return oggPage{}, o.off, io.EOF
		}
		if errors.Is(err, io.EOF) {
			if _, _, perr := parseOggPage(head); errors.Is(perr, errOggSync) {
				return oggPage{}, o.off, errOggSync
			}
			return oggPage{}, o.off, errOggShort
		}
		return oggPage{}, o.off, err
	}
	if string(head[:4]) != "OggS" {
		return oggPage{}, o.off, errOggSync
	}
	segs, err := o.r.Peek(oggHeaderSize + int(head[26]))
	if err != nil {
		return oggPage{}, o.off, shortIfEOF(err)
	}
	n := oggHeaderSize + len(segs[oggHeaderSize:])
	for _, s := range segs[oggHeaderSize:] {
		n += int(s)
	}
	whole, err := o.r.Peek(n)
	if err != nil {
		return oggPage{}, o.off, shortIfEOF(err)
	}
	o.buf = append(o.buf[:0], whole...)
	p, _, err := parseOggPage(o.buf)
	if err != nil {
		return oggPage{}, o.off, err
	}
	o.r.Discard(n)
	off := o.off
	o.off += int64(n)
	return p, off, nil
}

func shortIfEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return errOggShort
	}
	return err
}

// opusPacketSamples returns the duration of an Opus packet in 48 kHz
// samples from its TOC byte (RFC 6716 §3.1), or 0 for a malformed packet.
func opusPacketSamples(p []byte) int {
	if len(p) == 0 {
		return 0
	}
	config := int(p[0] >> 3)
	var size int
	switch {
	case config < 12: // SILK: 10, 20, 40, 60 ms
		size = []int{480, 960, 1920, 2880}[config&3]
	case config < 16: // hybrid: 10, 20 ms
		size = []int{480, 960}[config&1]
	default: // CELT: 2.5, 5, 10, 20 ms
		size = []int{120, 240, 480, 960}[config&3]
	}
	switch p[0] & 3 {
	case 0:
		return size
	case 1, 2:
		return 2 * size
	}
	if len(p) < 2 {
		return 0
	}
	return int(p[1]&0x3F) * size
}
