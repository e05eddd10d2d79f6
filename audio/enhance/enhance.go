// Package enhance makes speech easier to listen to without touching the
// stored recording: noise suppression (RNNoise, run as WebAssembly under
// wazero) and loudness normalisation to TargetLUFS (EBU R128, measured by
// libebur128) with a look-ahead peak limiter. File writes an enhanced copy
// ("Export enhanced").
package enhance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/earshot/earshot/audio"
)

// Loudness settings: -16 LUFS is the level spoken-word streaming and
// podcasts use (AES TD1004); peaks stay under -1 dBFS; quiet recordings
// are raised by at most 30 dB so a near-silent one does not turn to hiss.
const (
	TargetLUFS = -16.0
	CeilingDB  = -1.0
	MaxBoostDB = 30.0
)

// Rate is the one sample rate RNNoise works at; audio at any other rate
// is resampled to it and back around the noise suppressor.
const Rate = 48000

// Denoiser suppresses noise in interleaved audio at any sample rate, one
// RNNoise state per channel. RNNoise works at 48 kHz only, so audio at
// another rate goes through the project's band-limited resampler to 48 kHz
// and back: the output keeps the input's rate, channels and length (a
// recording at 16 or 44.1 kHz plays and exports as it was recorded). Not
// safe for concurrent use; Close it.
type Denoiser struct {
	ch   int
	rate int
	dn   []*denoiser
	pend []int16     // interleaved 48 kHz samples short of a frame
	x    [][]float32 // per channel, one frame
	out  []int16     // denoised, at 48 kHz

	up, down *audio.Resampler // to 48 kHz and back; nil at 48 kHz
	at48     []int16          // input resampled to 48 kHz
	res      []int16          // output back at the input's rate
}

// NewDenoiser starts noise suppression for audio at rate Hz with ch channels.
func NewDenoiser(ctx context.Context, rate, ch int) (*Denoiser, error) {
	if rate < 1 || ch < 1 {
		return nil, fmt.Errorf("noise suppression: unsupported audio: %d Hz, %d channels", rate, ch)
	}
	d := &Denoiser{ch: ch, rate: rate}
	for range ch {
		dn, err := newDenoiser(ctx)
		if err != nil {
			d.Close(ctx)
			return nil, err
		}
		d.dn = append(d.dn, dn)
		d.x = append(d.x, make([]float32, FrameSize))
	}
	d.reset()
	return d, nil
}

// reset drops what is inside (after a seek), keeping the noise estimate.
func (d *Denoiser) reset() {
	d.pend = d.pend[:0]
	if d.rate != Rate {
		d.up = audio.NewResampler(d.rate, Rate, d.ch)
		d.down = audio.NewResampler(Rate, d.rate, d.ch)
	}
}

// Write denoises interleaved samples and returns what is ready (valid
// until the next call). It does not retain pcm.
func (d *Denoiser) Write(ctx context.Context, pcm []int16) ([]int16, error) {
	if d.up == nil {
		return d.write48(ctx, pcm)
	}
	d.at48 = d.up.Process(d.at48[:0], pcm, false)
	out, err := d.write48(ctx, d.at48)
	if err != nil {
		return nil, err
	}
	d.res = d.down.Process(d.res[:0], out, false)
	return d.res, nil
}

// Flush denoises what is left and returns it: all the output comes to as
// many frames as all the input.
func (d *Denoiser) Flush(ctx context.Context) ([]int16, error) {
	if d.up == nil {
		return d.flush48(ctx)
	}
	d.at48 = d.up.Process(d.at48[:0], nil, true)
	out, err := d.write48(ctx, d.at48)
	if err != nil {
		return nil, err
	}
	d.res = d.down.Process(d.res[:0], out, false) // before flush48 reuses out
	if out, err = d.flush48(ctx); err != nil {
		return nil, err
	}
	d.res = d.down.Process(d.res, out, true)
	return d.res, nil
}

// write48 denoises 48 kHz samples and returns whole 10 ms frames.
func (d *Denoiser) write48(ctx context.Context, pcm []int16) ([]int16, error) {
	d.out = d.out[:0]
	d.pend = append(d.pend, pcm...)
	n := FrameSize * d.ch
	for len(d.pend) >= n {
		if err := d.frame(ctx, d.pend[:n]); err != nil {
			return nil, err
		}
		d.pend = d.pend[n:]
	}
	d.pend = append(make([]int16, 0, n), d.pend...)
	return d.out, nil
}

// flush48 denoises what is left at 48 kHz (padded with silence to a frame)
// and returns it, as long as what was left.
func (d *Denoiser) flush48(ctx context.Context) ([]int16, error) {
	d.out = d.out[:0]
	left := len(d.pend)
	if left == 0 {
		return d.out, nil
	}
	frame := append(d.pend, make([]int16, FrameSize*d.ch-left)...)
	if err := d.frame(ctx, frame); err != nil {
		return nil, err
	}
	d.pend = d.pend[:0]
	return d.out[:left], nil
}

func (d *Denoiser) frame(ctx context.Context, pcm []int16) error {
	for c := range d.ch {
		for i := range FrameSize {
			d.x[c][i] = float32(pcm[i*d.ch+c])
		}
		if err := d.dn[c].frameInPlace(ctx, d.x[c]); err != nil {
			return err
		}
	}
	for i := range FrameSize {
		for c := range d.ch {
			d.out = append(d.out, int16(max(-32768, min(32767, math.Round(float64(d.x[c][i]))))))
		}
	}
	return nil
}

