package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/enhance"
	"github.com/earshot/earshot/audio/stretch"
	"github.com/earshot/earshot/audio/vad"
)

// span is a stretch of the recording in frames, [start, end).
type span struct{ start, end int64 }

// source turns the decoder into what the device plays: the recording from
// some frame on, without the pauses being skipped, time-stretched to the
// speed. It belongs to the filler goroutine (under Player.decMu).
type source struct {
	dec   audio.Decoder
	info  audio.Info
	at    int64  // the decoder's position
	skips []span // pauses to leave out, in order
	speed float64
	st    *stretch.Stretcher // nil at 1×: the decoded samples play as they are
	buf   []int16            // decoded
	out   []int16            // stretched
	ended bool               // decoder and stretcher are both drained

	enhanceOn bool              // wanted
	loudness  float64           // LUFS of the recording, for the enhancer's gain
	enh       *enhance.Enhancer // nil when off

	drained   bool // the decoder is at its end and the enhancer emptied
	stFlushed bool
}

func newSource(dec audio.Decoder) *source {
	info := dec.Info()
	n := info.SampleRate / 20 * info.Channels // 50 ms
	return &source{dec: dec, info: info, speed: 1, buf: make([]int16, n), out: make([]int16, 4*n)}
}

// reset starts over at frame with the current speed and skips.
func (s *source) reset(frame int64) error {
	if s.st != nil {
		s.st.Close()
		s.st = nil
	}
	if s.speed != 1 {
		st, err := stretch.New(s.info.SampleRate, s.info.Channels, s.speed)
		if err != nil {
			return err
		}
		s.st = st
	}
	if err := s.resetEnhancer(); err != nil {
		return err
	}
	s.ended, s.drained, s.stFlushed = false, false, false
	return s.seek(frame)
}

// resetEnhancer makes the enhancer match enhanceOn, emptied for a new start.
func (s *source) resetEnhancer() error {
	switch {
	case !s.enhanceOn && s.enh != nil:
		s.enh.Close()
		s.enh = nil
	case s.enhanceOn && s.enh == nil:
		e, err := enhance.NewEnhancer(context.Background(), s.info.SampleRate, s.info.Channels, s.loudness)
		if err != nil {
			return err
		}
		if err := s.prime(e); err != nil {
			e.Close()
			return err
		}
		s.enh = e
	case s.enh != nil:
		s.enh.Reset()
	}
	return nil
}

// primeFor is how much of the recording a new enhancer measures before
// playing: a short recording whole, so its gain is right from the start
// (noise suppression can take several LU off a noisy one, which the
// leveller otherwise learns only as it plays); at 26× real time, 0.4 s.
const primeFor = 10 * time.Second

// prime runs the start of the recording through e unplayed, then leaves e
// emptied for playback; the caller seeks where playback starts.
func (s *source) prime(e *enhance.Enhancer) error {
	if err := s.seek(0); err != nil {
		return err
	}
	want := int(timeFrame(primeFor, s.info.SampleRate)) * s.info.Channels
	start := make([]int16, 0, min(want, int(s.info.Frames)*s.info.Channels))
	for len(start) < want {
		n, err := s.dec.Read(s.buf[:min(len(s.buf), want-len(start))])
		start = append(start, s.buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := e.Prime(start); err != nil {
		return err
	}
	e.Reset()
	return nil
}

func (s *source) seek(frame int64) error {
	if _, err := s.dec.Seek(frame, io.SeekStart); err != nil {
		return fmt.Errorf("seek to %s: %w", frameTime(frame, s.info.SampleRate), err)
	}
	s.at = frame
	return nil
}

// read returns the next samples to play (valid until the next call), or
// io.EOF once everything has been returned.
func (s *source) read() ([]int16, error) {
	for !s.ended {
		pcm, err := s.readKept()
		if errors.Is(err, io.EOF) {
			pcm, err = s.drain()
		}
		if err != nil {
			return nil, err
		}
		if s.enh != nil && !s.drained {
			if pcm, err = s.enh.Process(pcm); err != nil {
				return nil, err
			}
		}
		if s.st == nil {
			if len(pcm) > 0 || !s.drained {
				return pcm, nil
			}
			s.ended = true
			break
		}
		if err := s.st.Write(pcm); err != nil {
			return nil, err
		}
		if s.drained && !s.stFlushed {
			s.st.Flush()
			s.stFlushed = true
		}
		if n := s.st.Read(s.out); n > 0 {
			return s.out[:n], nil
		}
		s.ended = s.drained
	}
	return nil, io.EOF
}

// drain returns, once, what the enhancer still holds at the end of the
// recording; after it the stretcher is flushed.
func (s *source) drain() ([]int16, error) {
	if s.drained {
		return nil, nil
	}
	s.drained = true
	if s.enh == nil {
		return nil, nil
	}
	return s.enh.Flush()
}

// readKept decodes the next samples that are not in a skipped pause,
// jumping over pauses as it meets them.
func (s *source) readKept() ([]int16, error) {
	if k := s.skipAt(s.at); k != nil {
		if err := s.seek(k.end); err != nil {
			return nil, err
		}
	}
	want := len(s.buf)
	if k := s.nextSkip(s.at); k != nil {
		want = int(min(int64(want/s.info.Channels), k.start-s.at)) * s.info.Channels
	}
	n, err := s.dec.Read(s.buf[:want])
	s.at += int64(n / s.info.Channels)
	if n > 0 {
		return s.buf[:n], nil
	}
	return nil, err
}

// skipAt returns the skipped pause holding frame, if any.
func (s *source) skipAt(frame int64) *span {
	for i := range s.skips {
		if s.skips[i].start <= frame && frame < s.skips[i].end {
			return &s.skips[i]
		}
	}
	return nil
}

// nextSkip returns the first skipped pause starting after frame.
func (s *source) nextSkip(frame int64) *span {
	for i := range s.skips {
		if s.skips[i].start > frame {
			return &s.skips[i]
		}
	}
	return nil
}

// recordingFrame maps played frames back to the recording's own time: out
// frames handed to the device since playback (re)started at origin, at
// speed, with skips left out.
func recordingFrame(origin, out int64, speed float64, skips []span, total int64) int64 {
	r := origin
	k := int64(float64(out)*speed + 0.5)
	for _, c := range skips {
		if c.end <= r {
			continue
		}
		if c.start <= r { // started inside a pause: it was jumped at once
			r = c.end
			continue
		}
		if r+k < c.start {
			break
		}
		k -= c.start - r
		r = c.end
	}
	return min(r+k, total)
}

// skipSpans turns the pauses to skip into frames at rate.
func skipSpans(pauses []vad.Span, rate int) []span {
	out := make([]span, 0, len(pauses))
	for _, p := range pauses {
		s, e := timeFrame(p.Start, rate), timeFrame(p.End, rate)
		if e > s {
			out = append(out, span{s, e})
		}
	}
	return out
}

func timeFrame(d time.Duration, rate int) int64 {
	return int64(d.Seconds()*float64(rate) + 0.5)
}

func frameTime(f int64, rate int) time.Duration {
	return time.Duration(float64(f) / float64(rate) * float64(time.Second))
}

func (s *source) close() error {
	if s.st != nil {
		s.st.Close()
		s.st = nil
	}
	if s.enh != nil {
		s.enh.Close()
		s.enh = nil
	}
	return s.dec.Close()
}
