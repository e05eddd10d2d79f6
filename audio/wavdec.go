package audio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
)

// wavDecoder reads a WAV file's samples as int16, converting other sample
// formats (8/24/32-bit integer, float) on the way.
type wavDecoder struct {
	f   *os.File
	r   *bufio.Reader
	h   wavHeader
	pos int64 // frame
	buf []byte
}

var _ Decoder = (*wavDecoder)(nil)

func openWAV(f *os.File, size int64) (*wavDecoder, error) {
	h, err := parseWAVHeader(f, size)
	if err != nil {
		return nil, err
	}
	d := &wavDecoder{f: f, h: h, r: bufio.NewReaderSize(nil, 64<<10)}
	if _, err := d.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *wavDecoder) Info() Info { return d.h.info(WAV) }

func (d *wavDecoder) Read(pcm []int16) (int, error) {
	ch := d.h.channels
	frames := int64(len(pcm) / ch)
	if left := d.h.frames() - d.pos; frames > left {
		frames = left
	}
	if frames <= 0 {
		if len(pcm) < ch {
			return 0, io.ErrShortBuffer
		}
		return 0, io.EOF
	}
	bps := d.h.bits / 8
	n := int(frames) * ch
	if cap(d.buf) < n*bps {
		d.buf = make([]byte, n*bps)
	}
	b := d.buf[:n*bps]
	if _, err := io.ReadFull(d.r, b); err != nil {
		return 0, fmt.Errorf("read wav: %w", err)
	}
	le := binary.LittleEndian
	for i := 0; i < n; i++ {
		s := b[i*bps:]
		switch {
		case d.h.float && bps == 4:
			pcm[i] = floatToInt16(float64(math.Float32frombits(le.Uint32(s))))
		case d.h.float:
			pcm[i] = floatToInt16(math.Float64frombits(le.Uint64(s)))
		case bps == 1:
			pcm[i] = int16(int(s[0])-128) << 8
		case bps == 2:
			pcm[i] = int16(le.Uint16(s))
		case bps == 3:
			pcm[i] = int16(uint16(s[1]) | uint16(s[2])<<8)
		default:
			pcm[i] = int16(le.Uint32(s) >> 16)
		}
	}
	d.pos += frames
	return n, nil
}

func (d *wavDecoder) Seek(offset int64, whence int) (int64, error) {
	frame, err := seekTarget(offset, whence, d.pos, d.h.frames())
	if err != nil {
		return d.pos, fmt.Errorf("seek wav: %w", err)
	}
	if _, err := d.f.Seek(d.h.dataOff+frame*int64(d.h.blockAlign), io.SeekStart); err != nil {
		return d.pos, fmt.Errorf("seek wav: %w", err)
	}
	d.r.Reset(d.f)
	d.pos = frame
	return frame, nil
}

func (d *wavDecoder) Close() error { return d.f.Close() }

// floatToInt16 scales a sample in -1..1 to 16 bits, rounding and clipping.
func floatToInt16(x float64) int16 {
	v := math.Round(x * 32768)
	if v > 32767 {
		return 32767
	}
	if v < -32768 {
		return -32768
	}
	return int16(v)
}
