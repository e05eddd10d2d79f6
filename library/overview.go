package library

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"
)

// overviewName is the waveform overview's file suffix under $DATA/cache.
const overviewName = "overview"

// overviewPerSecond is the stored overview's resolution: one peak per 20 ms
// (720 KB for two hours) is finer than any screen shows a whole recording,
// and reading it takes about a millisecond.
const overviewPerSecond = 50

// overviewMagic starts an overview file; the digit is its version.
var overviewMagic = [4]byte{'E', 'O', 'V', '1'}

// ErrNoOverview is returned (wrapped) by Overview for a recording whose
// overview has not been computed yet (see Analyze).
var ErrNoOverview = errors.New("waveform overview not computed yet")

// Overview is a recording's stored waveform: Peaks[i] is the loudest sample
// (0..32767, over all channels) of its i-th stretch of Step.
type Overview struct {
	Step  time.Duration
	Peaks []uint16
}

// Bars returns n values (0..1), each the loudest of its share of the
// recording, for drawing the whole of it n bars wide. An empty overview
// gives n zeros.
func (o Overview) Bars(n int) []float32 {
	out := make([]float32, max(n, 0))
	m := len(o.Peaks)
	if m == 0 {
		return out
	}
	for i := range out {
		lo, hi := i*m/n, (i+1)*m/n
		hi = max(hi, lo+1) // a short recording: bars repeat its peaks
		var p uint16
		for _, v := range o.Peaks[lo:min(hi, m)] {
			p = max(p, v)
		}
		out[i] = float32(p) / 32768
	}
	return out
}

// Overview reads recording id's stored waveform overview. It is computed
// once, when the recording is committed, imported or downloaded (or by
// Analyze for older ones); an error matching ErrNoOverview means it is not
// there yet.
func (l *Library) Overview(id string) (Overview, error) {
	if err := cleanID(id); err != nil {
		return Overview{}, fmt.Errorf("read overview: %w", err)
	}
	b, err := os.ReadFile(l.analysisPath(id, overviewName))
	if errors.Is(err, os.ErrNotExist) {
		return Overview{}, fmt.Errorf("read overview of %s: %w", id, ErrNoOverview)
	}
	if err != nil {
		return Overview{}, fmt.Errorf("read overview of %s: %w", id, err)
	}
	o, err := decodeOverview(b)
	if err != nil {
		// Derived data: drop it, so Analyze makes it again.
		removeQuiet(l.analysisPath(id, overviewName))
		return Overview{}, fmt.Errorf("read overview of %s: %w (%w)", id, ErrNoOverview, err)
	}
	return o, nil
}

// overviewHeader precedes the peaks (little-endian uint16 each).
type overviewHeader struct {
	Magic       [4]byte
	SampleRate  uint32
	BucketFrame uint32 // frames per peak
	Count       uint32
}

func decodeOverview(b []byte) (Overview, error) {
	var h overviewHeader
	r := bytes.NewReader(b)
	if err := binary.Read(r, binary.LittleEndian, &h); err != nil || h.Magic != overviewMagic {
		return Overview{}, errors.New("not an overview file")
	}
	if h.SampleRate == 0 || h.BucketFrame == 0 || int64(r.Len()) != 2*int64(h.Count) {
		return Overview{}, errors.New("damaged overview file")
	}
	peaks := make([]uint16, h.Count)
	if err := binary.Read(r, binary.LittleEndian, peaks); err != nil {
		return Overview{}, fmt.Errorf("damaged overview file: %w", err)
	}
	step := time.Duration(h.BucketFrame) * time.Second / time.Duration(h.SampleRate)
	return Overview{Step: step, Peaks: peaks}, nil
}

// overviewAnalyzer keeps the loudest sample of each bucket of frames.
type overviewAnalyzer struct {
	rate, channels int
	bucket         int // frames per peak
	sample         int // samples of the current frame seen
	inBucket       int // frames of the current bucket seen
	cur            uint16
	peaks          []uint16
}

func newOverviewAnalyzer(sampleRate, channels int) analyzer {
	return &overviewAnalyzer{rate: sampleRate, channels: channels, bucket: max(sampleRate/overviewPerSecond, 1)}
}

func (a *overviewAnalyzer) write(pcm []int16) {
	for _, s := range pcm {
		v := int32(s)
		if v < 0 {
			v = -v
		}
		a.cur = max(a.cur, uint16(min(v, 32767)))
		if a.sample++; a.sample < a.channels {
			continue
		}
		a.sample = 0
		if a.inBucket++; a.inBucket == a.bucket {
			a.peaks = append(a.peaks, a.cur)
			a.cur, a.inBucket = 0, 0
		}
	}
}

func (a *overviewAnalyzer) encode(string) ([]byte, error) {
	peaks := a.peaks
	if a.inBucket > 0 || a.sample > 0 {
		peaks = append(peaks, a.cur) // the last, partial bucket
	}
	var buf bytes.Buffer
	h := overviewHeader{Magic: overviewMagic, SampleRate: uint32(a.rate), BucketFrame: uint32(a.bucket), Count: uint32(len(peaks))}
	if err := binary.Write(&buf, binary.LittleEndian, h); err != nil {
		return nil, err
	}
	if err := binary.Write(&buf, binary.LittleEndian, peaks); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
