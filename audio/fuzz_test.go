package audio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOggPage: the page parser never panics, and a page it accepts encodes
// back to the same bytes (so CRC and lacing are understood, not guessed).
func FuzzOggPage(f *testing.F) {
	f.Add(appendOggPage(nil, oggFlagBOS, 0, 7, 0, []byte{19}, append([]byte("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00"), 0)))
	f.Add(appendOggPage(nil, 0, 960*25, 7, 2, []byte{255, 255, 10, 0, 3}, make([]byte, 523)))
	f.Add(appendOggPage(nil, oggFlagCont|oggFlagEOS, -1, 7, 9, []byte{255}, make([]byte, 255)))
	f.Add([]byte("OggS"))
	f.Add([]byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x05abc"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, n, err := parseOggPage(b)
		if err != nil {
			if !errors.Is(err, errOggShort) && !errors.Is(err, errOggSync) && !errors.Is(err, errOggCRC) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if n > len(b) || n < oggHeaderSize {
			t.Fatalf("page length %d of %d bytes", n, len(b))
		}
		again := appendOggPage(nil, p.Flags, p.Granule, p.Serial, p.Seq, p.Segs, p.Body)
		if !bytes.Equal(again, b[:n]) {
			t.Fatalf("re-encoded page differs")
		}
		pieces, _ := p.packets()
		total := 0
		for _, pc := range pieces {
			total += len(pc)
		}
		if total != len(p.Body) {
			t.Fatalf("packets cover %d of %d body bytes", total, len(p.Body))
		}
		// The stream reader agrees with the one-shot parser.
		rp, _, err := newOggReader(bytes.NewReader(b), 0).next()
		if err != nil || rp.Granule != p.Granule || !bytes.Equal(rp.Body, p.Body) {
			t.Fatalf("stream reader disagrees: %v", err)
		}
	})
}

// FuzzWAVHeader: the WAV header parser never panics and what it accepts
// is self-consistent and inside the file.
func FuzzWAVHeader(f *testing.F) {
	var h [wavHeaderSize]byte
	putWAVHeader(h[:], 48000, 1, 0)
	f.Add(h[:])
	putWAVHeader(h[:], 44100, 2, 8)
	f.Add(append(h[:], 1, 2, 3, 4, 5, 6, 7, 8))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEJUNK\x04\x00\x00\x00abcdfmt \x10\x00\x00\x00\x01\x00\x01\x00\x44\xac\x00\x00\x88\x58\x01\x00\x02\x00\x10\x00data\xff\xff\xff\xff\x01\x00"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x28\x00\x00\x00\xfe\xff\x02\x00\x80\xbb\x00\x00\x00\x65\x04\x00\x06\x00\x18\x00\x16\x00\x18\x00\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71data\x06\x00\x00\x00\x01\x02\x03\x04\x05\x06"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseWAVHeader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if h.blockAlign <= 0 || h.blockAlign != h.channels*h.bits/8 {
			t.Fatalf("block align %d for %d channels of %d bits", h.blockAlign, h.channels, h.bits)
		}
		if h.dataOff+h.dataLen > int64(len(b)) || h.dataLen%int64(h.blockAlign) != 0 || h.dataLen < 0 {
			t.Fatalf("data %d+%d outside %d bytes", h.dataOff, h.dataLen, len(b))
		}
		// Whatever it accepts decodes to the frame count it promises.
		if h.frames() > 1<<16 {
			return
		}
		path := filepath.Join(t.TempDir(), "f.wav")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		readAll(t, path)
	})
}

// FuzzOpusStream: a whole Ogg Opus file of any bytes scans without panic;
// a decoder over it either fails cleanly or reads what Info promises.
func FuzzOpusStream(f *testing.F) {
	var good bytes.Buffer
	w := newOggWriter(&good, 9)
	w.add(append([]byte("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00"), 0), 0)
	w.flush(false)
	w.add(opusTags("x"), 0)
	w.flush(false)
	w.add([]byte{0xf8, 0xff, 0xfe}, 960)
	w.add([]byte{0xf8, 0xff, 0xfe}, 1920)
	w.granule = 1500
	w.flush(true)
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:good.Len()-3])
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := scanOpus(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if s.frames() < 0 {
			t.Fatalf("negative length")
		}
	})
}
