package audio

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/earshot/earshot/internal/durable"
)

// Option adjusts an encoder made by Create.
type Option func(*encOptions)

type encOptions struct {
	bitrate int // Opus, bits per second
}

// DefaultOpusBitrate is the Opus bit rate for voice recordings: about
// 0.24 MB per minute, transparent enough for speech.
const DefaultOpusBitrate = 32000

// WithBitrate sets the Opus bit rate in bits per second (6000–510000).
// Other formats ignore it.
func WithBitrate(bps int) Option { return func(o *encOptions) { o.bitrate = bps } }

// Create starts a new recording at path in the given format for interleaved
// 16-bit input at sampleRate with channels (1 or 2). The file is created (or
// truncated) at once; see Encoder for the crash-safety contract.
//
// WAV and FLAC take any rate from 1 Hz to 655 kHz; Opus takes 8, 12, 16, 24
// or 48 kHz and always decodes at 48 kHz. MP3 (for export: see
// ExportFormats) takes 8 to 48 kHz through libmp3lame.
func Create(path string, format Format, sampleRate, channels int, opts ...Option) (Encoder, error) {
	o := encOptions{bitrate: DefaultOpusBitrate}
	for _, opt := range opts {
		opt(&o)
	}
	if channels != 1 && channels != 2 {
		return nil, fmt.Errorf("create %s: %w: %d channels (use 1 or 2)", filepath.Base(path), ErrBadParams, channels)
	}
	if sampleRate < 1 || sampleRate > 655350 {
		return nil, fmt.Errorf("create %s: %w: sample rate %d Hz", filepath.Base(path), ErrBadParams, sampleRate)
	}
	var (
		enc Encoder
		err error
	)
	switch format {
	case WAV:
		enc, err = newWAVEncoder(path, sampleRate, channels)
	case Opus:
		enc, err = newOpusEncoder(path, sampleRate, channels, o)
	case FLAC:
		enc, err = newFLACEncoder(path, sampleRate, channels)
	case MP3:
		enc, err = newMP3Encoder(path, sampleRate, channels)
	default:
		err = fmt.Errorf("%w: format %q (use opus, flac or wav)", ErrBadParams, format)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Base(path), err)
	}
	return enc, nil
}

// framesDuration converts a frame count at rate into a duration, rounding
// to the nearest nanosecond without overflow for any realistic length.
func framesDuration(frames int64, rate int) time.Duration {
	if rate <= 0 {
		return 0
	}
	sec := frames / int64(rate)
	rem := frames % int64(rate)
	return time.Duration(sec)*time.Second + time.Duration((rem*int64(time.Second)+int64(rate)/2)/int64(rate))
}

// writeAtomic writes path by way of the temporary file tmp (in the same
// folder): fill is called with it, then it is fsynced and renamed over path,
// and the folder fsynced. On error tmp is removed and path is untouched.
func writeAtomic(path, tmp string, fill func(f *os.File) error) error {
	dir := filepath.Dir(path)
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return durable.SyncDir(dir)
}
