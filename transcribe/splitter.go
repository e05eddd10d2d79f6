package transcribe

import "math"

// The splitter's tuning, in 10 ms frames.
const (
	frameLen     = Rate / 100 // samples per frame
	pauseFrames  = 30         // this much quiet ends an utterance (0.3 s) ...
	longFrames   = 1500       // ... once it is this long (15 s); the recogniser does
	longPause    = 120        // better with context, so shorter ones end at 1.2 s
	padFrames    = 20         // kept before and after speech (0.2 s)
	minSpeech    = 5          // shorter bursts are clicks, not speech
	maxFrames    = 3000       // an utterance is cut by 30 s at the quietest point
	cutWindow    = 1000       // ... looked for in its last 10 s
	speechMargin = 10.0       // dB over the noise floor that counts as speech
	speechFloor  = -55.0      // dBFS below which nothing is speech
	floorFrames  = 300        // the noise floor is a low percentile of the last 3 s
	floorRank    = 0.1        // ... the 10th
)

// MaxUtterance is the longest stretch handed to an engine at once, in
// samples: it bounds the transcriber's memory.
const MaxUtterance = maxFrames * frameLen

// Utterance is a stretch of speech between pauses.
type Utterance struct {
	Start int64   // sample offset in the recording (at Rate)
	PCM   []int16 // valid until the emit callback returns
}

// splitter cuts a stream of Rate-Hz mono samples at pauses with an energy
// detector whose threshold follows the noise floor. It is the seam where a
// better voice-activity map can replace the detector: only split calls it.
type splitter struct {
	emit func(Utterance) error

	pending []int16 // samples short of a whole frame
	buf     []int16 // the current region, from bufStart
	energy  []float64
	start   int64 // sample offset of buf[0]
	floor   floorTracker

	speech    int // speech frames in buf
	lastVoice int // index (frames) in buf of the last speech frame; -1 none
}

func newSplitter(start int64, emit func(Utterance) error) *splitter {
	return &splitter{emit: emit, start: start, lastVoice: -1}
}

// Write adds samples; utterances that end in them are emitted.
func (s *splitter) Write(pcm []int16) error {
	s.pending = append(s.pending, pcm...)
	n := len(s.pending) / frameLen * frameLen
	for i := 0; i < n; i += frameLen {
		if err := s.frame(s.pending[i : i+frameLen]); err != nil {
			return err
		}
	}
	s.pending = append(s.pending[:0], s.pending[n:]...)
	return nil
}

// Flush emits what is left at the end of the stream.
func (s *splitter) Flush() error {
	if len(s.pending) > 0 {
		s.buf = append(s.buf, s.pending...)
		s.pending = s.pending[:0]
	}
	end := len(s.energy)
	if s.lastVoice >= 0 {
		end = min(end, s.lastVoice+1+padFrames)
	}
	return s.cut(end)
}

func (s *splitter) frame(f []int16) error {
	e := frameDB(f)
	s.floor.add(e)
	voiced := s.voiced(e)
	s.buf = append(s.buf, f...)
	s.energy = append(s.energy, e)
	n := len(s.energy)
	if voiced {
		s.speech++
		s.lastVoice = n - 1
	}
	switch {
	case s.lastVoice < 0 && n > padFrames:
		s.drop(n - padFrames) // quiet so far: keep only the lead-in
	case s.lastVoice >= 0 && s.paused(n):
		return s.cut(min(n, s.lastVoice+1+padFrames))
	case n >= maxFrames:
		return s.cut(s.quietest())
	}
	return nil
}

// paused says whether the quiet since the last speech ends the utterance.
func (s *splitter) paused(n int) bool {
	quiet := n - 1 - s.lastVoice
	return quiet >= longPause || (quiet >= pauseFrames && n >= longFrames)
}

// quietest is the frame index in the last cutWindow frames with the least
// energy: the least bad place to cut a long utterance.
func (s *splitter) quietest() int {
	best, at := math.Inf(1), len(s.energy)
	for i := len(s.energy) - cutWindow; i < len(s.energy); i++ {
		if s.energy[i] <= best { // the latest of equals: longer utterances
			best, at = s.energy[i], i
		}
	}
	return max(at, 1)
}

// cut emits buf's first frames (if they hold speech) and keeps the rest.
func (s *splitter) cut(frames int) error {
	samples := min(frames*frameLen, len(s.buf))
	if s.speech >= minSpeech && samples > 0 {
		if err := s.emit(Utterance{Start: s.start, PCM: s.buf[:samples]}); err != nil {
			return err
		}
	}
	s.drop(frames)
	s.speech, s.lastVoice = 0, -1
	for i, e := range s.energy {
		if s.voiced(e) {
			s.speech++
			s.lastVoice = i
		}
	}
	return nil
}

// drop forgets buf's first frames.
func (s *splitter) drop(frames int) {
	frames = min(frames, len(s.energy))
	samples := min(frames*frameLen, len(s.buf))
	s.buf = append(s.buf[:0], s.buf[samples:]...)
	s.energy = append(s.energy[:0], s.energy[frames:]...)
	s.start += int64(samples)
}

// frameDB is a frame's RMS level in dBFS (-120 for digital silence).
func frameDB(f []int16) float64 {
	var sum float64
	for _, v := range f {
		x := float64(v)
		sum += x * x
	}
	if sum == 0 {
		return -120
	}
	return 10*math.Log10(sum/float64(len(f))) - 20*math.Log10(32768)
}

// voiced says whether a frame of level e (dBFS) is speech.
func (s *splitter) voiced(e float64) bool {
	return e > math.Max(s.floor.level()+speechMargin, speechFloor)
}

// floorTracker estimates the background level as a low percentile of the
// recent frames, from a histogram in 1 dB steps: it follows a noisy room
// up and down within seconds, and neither digital silence at the start
// nor a long sentence pins it.
type floorTracker struct {
	ring  [floorFrames]int8 // recent levels, dB (−120..0)
	n, at int
	hist  [121]int
}

func (f *floorTracker) add(e float64) {
	b := int8(math.Max(-120, math.Min(0, math.Round(e))))
	if f.n == floorFrames {
		f.hist[-int(f.ring[f.at])]--
	} else {
		f.n++
	}
	f.ring[f.at] = b
	f.at = (f.at + 1) % floorFrames
	f.hist[-int(b)]++
}

func (f *floorTracker) level() float64 {
	want := int(math.Ceil(float64(f.n) * floorRank))
	seen := 0
	for i := 120; i >= 0; i-- { // from -120 dB up
		seen += f.hist[i]
		if seen >= want && seen > 0 {
			return float64(-i)
		}
	}
	return speechFloor
}
