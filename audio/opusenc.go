package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"

	"gopkg.in/hraban/opus.v2"
)

// Ogg Opus constants (RFC 7845).
const (
	opusRate         = 48000 // granule positions always count 48 kHz samples
	opusFrameMs      = 20
	opusPagePackets  = 25 // 0.5 s of 20 ms packets per page at most
	opusMaxPacket    = 4000
	opusVendorPrefix = "Earshot"
)

// opusRates are the input rates libopus encodes natively.
var opusRates = []int{8000, 12000, 16000, 24000, 48000}

func isOpusRate(r int) bool {
	for _, x := range opusRates {
		if x == r {
			return true
		}
	}
	return false
}

// opusEncoder writes Ogg Opus: 20 ms voice packets, at most 0.5 s per page,
// each page complete in itself so a crash loses at most the page in flight.
type opusEncoder struct {
	f         *os.File
	enc       *opus.Encoder
	ogg       *oggWriter
	rate, ch  int
	frameSize int   // input samples per channel per packet
	scale     int64 // 48 kHz samples per input sample
	preSkip   int   // at 48 kHz
	lookahead int   // at the input rate
	pending   []int16
	packets   int64
	frames    int64 // input frames written
	pkt       []byte
	err       error
}

var _ Encoder = (*opusEncoder)(nil)

