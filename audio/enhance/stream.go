package enhance

import "context"

// Enhancer enhances audio as it plays: noise suppression, then a fixed gain
// to TargetLUFS (from the recording's loudness, measured beforehand) through
// the limiter. Output lags input by about 15 ms (a denoiser frame and the
// limiter's look-ahead); Flush returns the rest, so out equals in overall.
// Not safe for concurrent use; Close it.
type Enhancer struct {
	ctx  context.Context
	rate int
	ch   int
	dn   *Denoiser
	lim  *limiter
	gain float64
	out  []int16
}

// NewEnhancer returns an Enhancer for audio at rate Hz with ch channels whose
// loudness (LUFS, of the original; noise suppression changes it by well
// under 1 LU on speech) is given. ctx bounds the noise suppressor's calls.
func NewEnhancer(ctx context.Context, rate, ch int, loudness float64) (*Enhancer, error) {
	dn, err := NewDenoiser(ctx, rate, ch)
	if err != nil {
		return nil, err
	}
	g := gainFor(loudness, TargetLUFS, MaxBoostDB)
	return &Enhancer{ctx: ctx, rate: rate, ch: ch, dn: dn, gain: g, lim: newLimiter(rate, ch, g, CeilingDB)}, nil
}

// Process enhances interleaved samples and returns what is ready (valid
// until the next call).
func (e *Enhancer) Process(pcm []int16) ([]int16, error) {
	d, err := e.dn.Write(e.ctx, pcm)
	if err != nil {
		return nil, err
	}
	e.out = append(e.out[:0], e.lim.process(d)...)
	return e.out, nil
}

// Flush returns what is still inside: the end of the stream.
func (e *Enhancer) Flush() ([]int16, error) {
	d, err := e.dn.Flush(e.ctx)
	if err != nil {
		return nil, err
	}
	e.out = append(e.out[:0], e.lim.process(d)...)
	e.out = append(e.out, e.lim.flush()...)
	return e.out, nil
}

// Reset drops what is inside (after a seek), keeping the noise estimate.
func (e *Enhancer) Reset() {
	e.dn.reset()
	e.lim = newLimiter(e.rate, e.ch, e.gain, CeilingDB)
}

// Close frees the noise suppressor.
func (e *Enhancer) Close() { e.dn.Close(e.ctx) }
