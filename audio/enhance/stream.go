package enhance

import (
	"context"
	"math"
)

// Enhancer enhances audio as it plays: noise suppression, then a gain to
// TargetLUFS through the limiter. The gain starts from the recording's
// loudness, measured beforehand, but two things that figure cannot know
// take loudness off: noise suppression (the noise counted towards the
// original's loudness; at 8 dB SNR about 0.4 LU) and the limiter holding
// down the speech peaks the gain pushes over the ceiling (about 1 LU on
// speech raised to -16 LUFS). A file export measures its result and tries
// again; playback cannot, so the Enhancer measures as it plays (see
// leveller) and glides the gain to what reaches the target. Output lags
// input by about 15 ms (a denoiser frame and the limiter's look-ahead);
// Flush returns the rest, so out equals in overall. Not safe for
// concurrent use; Close it.
type Enhancer struct {
	ctx  context.Context
	rate int
	ch   int
	dn   *Denoiser
	lim  *limiter
	lev  *leveller
	out  []int16
}

// NewEnhancer returns an Enhancer for audio at rate Hz with ch channels whose
// loudness (LUFS, of the original) is given. ctx bounds the noise
// suppressor's calls.
func NewEnhancer(ctx context.Context, rate, ch int, loudness float64) (*Enhancer, error) {
	lev, err := newLeveller(rate, ch, loudness)
	if err != nil {
		return nil, err
	}
	dn, err := NewDenoiser(ctx, rate, ch)
	if err != nil {
		lev.close()
		return nil, err
	}
	e := &Enhancer{ctx: ctx, rate: rate, ch: ch, dn: dn, lev: lev}
	e.Reset()
	return e, nil
}

// Process enhances interleaved samples and returns what is ready (valid
// until the next call).
func (e *Enhancer) Process(pcm []int16) ([]int16, error) {
	d, err := e.dn.Write(e.ctx, pcm)
	if err != nil {
		return nil, err
	}
	return e.limit(pcm, d, false)
}

// Prime measures pcm (the start of the recording, say) without playing
// it, so the gain fits from the first sample played rather than after the
// leveller has heard a few seconds; the noise suppressor learns the noise
// on the way. Call Reset after it, then play.
func (e *Enhancer) Prime(pcm []int16) error {
	d, err := e.dn.Write(e.ctx, pcm)
	if err != nil {
		return err
	}
	if err := e.lev.measure(pcm, d); err != nil {
		return err
	}
	return e.lev.correct()
}

// Flush returns what is still inside: the end of the stream.
func (e *Enhancer) Flush() ([]int16, error) {
	d, err := e.dn.Flush(e.ctx)
	if err != nil {
		return nil, err
	}
	return e.limit(nil, d, true)
}

// limit runs denoised samples (of the original samples orig) through the
// limiter and corrects its gain when the leveller's measures call for it.
func (e *Enhancer) limit(orig, d []int16, final bool) ([]int16, error) {
	if err := e.lev.measure(orig, d); err != nil {
		return nil, err
	}
	e.lim.setGain(e.lev.gain)
	e.out = append(e.out[:0], e.lim.process(d)...)
	if final {
		e.out = append(e.out, e.lim.flush()...)
	}
	return e.out, nil
}

// Reset drops what is inside (after a seek), keeping the noise estimate
// and what the leveller has learnt about the recording.
func (e *Enhancer) Reset() {
	e.dn.reset()
	e.lim = newLimiter(e.rate, e.ch, e.lev.gain, CeilingDB)
}

// Close frees the noise suppressor and the meters.
func (e *Enhancer) Close() {
	e.dn.Close(e.ctx)
	e.lev.close()
}

// leveller finds the gain that brings what plays to TargetLUFS. The
// loudness the gain must raise is the original's (given) less what noise
// suppression took off, measured on the same samples before and after it
// (running meters, so the two see the same speech and noise); what the
// limiter will take off comes from the peaks model. The gain is corrected
// every 400 ms of audio (one gating block).
type leveller struct {
	given     float64 // the original's loudness, LUFS
	orig, den *Meter
	pk        *peaks
	gain      float64 // linear, what the limiter is asked for
	ch        int
	since     int // frames since the last correction
	every     int // frames between corrections
}

