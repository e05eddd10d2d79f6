package audio

// Resampler converts interleaved 16-bit audio from one sample rate to
// another with the band-limited windowed-sinc interpolator the importer
// uses. It streams: feed it pieces in order. Not safe for concurrent use.
type Resampler struct{ r *resampler }

// NewResampler converts channels-channel audio from inRate to outRate Hz.
func NewResampler(inRate, outRate, channels int) *Resampler {
	return &Resampler{r: newResampler(inRate, outRate, channels)}
}

// Process adds pcm and appends to dst every output frame it can produce
// so far; with final set the input is over and the rest comes out. It does
// not retain pcm.
func (r *Resampler) Process(dst, pcm []int16, final bool) []int16 {
	return r.r.process(dst, pcm, final)
}

// DownmixMono appends to dst the average of each frame of ch-channel pcm.
func DownmixMono(dst, pcm []int16, ch int) []int16 { return downmixMono(dst, pcm, ch) }
