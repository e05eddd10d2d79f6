package device

import "github.com/earshot/earshot/audio"

// silence is the level reading for no signal.
var silence = audio.Level{Peak: audio.SilenceDB, RMS: audio.SilenceDB}

// levelWindow cuts a stream of samples into windows of a fixed number of
// frames and measures each with audio.Meter.
type levelWindow struct {
	buf []int16 // one window
	n   int     // samples in buf so far
}

func newLevelWindow(frames, channels int) levelWindow {
	return levelWindow{buf: make([]int16, max(frames, 1)*channels)}
}

// add accounts for pcm (whole frames) and calls emit for every window it
// completes.
func (m *levelWindow) add(pcm []int16, emit func(audio.Level)) {
	for len(pcm) > 0 {
		c := copy(m.buf[m.n:], pcm)
		m.n += c
		pcm = pcm[c:]
		if m.n == len(m.buf) {
			emit(audio.Meter(m.buf))
			m.n = 0
		}
	}
}
