package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/earshot/earshot/audio"
)

// overview decodes the file at path and returns n amplitudes (0..1): each
// is the loudest sample of its slice of the recording on the meter's dB
// scale, so quiet speech is still visible.
func overview(ctx context.Context, path string, n int) ([]float32, error) {
	dec, err := audio.OpenDecoder(path)
	if err != nil {
		return nil, fmt.Errorf("waveform of %s: %w", path, err)
	}
	defer dec.Close()
	info := dec.Info()
	frames := info.Frames
	if frames <= 0 || n <= 0 {
		return make([]float32, max(n, 0)), nil
	}
	ch := max(info.Channels, 1)
	peaks := make([]int32, n)
	buf := make([]int16, 4096*ch)
	var frame int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		k, err := dec.Read(buf)
		for i := 0; i < k; i++ {
			b := int(frame * int64(n) / frames)
			if b >= n {
				b = n - 1
			}
			v := int32(buf[i])
			if v < 0 {
				v = -v
			}
			peaks[b] = max(peaks[b], v)
			if (i+1)%ch == 0 {
				frame++
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("waveform of %s: %w", path, err)
		}
	}
	out := make([]float32, n)
	for i, p := range peaks {
		if p > 0 {
			out[i] = fraction(20 * math.Log10(float64(p)/32768))
		}
	}
	return out, nil
}
