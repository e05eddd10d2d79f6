// Package vad finds where a recording holds speech: a speech/silence map that
// skip-silence playback, the transcript splitter and the waveform use.
//
// The detector works on noisy speech, not only on digital silence. Each 10 ms
// frame's energy is measured in two bands: the voice band (200 Hz–3.4 kHz,
// which takes most broadband noise out and keeps vowels and most consonants)
// and the fricative band (3.4–8 kHz, where an "s" or a "t" release lives and
// a voice band alone misses word ends). In each band the noise floor is the quiet end of the energies around each frame
// (a low percentile over a sliding window, so it follows noise that changes),
// and a frame is speech when either band stands clearly above its floor. Spans start
// where energy crosses a high threshold and are widened to where it falls back
// under a low one (hysteresis), short gaps inside speech are closed and short
// clicks are dropped.
//
// It is one pass over the samples and keeps only one number per frame, so an
// hour of audio takes a few megabytes and well under a second of CPU.
package vad

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/earshot/earshot/audio"
)

// Span is one stretch of speech, in the recording's own time.
type Span struct {
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
}

// Map is a recording's speech map: the speech spans in order, not
// overlapping, within 0..Duration.
type Map struct {
	Duration time.Duration `json:"duration"`
	Speech   []Span        `json:"speech"`
}

// Version names the detector's rules; a cached map made by another version
// is computed again.
const Version = 1

const (
	frameLen   = 10 * time.Millisecond
	floorWin   = 300     // frames each side of a frame whose floor is taken (3 s)
	floorPct   = 0.10    // the noise floor is this quantile of the window
	highDB     = 6.0     // dB over the floor that starts speech
	lowDB      = 3.0     // dB over the floor that keeps speech going
	minGap     = 200     // ms: gaps shorter than this inside speech are closed
	minSpeech  = 60      // ms: speech shorter than this is dropped (clicks)
	silenceDB  = -90.0   // dBFS below which a frame is silent whatever the floor
	floorStep  = 25      // frames between floor estimates (interpolated between)
	powerFloor = 1e-12   // keeps log10 finite on digital silence
	readFrames = 1 << 13 // frames decoded per Read
)

// Analyzer builds a speech map from samples written to it in order. It keeps
// one energy value per 10 ms frame. Not safe for concurrent use.
type Analyzer struct {
	rate, ch int
	perFrame int // samples per channel in a frame
	bands    [2]band
	n        int
	frames   int64
}

// band measures one frequency band's energy per frame.
type band struct {
	hp, lp biquad
	acc    float64
	energy []float32 // dBFS per frame
}

func (b *band) push(n int) {
	p := b.acc/float64(n) + powerFloor
	b.energy = append(b.energy, float32(10*math.Log10(p)))
	b.acc = 0
}

// NewAnalyzer returns an Analyzer for interleaved 16-bit audio at rate Hz
// with ch channels.
func NewAnalyzer(rate, ch int) (*Analyzer, error) {
	if rate < 8000 || ch < 1 {
		return nil, fmt.Errorf("speech map: %w: %d Hz, %d channels", audio.ErrBadParams, rate, ch)
	}
	r := float64(rate)
	return &Analyzer{
		rate: rate, ch: ch,
		perFrame: int(int64(rate) * int64(frameLen) / int64(time.Second)),
		bands: [2]band{
			{hp: highPass(200, r), lp: lowPass(3400, r)},
			{hp: highPass(3400, r), lp: lowPass(8000, r)},
		},
	}, nil
}

// Write analyses interleaved samples (a whole number of frames). It does not
// retain pcm.
func (a *Analyzer) Write(pcm []int16) {
	for i := 0; i+a.ch <= len(pcm); i += a.ch {
		var s float64
		for c := 0; c < a.ch; c++ {
			s += float64(pcm[i+c])
		}
		x := s / float64(a.ch) / 32768
		for b := range a.bands {
			y := a.bands[b].lp.step(a.bands[b].hp.step(x))
			a.bands[b].acc += y * y
		}
		a.n++
		a.frames++
		if a.n == a.perFrame {
			a.pushFrame()
		}
	}
}

func (a *Analyzer) pushFrame() {
	for b := range a.bands {
		a.bands[b].push(a.n)
	}
	a.n = 0
}

// Map finishes the analysis and returns the speech map of everything
// written. The Analyzer can take no more samples after.
func (a *Analyzer) Map() Map {
	if a.n > 0 {
		a.pushFrame()
	}
	dur := time.Duration(float64(a.frames) / float64(a.rate) * float64(time.Second))
	speech := decide(a.bands[0].energy, a.bands[1].energy)
	m := Map{Duration: dur}
	fl := time.Duration(a.perFrame) * time.Second / time.Duration(a.rate)
	for _, r := range spans(speech) {
		m.Speech = append(m.Speech, Span{Start: time.Duration(r[0]) * fl, End: min(time.Duration(r[1])*fl, dur)})
	}
	return m
}

// Detect reads dec from its current position to the end and returns its
// speech map. It stops early with ctx's error.
func Detect(ctx context.Context, dec audio.Decoder) (Map, error) {
	info := dec.Info()
	a, err := NewAnalyzer(info.SampleRate, info.Channels)
	if err != nil {
		return Map{}, err
	}
	buf := make([]int16, readFrames*info.Channels)
	for {
		if err := ctx.Err(); err != nil {
			return Map{}, fmt.Errorf("speech map: %w", err)
		}
		n, err := dec.Read(buf)
		a.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			return a.Map(), nil
		}
		if err != nil {
			return Map{}, fmt.Errorf("speech map: %w", err)
		}
	}
}

// DetectFile is Detect over the audio file at path.
func DetectFile(ctx context.Context, path string) (Map, error) {
	dec, err := audio.OpenDecoder(path)
	if err != nil {
		return Map{}, fmt.Errorf("speech map: %w", err)
	}
	defer dec.Close()
	return Detect(ctx, dec)
}
