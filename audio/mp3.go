package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hajimehoshi/go-mp3"
)

// mp3Decoder adapts go-mp3, which always yields 16-bit stereo, to Decoder.
// Earshot only imports MP3 (through Convert); it never writes it.
type mp3Decoder struct {
	f      *os.File
	d      *mp3.Decoder
	frames int64
	cur    int64
	buf    []byte
}

var _ Decoder = (*mp3Decoder)(nil)

func openMP3(f *os.File, _ int64) (*mp3Decoder, error) {
	d, err := mp3.NewDecoder(f)
	if err != nil {
		return nil, unsupportedf("MP3 that does not decode (%v)", err)
	}
	n := d.Length()
	if n <= 0 {
		return nil, corruptf("MP3 with no audio frames")
	}
	return &mp3Decoder{f: f, d: d, frames: n / 4}, nil
}

func (m *mp3Decoder) Info() Info {
	return Info{Format: MP3, SampleRate: m.d.SampleRate(), Channels: 2, Frames: m.frames, Duration: framesDuration(m.frames, m.d.SampleRate())}
}

func (m *mp3Decoder) Read(pcm []int16) (int, error) {
	n := min(len(pcm)/2, int(m.frames-m.cur)) * 2
	if n <= 0 {
		if len(pcm) < 2 {
			return 0, io.ErrShortBuffer
		}
		return 0, io.EOF
	}
	if cap(m.buf) < 2*n {
		m.buf = make([]byte, 2*n)
	}
	b := m.buf[:2*n]
	got, err := io.ReadFull(m.d, b)
	got -= got % 4
	for i := 0; i < got/2; i++ {
		pcm[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	m.cur += int64(got / 4)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return got / 2, fmt.Errorf("read mp3: %w", err)
	}
	if got == 0 {
		m.frames = m.cur
		return 0, io.EOF
	}
	return got / 2, nil
}

func (m *mp3Decoder) Seek(offset int64, whence int) (int64, error) {
	target, err := seekTarget(offset, whence, m.cur, m.frames)
	if err != nil {
		return m.cur, fmt.Errorf("seek mp3: %w", err)
	}
	if _, err := m.d.Seek(target*4, io.SeekStart); err != nil {
		return m.cur, fmt.Errorf("seek mp3: %w", err)
	}
	m.cur = target
	return target, nil
}

func (m *mp3Decoder) Close() error { return m.f.Close() }
