package audio

import (
	"encoding/binary"
	"errors"
	"io"
)

// Ogg framing per RFC 3533: the muxer writes one logical stream; the page
// parser reads any page and checks its CRC.

const (
	oggHeaderSize = 27
	oggMaxSegs    = 255
	oggFlagCont   = 0x01 // first packet on the page continues from the last
	oggFlagBOS    = 0x02
	oggFlagEOS    = 0x04
	oggMaxPage    = oggHeaderSize + oggMaxSegs + oggMaxSegs*255
)

// oggCRCTable is the CRC-32 of RFC 3533: polynomial 0x04c11db7, not
// reflected, zero initial value and no final XOR.
var oggCRCTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for j := 0; j < 8; j++ {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

func oggCRC(crc uint32, b []byte) uint32 {
	for _, c := range b {
		crc = crc<<8 ^ oggCRCTable[byte(crc>>24)^c]
	}
	return crc
}

// oggPage is one parsed page. Body and Segs alias the parsed buffer.
type oggPage struct {
	Flags   byte
	Granule int64
	Serial  uint32
	Seq     uint32
	Segs    []byte // lacing values
	Body    []byte
}

var (
	errOggShort = errors.New("ogg page cut short")
	errOggSync  = errors.New("no ogg page here")
	errOggCRC   = errors.New("ogg page checksum mismatch")
)

// parseOggPage reads the page at the start of b and returns it with its
// length in bytes. It returns errOggShort when b ends inside the page,
// errOggSync when b does not start with a page, errOggCRC when the page is
// damaged.
func parseOggPage(b []byte) (oggPage, int, error) {
	var p oggPage
	if len(b) < oggHeaderSize {
		if len(b) >= 4 && string(b[:4]) != "OggS" {
			return p, 0, errOggSync
		}
		return p, 0, errOggShort
	}
	if string(b[:4]) != "OggS" || b[4] != 0 {
		return p, 0, errOggSync
	}
	nsegs := int(b[26])
	if len(b) < oggHeaderSize+nsegs {
		return p, 0, errOggShort
	}
	segs := b[oggHeaderSize : oggHeaderSize+nsegs]
	bodyLen := 0
	for _, s := range segs {
		bodyLen += int(s)
	}
	n := oggHeaderSize + nsegs + bodyLen
	if len(b) < n {
		return p, 0, errOggShort
	}
	le := binary.LittleEndian
	want := le.Uint32(b[22:])
	crc := oggCRC(0, b[:22])
	crc = oggCRC(crc, []byte{0, 0, 0, 0})
	crc = oggCRC(crc, b[26:n])
	if crc != want {
		return p, 0, errOggCRC
	}
	p.Flags = b[5]
	p.Granule = int64(le.Uint64(b[6:]))
	p.Serial = le.Uint32(b[14:])
	p.Seq = le.Uint32(b[18:])
	p.Segs = segs
	p.Body = b[oggHeaderSize+nsegs : n]
	return p, n, nil
}

// packets splits the page body into packet pieces. The last piece is
// unfinished (continues on the next page) when last is false.
func (p oggPage) packets() (pieces [][]byte, lastComplete bool) {
	off, start := 0, 0
	lastComplete = true
	for i, s := range p.Segs {
		off += int(s)
		if s < 255 {
			pieces = append(pieces, p.Body[start:off])
			start = off
		} else if i == len(p.Segs)-1 {
			pieces = append(pieces, p.Body[start:off])
			lastComplete = false
		}
	}
	return pieces, lastComplete
}

// appendOggPage encodes a page into dst.
func appendOggPage(dst []byte, flags byte, granule int64, serial, seq uint32, segs, body []byte) []byte {
	start := len(dst)
	var h [oggHeaderSize]byte
	copy(h[:], "OggS")
	h[5] = flags
	le := binary.LittleEndian
	le.PutUint64(h[6:], uint64(granule))
	le.PutUint32(h[14:], serial)
	le.PutUint32(h[18:], seq)
	h[26] = byte(len(segs))
	dst = append(dst, h[:]...)
	dst = append(dst, segs...)
	dst = append(dst, body...)
	le.PutUint32(dst[start+22:], oggCRC(0, dst[start:]))
	return dst
}

// oggWriter muxes whole packets into pages of one logical stream. Packets
// never span pages, so every page is decodable on its own.
type oggWriter struct {
	w       io.Writer
	serial  uint32
	seq     uint32
	flags   byte // BOS for the first page
	granule int64
	segs    []byte
	body    []byte
	npk     int
	out     []byte
}

func newOggWriter(w io.Writer, serial uint32) *oggWriter {
	return &oggWriter{w: w, serial: serial, flags: oggFlagBOS}
}

// add queues a packet whose last sample has the given granule position,
// first writing out the current page if the packet does not fit in it.
func (o *oggWriter) add(packet []byte, granule int64) error {
	need := len(packet)/255 + 1
	if need > oggMaxSegs {
		return errors.New("ogg: packet too large for one page")
	}
	if len(o.segs)+need > oggMaxSegs {
		if err := o.flush(false); err != nil {
			return err
		}
	}
	for n := len(packet); ; n -= 255 {
		if n < 255 {
			o.segs = append(o.segs, byte(n))
			break
		}
		o.segs = append(o.segs, 255)
	}
	o.body = append(o.body, packet...)
	o.granule = granule
	o.npk++
	return nil
}

// pending reports how many packets wait in the current page.
func (o *oggWriter) pending() int { return o.npk }

// flush writes the current page (if it holds a packet, or eos is set).
func (o *oggWriter) flush(eos bool) error {
	if o.npk == 0 && !eos {
		return nil
	}
	flags := o.flags
	if eos {
		flags |= oggFlagEOS
	}
	o.out = appendOggPage(o.out[:0], flags, o.granule, o.serial, o.seq, o.segs, o.body)
	if _, err := o.w.Write(o.out); err != nil {
		return err
	}
	o.flags = 0
	o.seq++
	o.segs, o.body, o.npk = o.segs[:0], o.body[:0], 0
	return nil
}
