package vad

import "time"

// Skip-silence defaults: pauses longer than SkipMinPause are shortened to
// SkipKeep at each side, so speech keeps a natural breath between phrases
// (Voice Memos' behaviour) and no word edge is clipped.
const (
	SkipMinPause = 600 * time.Millisecond
	SkipKeep     = 150 * time.Millisecond
)

// Pauses returns what skip-silence playback leaves out: every silence
// (between, before or after speech) longer than minPause, less keep at each
// end that touches speech. A recording without speech has nothing skipped:
// playing nothing would look like a fault.
func (m Map) Pauses(minPause, keep time.Duration) []Span {
	if len(m.Speech) == 0 {
		return nil
	}
	var out []Span
	add := func(start, end time.Duration, keepStart, keepEnd bool) {
		if end-start <= minPause {
			return
		}
		if keepStart {
			start += keep
		}
		if keepEnd {
			end -= keep
		}
		if end > start {
			out = append(out, Span{start, end})
		}
	}
	add(0, m.Speech[0].Start, false, true)
	for i := 1; i < len(m.Speech); i++ {
		add(m.Speech[i-1].End, m.Speech[i].Start, true, true)
	}
	add(m.Speech[len(m.Speech)-1].End, m.Duration, true, false)
	return out
}

// Skipped is the total length of spans.
func Skipped(spans []Span) time.Duration {
	var d time.Duration
	for _, s := range spans {
		d += s.End - s.Start
	}
	return d
}
