package ui

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/earshot/earshot/library"
)

// overview returns n amplitudes (0..1) across recording r: each is the
// loudest sample of its slice on the meter's dB scale, so quiet speech is
// still visible. It reads the overview the library stored when r was
// committed, imported or downloaded (about a millisecond even for hours of
// audio); a recording from before overviews were stored gets one made now,
// once.
func overview(ctx context.Context, lib *library.Library, r library.Recording, n int) ([]float32, error) {
	o, err := lib.Overview(r.ID)
	if errors.Is(err, library.ErrNoOverview) {
		if err = lib.Analyze(ctx, r.ID); err == nil {
			o, err = lib.Overview(r.ID)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("waveform of %s: %w", r.ID, err)
	}
	v := o.Bars(n)
	for i, p := range v {
		if p > 0 {
			v[i] = fraction(20 * math.Log10(float64(p)))
		}
	}
	return v, nil
}

// analyzeOld fills in, once and in the background, the stored analyses
// (waveform overview, ...) of recordings made before Earshot stored them,
// newest first, so selecting any of them later shows its waveform at once.
// It starts once the list has first shown the library: finding them reads
// the whole library (about 60 ms of CPU for 10,000 recordings), work that
// would compete with the first frame and the list's first page on a
// two-core machine. A recording selected before then gets its overview
// made on the spot (overview).
func (u *UI) analyzeOld() {
	shown := u.list.firstShown
	u.loops.Add(1)
	go func() {
		defer u.loops.Done()
		select {
		case <-u.ctx.Done():
			return
		case <-shown:
		}
		ids, err := u.be.Library.Unanalyzed(u.ctx)
		if err != nil {
			return // nothing lost: overview makes each one when it is shown
		}
		for _, id := range ids {
			if u.ctx.Err() != nil {
				return
			}
			_ = u.be.Library.Analyze(u.ctx, id) // likewise
		}
	}()
}
