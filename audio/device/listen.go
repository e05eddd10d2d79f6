package device

import (
	"github.com/earshot/earshot/audio/stretch"
	"github.com/earshot/earshot/audio/vad"
)

// SetSpeed changes the playback speed (stretch.MinSpeed to
// stretch.MaxSpeed), keeping the pitch; 1 plays the samples as they are.
// Playing or paused, playback goes on from the current position.
func (p *Player) SetSpeed(x float64) error {
	if err := stretch.CheckSpeed(x); err != nil {
		return err
	}
	return p.retune(func(s *source) { s.speed = x })
}

// Speed is the playback speed.
func (p *Player) Speed() float64 {
	p.decMu.Lock()
	defer p.decMu.Unlock()
	return p.src.speed
}

// SetSkips sets the pauses to leave out while playing (a speech map's
// Pauses); nil plays everything. The position stays in the recording's own
// time: a skipped pause counts as passed.
func (p *Player) SetSkips(pauses []vad.Span) error {
	skips := skipSpans(pauses, p.info.SampleRate)
	return p.retune(func(s *source) { s.skips = skips })
}

// SetEnhance turns enhanced playback on or off: noise suppression and a
// gain to enhance.TargetLUFS from the recording's loudness (LUFS, as
// library.Loudness measures it), at the recording's own rate.
func (p *Player) SetEnhance(on bool, loudness float64) error {
	return p.retune(func(s *source) { s.enhanceOn, s.loudness = on, loudness })
}

// retune changes how the source plays and restarts it where playback is,
// dropping what was queued under the old settings.
func (p *Player) retune(change func(*source)) error {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	at := p.Position()
	p.decMu.Lock()
	change(p.src)
	p.decMu.Unlock()
	if p.closed || p.doneClosed {
		return nil // the next Play starts over with the new settings
	}
	return p.seekLocked(at)
}