func newLeveller(rate, ch int, loudness float64) (*leveller, error) {
	l := &leveller{given: loudness, gain: gainFor(loudness, TargetLUFS, MaxBoostDB), ch: ch,
		pk: newPeaks(rate, ch), every: rate * 2 / 5}
	var err error
	if l.orig, err = newRunningMeter(rate, ch); err == nil {
		l.den, err = newRunningMeter(rate, ch)
	}
	if err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

// measure adds original samples and denoised ones (the denoiser's output
// lags its input by under a frame), then corrects the gain every 400 ms.
func (l *leveller) measure(orig, den []int16) error {
	if err := l.orig.Add(orig); err != nil {
		return err
	}
	if err := l.den.Add(den); err != nil {
		return err
	}
	l.pk.add(den)
	if l.since += len(den) / l.ch; l.since < l.every {
		return nil
	}
	l.since = 0
	return l.correct()
}

// correct sets the gain once the meters have heard something above their
// gates.
func (l *leveller) correct() error {
	o, err := l.orig.Loudness()
	if err != nil {
		return err
	}
	d, err := l.den.Loudness()
	if err != nil {
		return err
	}
	if math.IsInf(o, 0) || math.IsInf(d, 0) || math.IsNaN(o) || math.IsNaN(d) || math.IsInf(l.given, 0) {
		return nil
	}
	l.gain = l.pk.solve(l.given - (o - d))
	return nil
}

func (l *leveller) close() {
	for _, m := range []*Meter{l.orig, l.den} {
		if m != nil {
			m.Close()
		}
	}
}

// peaks predicts what the limiter takes off audio at a gain: every 10 ms
// frame's energy goes into a histogram by the frame's peak envelope, and a
// frame whose envelope the gain puts over the ceiling counts as brought
// down by that much. The envelope falls envFall dB per frame after a peak,
// standing for the limiter's slow release (without it the model missed
// about half of what the limiter takes off; with it, within 0.2 LU on
// speech from 3 to 30 dB SNR raised 5 to 10 dB past the ceiling). The
// model depends only on the audio, not on gains used before, so a gain
// corrected with it cannot feed on itself.
type peaks struct {
	hist      [peakBins]float64 // energy of 10 ms frames by their envelope
	ch        int
	frame     int     // frames in a 10 ms frame
	n         int     // frames into the current one
	peak, sum float64 // of the current 10 ms frame
	env       float64 // peak envelope, dBFS
}

// Peak envelopes go into quarter-decibel bins from -100 dBFS to full
// scale; the envelope falls envFall dB per 10 ms frame.
const (
	peakBins  = 400
	peakStep  = 0.25
	peakFloor = -100.0
	envFall   = 0.3
)

func newPeaks(rate, ch int) *peaks {
	return &peaks{ch: ch, frame: max(1, rate/100), env: peakFloor}
}

// add takes interleaved samples as they reach the limiter (before its gain).
func (p *peaks) add(pcm []int16) {
	for i := 0; i+p.ch <= len(pcm); i += p.ch {
		for _, v := range pcm[i : i+p.ch] {
			x := float64(v) / 32768
			p.peak, p.sum = max(p.peak, math.Abs(x)), p.sum+x*x
		}
		if p.n++; p.n == p.frame {
			p.env = max(20*math.Log10(max(p.peak, 1e-10)), p.env-envFall)
			p.hist[max(0, min(peakBins-1, int((p.env-peakFloor)/peakStep)))] += p.sum
			p.n, p.peak, p.sum = 0, 0, 0
		}
	}
}

// solve is the linear gain that brings audio of loudness den (LUFS, as it
// reaches the limiter) to TargetLUFS after the limiter's predicted loss,
// within MaxBoostDB.
func (p *peaks) solve(den float64) float64 {
	lo, hi := TargetLUFS-den, MaxBoostDB
	if lo >= hi || hi-p.limited(hi) < TargetLUFS-den {
		return math.Pow(10, hi/20) // the cap: as loud as allowed
	}
	for range 40 { // bisect: G - loss(G) grows with G
		mid := (lo + hi) / 2
		if mid-p.limited(mid) < TargetLUFS-den {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Pow(10, hi/20)
}

// limited predicts the loudness (dB) the limiter takes off audio raised by
// gain dB.
func (p *peaks) limited(gain float64) float64 {
	var all, kept float64
	for b, e := range p.hist {
		if e == 0 {
			continue
		}
		over := peakFloor + (float64(b)+0.5)*peakStep + gain - CeilingDB
		all += e
		kept += e * math.Pow(10, -max(0, over)/10)
	}
	if all == 0 {
		return 0
	}
	return 10 * math.Log10(all/kept)
}