// Close frees the RNNoise states.
func (d *Denoiser) Close(ctx context.Context) {
	for _, dn := range d.dn {
		dn.close(ctx)
	}
	d.dn = nil
}

// Result says what File did.
type Result struct {
	Info     audio.Info
	Loudness float64 // LUFS of the denoised audio before normalising
	GainDB   float64 // the gain applied to reach TargetLUFS
}

// File writes an enhanced copy of the audio file at src to dst in format:
// denoised, then brought to TargetLUFS with peaks under CeilingDB. The
// denoised audio goes to a temporary WAV beside dst while its loudness is
// measured, then is normalised into dst. The first gain allows for what
// the limiter will take off the peaks (see peaks); what the output then
// measures corrects it, applied again (at most twice more) until it is
// within 0.2 LU. progress,
// if set, gets frames done of 2×total (the corrections are not counted).
func File(ctx context.Context, src, dst string, format audio.Format, progress func(done, total int64)) (Result, error) {
	dec, err := audio.OpenDecoder(src)
	if err != nil {
		return Result{}, fmt.Errorf("enhance %s: %w", filepath.Base(src), err)
	}
	defer dec.Close()
	in := dec.Info()
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".denoised.wav")
	defer os.Remove(tmp)
	report := func(done int64) {
		if progress != nil {
			progress(done, 2*in.Frames)
		}
	}
	lufs, pk, err := denoiseTo(ctx, dec, tmp, report)
	if err != nil {
		return Result{}, fmt.Errorf("enhance %s: %w", filepath.Base(src), err)
	}
	gain := gainFor(lufs, TargetLUFS, MaxBoostDB)
	if !math.IsInf(lufs, 0) && !math.IsNaN(lufs) {
		gain = pk.solve(lufs)
	}
	var info audio.Info
	for try := 0; ; try++ {
		var got float64
		info, got, err = normalise(ctx, tmp, dst, format, gain, func(d int64) { report(in.Frames + d) })
		if err != nil {
			return Result{}, fmt.Errorf("enhance %s: %w", filepath.Base(src), err)
		}
		off := TargetLUFS - got
		if try == 2 || math.Abs(off) <= 0.2 || math.IsInf(got, 0) || 20*math.Log10(gain)+off > MaxBoostDB {
			break
		}
		gain *= math.Pow(10, off/20)
	}
	return Result{Info: info, Loudness: lufs, GainDB: 20 * math.Log10(gain)}, nil
}

// denoiseTo writes dec's audio, denoised, to a WAV at path and returns its
// loudness and peaks.
func denoiseTo(ctx context.Context, dec audio.Decoder, path string, report func(int64)) (float64, *peaks, error) {
	in := dec.Info()
	dn, err := NewDenoiser(ctx, in.SampleRate, in.Channels)
	if err != nil {
		return 0, nil, err
	}
	defer dn.Close(ctx)
	m, err := NewMeter(in.SampleRate, in.Channels)
	if err != nil {
		return 0, nil, err
	}
	defer m.Close()
	enc, err := audio.Create(path, audio.WAV, in.SampleRate, in.Channels)
	if err != nil {
		return 0, nil, err
	}
	pk := newPeaks(in.SampleRate, in.Channels)
	put := func(pcm []int16) error {
		if err := m.Add(pcm); err != nil {
			return err
		}
		pk.add(pcm)
		return enc.Write(pcm)
	}
	err = pump(ctx, dec, func(pcm []int16) error {
		out, err := dn.Write(ctx, pcm)
		if err == nil {
			err = put(out)
		}
		return err
	}, report)
	if err == nil {
		var out []int16
		if out, err = dn.Flush(ctx); err == nil {
			err = put(out)
		}
	}
	if _, cerr := enc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, nil, err
	}
	lufs, err := m.Loudness()
	return lufs, pk, err
}

// normalise applies gain through the limiter from the WAV at src into dst
// and returns the loudness of what it wrote.
func normalise(ctx context.Context, src, dst string, format audio.Format, gain float64, report func(int64)) (audio.Info, float64, error) {
	dec, err := audio.OpenDecoder(src)
	if err != nil {
		return audio.Info{}, 0, err
	}
	defer dec.Close()
	in := dec.Info()
	m, err := NewMeter(in.SampleRate, in.Channels)
	if err != nil {
		return audio.Info{}, 0, err
	}
	defer m.Close()
	enc, err := audio.Create(dst, format, in.SampleRate, in.Channels)
	if err != nil {
		return audio.Info{}, 0, err
	}
	put := func(pcm []int16) error {
		if err := m.Add(pcm); err != nil {
			return err
		}
		return enc.Write(pcm)
	}
	lim := newLimiter(in.SampleRate, in.Channels, gain, CeilingDB)
	err = pump(ctx, dec, func(pcm []int16) error { return put(lim.process(pcm)) }, report)
	if err == nil {
		err = put(lim.flush())
	}
	info, cerr := enc.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		return audio.Info{}, 0, err
	}
	lufs, err := m.Loudness()
	return info, lufs, err
}

// pump reads dec to the end, handing each piece to fn.
func pump(ctx context.Context, dec audio.Decoder, fn func([]int16) error, report func(int64)) error {
	ch := dec.Info().Channels
	buf := make([]int16, 8192*ch)
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := dec.Read(buf)
		if n > 0 {
			if ferr := fn(buf[:n]); ferr != nil {
				return ferr
			}
			done += int64(n / ch)
			report(done)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
