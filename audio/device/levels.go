package device

import (
	"math"

	"github.com/earshot/earshot/audio"
)

// silence is the level reading for no signal.
var silence = audio.Level{Peak: -120, RMS: -120}

// levelWindow turns a stream of samples into one audio.Level per window of
// frames.
type levelWindow struct {
	size, ch int // frames per window, channels
	frames   int
	peak     int32
	sumSq    float64
}

func newLevelWindow(frames, channels int) levelWindow {
	return levelWindow{size: max(frames, 1), ch: channels}
}

// add accounts for pcm and calls emit for every window it completes.
func (m *levelWindow) add(pcm []int16, emit func(audio.Level)) {
	for i := 0; i+m.ch <= len(pcm); i += m.ch {
		for _, s := range pcm[i : i+m.ch] {
			v := int32(s)
			if v < 0 {
				v = -v
			}
			m.peak = max(m.peak, v)
			m.sumSq += float64(s) * float64(s)
		}
		m.frames++
		if m.frames == m.size {
			emit(m.level())
			m.frames, m.peak, m.sumSq = 0, 0, 0
		}
	}
}

func (m *levelWindow) level() audio.Level {
	rms := math.Sqrt(m.sumSq / float64(m.frames*m.ch))
	return audio.Level{Peak: dBFS(float64(m.peak)), RMS: dBFS(rms), Clipped: m.peak >= 32767}
}

func dBFS(amplitude float64) float64 {
	if amplitude < 1 {
		return silence.Peak
	}
	return max(20*math.Log10(amplitude/32768), silence.Peak)
}
