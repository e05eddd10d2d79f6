package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
)

// ErrTrimRange means a trim's span is empty or lies outside the recording.
var ErrTrimRange = errors.New("the part to keep is empty or outside the recording")

// Trim writes frames [from, to) of the audio file at src to a new file at
// dst in the source's format, rate and channels, and returns what it wrote.
// WAV and FLAC keep every sample exactly. Opus is decoded and encoded again
// at Earshot's voice bit rate: cutting Ogg pages at packet boundaries would
// avoid the second generation, but lands only within 20 ms of the chosen
// moment and needs pre-roll and end trimming to hide the decoder's start-up;
// at 32 kb/s speech a second generation is not audible, a missed syllable is.
// dst is a recording's part file: on error it may hold part of the audio.
func Trim(ctx context.Context, src, dst string, from, to int64) (Info, error) {
	format, err := DetectFormat(src)
	if err != nil {
		return Info{}, fmt.Errorf("trim %s: %w", filepath.Base(src), err)
	}
	dec, err := OpenDecoder(src)
	if err != nil {
		return Info{}, fmt.Errorf("trim %s: %w", filepath.Base(src), err)
	}
	defer dec.Close()
	in := dec.Info()
	if from < 0 || to > in.Frames || from >= to {
		return Info{}, fmt.Errorf("trim %s: %w", filepath.Base(src), ErrTrimRange)
	}
	if _, err := dec.Seek(from, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("trim %s: %w", filepath.Base(src), err)
	}
	enc, err := Create(dst, format, in.SampleRate, in.Channels)
	if err != nil {
		return Info{}, fmt.Errorf("trim %s: %w", filepath.Base(src), err)
	}
	if err := copyFrames(ctx, dec, enc, to-from); err != nil {
		_, _ = enc.Close()
		return Info{}, fmt.Errorf("trim %s: %w", filepath.Base(src), err)
	}
	info, err := enc.Close()
	if err != nil {
		return Info{}, fmt.Errorf("trim %s: %w", filepath.Base(src), err)
	}
	return info, nil
}

// copyFrames moves n frames from dec to enc.
func copyFrames(ctx context.Context, dec Decoder, enc Encoder, n int64) error {
	ch := dec.Info().Channels
	buf := make([]int16, 8192*ch)
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		want := int(min(int64(len(buf)/ch), n)) * ch
		got, err := dec.Read(buf[:want])
		if got > 0 {
			if werr := enc.Write(buf[:got]); werr != nil {
				return werr
			}
			n -= int64(got / ch)
		}
		if errors.Is(err, io.EOF) {
			if n > 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}