func newOpusEncoder(path string, rate, channels int, o encOptions) (*opusEncoder, error) {
	if !isOpusRate(rate) {
		return nil, fmt.Errorf("%w: Opus records at 8, 12, 16, 24 or 48 kHz, not %d Hz; pick one of those or record as FLAC", ErrBadParams, rate)
	}
	if o.bitrate < 6000 || o.bitrate > 510000 {
		return nil, fmt.Errorf("%w: Opus bit rate %d b/s (use 6000 to 510000)", ErrBadParams, o.bitrate)
	}
	enc, err := opus.NewEncoder(rate, channels, opus.AppVoIP)
	if err != nil {
		return nil, fmt.Errorf("start Opus encoder: %w", err)
	}
	if err := enc.SetBitrate(o.bitrate); err != nil {
		return nil, fmt.Errorf("set Opus bit rate: %w", err)
	}
	if err := enc.SetComplexity(opusComplexity); err != nil {
		return nil, fmt.Errorf("set Opus complexity: %w", err)
	}
	la, err := opusLookahead(rate, channels, int(opus.AppVoIP))
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	e := &opusEncoder{
		f: f, enc: enc, rate: rate, ch: channels,
		frameSize: rate * opusFrameMs / 1000,
		scale:     int64(opusRate / rate),
		lookahead: la,
		preSkip:   la * (opusRate / rate),
		ogg:       newOggWriter(f, rand.Uint32()),
		pkt:       make([]byte, opusMaxPacket),
	}
	e.pending = make([]int16, 0, e.frameSize*channels)
	if err := e.writeHeaders(rate); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

// opusComplexity matches opusenc's default, so the benchmark against it
// compares like with like.
const opusComplexity = 10

// writeHeaders writes the OpusHead and OpusTags pages (RFC 7845 §5).
func (e *opusEncoder) writeHeaders(inputRate int) error {
	head := make([]byte, 19)
	copy(head, "OpusHead")
	head[8] = 1 // version
	head[9] = byte(e.ch)
	binary.LittleEndian.PutUint16(head[10:], uint16(e.preSkip))
	binary.LittleEndian.PutUint32(head[12:], uint32(inputRate))
	// output gain 0, channel mapping family 0
	if err := e.ogg.add(head, 0); err != nil {
		return err
	}
	if err := e.ogg.flush(false); err != nil {
		return err
	}
	if err := e.ogg.add(opusTags(opusVendorPrefix+" ("+opus.Version()+")", "ENCODER=Earshot"), 0); err != nil {
		return err
	}
	return e.ogg.flush(false)
}

// opusTags builds an OpusTags packet.
func opusTags(vendor string, comments ...string) []byte {
	le := binary.LittleEndian
	b := []byte("OpusTags")
	b = le.AppendUint32(b, uint32(len(vendor)))
	b = append(b, vendor...)
	b = le.AppendUint32(b, uint32(len(comments)))
	for _, c := range comments {
		b = le.AppendUint32(b, uint32(len(c)))
		b = append(b, c...)
	}
	return b
}

func (e *opusEncoder) Write(pcm []int16) error {
	if e.err != nil {
		return e.err
	}
	if len(pcm)%e.ch != 0 {
		return fmt.Errorf("write opus: %w: %d samples is not a whole number of %d-channel frames", ErrBadParams, len(pcm), e.ch)
	}
	e.frames += int64(len(pcm) / e.ch)
	if err := e.feed(pcm); err != nil {
		e.err = fmt.Errorf("write opus: %w", err)
		return e.err
	}
	return nil
}

// feed encodes every whole frame of pending+pcm and keeps the rest.
func (e *opusEncoder) feed(pcm []int16) error {
	full := e.frameSize * e.ch
	for len(pcm) > 0 {
		if len(e.pending) == 0 && len(pcm) >= full {
			if err := e.encode(pcm[:full]); err != nil {
				return err
			}
			pcm = pcm[full:]
			continue
		}
		n := min(full-len(e.pending), len(pcm))
		e.pending = append(e.pending, pcm[:n]...)
		pcm = pcm[n:]
		if len(e.pending) == full {
			if err := e.encode(e.pending); err != nil {
				return err
			}
			e.pending = e.pending[:0]
		}
	}
	return nil
}

func (e *opusEncoder) encode(frame []int16) error {
	n, err := e.enc.Encode(frame, e.pkt)
	if err != nil {
		return fmt.Errorf("opus encode: %w", err)
	}
	// A full page goes out when the next packet arrives, not at once, so
	// the last packet of the stream always lands on the EOS page.
	if e.ogg.pending() >= opusPagePackets {
		if err := e.ogg.flush(false); err != nil {
			return err
		}
	}
	e.packets++
	return e.ogg.add(e.pkt[:n], e.packets*int64(e.frameSize)*e.scale)
}

// Sync writes the page being filled and fsyncs. Samples short of a whole
// 20 ms frame wait in memory for the next Write (at most 20 ms of audio).
func (e *opusEncoder) Sync() error {
	if e.err != nil {
		return e.err
	}
	if err := e.ogg.flush(false); err != nil {
		e.err = fmt.Errorf("sync opus: %w", err)
		return e.err
	}
	if err := e.f.Sync(); err != nil {
		e.err = fmt.Errorf("sync opus: %w", err)
		return e.err
	}
	return nil
}

// Close pads the input with silence so libopus emits the last real samples
// past its lookahead, sets the final granule position to trim the padding
// (RFC 7845 §4.4), and ends the stream.
func (e *opusEncoder) Close() (Info, error) {
	if e.f == nil {
		return Info{}, errors.New("close opus: encoder already closed")
	}
	err := e.finish()
	if cerr := e.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close opus: %w", cerr)
	}
	e.f = nil
	if e.err == nil {
		e.err = errors.New("opus encoder is closed")
	}
	if err != nil {
		return Info{}, err
	}
	n := e.frames * e.scale
	return Info{Format: Opus, SampleRate: opusRate, Channels: e.ch, Frames: n, Duration: framesDuration(n, opusRate)}, nil
}

func (e *opusEncoder) finish() error {
	if e.err != nil {
		return e.err
	}
	need := e.frames + int64(e.lookahead) // input frames the packets must cover
	fed := e.packets*int64(e.frameSize) + int64(len(e.pending)/e.ch)
	if pad := need - fed; pad > 0 {
		if r := (fed + pad) % int64(e.frameSize); r != 0 {
			pad += int64(e.frameSize) - r
		}
		if err := e.feed(make([]int16, pad*int64(e.ch))); err != nil {
			return fmt.Errorf("close opus: %w", err)
		}
	} else if len(e.pending) > 0 {
		if err := e.feed(make([]int16, e.frameSize*e.ch-len(e.pending))); err != nil {
			return fmt.Errorf("close opus: %w", err)
		}
	}
	// Close always feeds at least the lookahead, so the EOS page holds
	// the last packet and may trim it.
	e.ogg.granule = int64(e.preSkip) + e.frames*e.scale
	if err := e.ogg.flush(true); err != nil {
		return fmt.Errorf("close opus: %w", err)
	}
	if err := e.f.Sync(); err != nil {
		return fmt.Errorf("close opus: %w", err)
	}
	return nil
}
