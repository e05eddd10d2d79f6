// Package listen sets up a player the way the listener asked: speed, skip
// silence and enhance, from the library's analyses of the recording. The
// window and `earshot play` both call Apply, so they play alike.
package listen

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/audio/stretch"
	"github.com/earshot/earshot/audio/vad"
	"github.com/earshot/earshot/library"
)

// Settings are how recordings play.
type Settings struct {
	Speed       float64 // stretch.MinSpeed..MaxSpeed; 0 means 1
	SkipSilence bool    // leave out pauses longer than vad.SkipMinPause
	Enhance     bool    // noise suppression and loudness to enhance.TargetLUFS
}

// Check says in one line what is wrong with s, if anything.
func (s Settings) Check() error {
	if s.Speed == 0 {
		return nil
	}
	return stretch.CheckSpeed(s.Speed)
}

// Apply configures p, playing r, for s and returns how much skip silence
// leaves out (0 when off). Finding pauses or loudness the first time reads
// the whole recording; call it off the GUI thread.
func Apply(ctx context.Context, lib *library.Library, p *device.Player, r library.Recording, s Settings) (time.Duration, error) {
	speed := s.Speed
	if speed == 0 {
		speed = 1
	}
	if err := p.SetSpeed(speed); err != nil {
		return 0, err
	}
	var pauses []vad.Span
	if s.SkipSilence {
		m, err := lib.SpeechMap(ctx, r)
		if err != nil {
			return 0, fmt.Errorf("skip silence: %w", err)
		}
		pauses = m.Pauses(vad.SkipMinPause, vad.SkipKeep)
	}
	if err := p.SetSkips(pauses); err != nil {
		return 0, err
	}
	lufs := 0.0
	if s.Enhance {
		var err error
		if lufs, err = lib.Loudness(ctx, r); err != nil {
			return 0, fmt.Errorf("enhance: %w", err)
		}
	}
	if err := p.SetEnhance(s.Enhance, lufs); err != nil {
		return 0, err
	}
	return vad.Skipped(pauses), nil
}
