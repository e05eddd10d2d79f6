package audio

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
)

// Waveform decodes the file at path and returns the peak level (0..1, all
// channels) of each of buckets equal stretches of it, for the seek bar's
// overview. A file shorter than buckets frames gets one bucket per frame.
func Waveform(path string, buckets int) ([]float32, error) {
	if buckets < 1 {
		return nil, fmt.Errorf("waveform of %s: %w: %d buckets", filepath.Base(path), ErrBadParams, buckets)
	}
	d, err := OpenDecoder(path)
	if err != nil {
		return nil, fmt.Errorf("waveform: %w", err)
	}
	defer d.Close()
	info := d.Info()
	total := info.Frames
	if total < int64(buckets) {
		buckets = int(total)
	}
	peaks := make([]float32, buckets)
	if buckets == 0 {
		return peaks, nil
	}
	buf := make([]int16, 8192*info.Channels)
	var frame int64
	for {
		n, err := d.Read(buf)
		for i := 0; i < n; i += info.Channels {
			b := int(frame * int64(buckets) / total)
			for _, s := range buf[i : i+info.Channels] {
				v := float32(s) / 32768
				if v < 0 {
					v = -v
				}
				if b < buckets && v > peaks[b] {
					peaks[b] = v
				}
			}
			frame++
		}
		if errors.Is(err, io.EOF) {
			return peaks, nil
		}
		if err != nil {
			return nil, fmt.Errorf("waveform of %s: %w", filepath.Base(path), err)
		}
	}
}
