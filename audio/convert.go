package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/earshot/earshot/internal/durable"
)

// Convert decodes src (WAV, FLAC, Ogg Opus or MP3, detected by content) and
// encodes it into dst in format. The result is written to dst+".tmp",
// fsynced and renamed to dst, so dst is either absent or complete. Mono and
// stereo pass through; more channels are mixed down to mono. For Opus a
// source rate libopus cannot take is resampled to 48 kHz.
//
// progress, if not nil, is called from the calling goroutine with source
// frames done and the total. Cancelling ctx stops the work, removes the
// temporary file and returns ctx.Err() wrapped.
func Convert(ctx context.Context, src, dst string, format Format, progress func(done, total int64)) (Info, error) {
	info, err := convert(ctx, src, dst, format, progress)
	if err != nil {
		return Info{}, fmt.Errorf("convert %s to %s: %w", filepath.Base(src), format, err)
	}
	return info, nil
}

func convert(ctx context.Context, src, dst string, format Format, progress func(done, total int64)) (Info, error) {
	d, err := OpenDecoder(src)
	if err != nil {
		return Info{}, err
	}
	defer d.Close()
	in := d.Info()
	ch, rate := min(in.Channels, 2), in.SampleRate
	if in.Channels > 2 {
		ch = 1
	}
	var rs *resampler
	if format == Opus && !isOpusRate(rate) {
		rs = newResampler(rate, opusRate, ch)
		rate = opusRate
	}
	tmp := dst + ".tmp"
	enc, err := Create(tmp, format, rate, ch)
	if err != nil {
		return Info{}, err
	}
	ok := false
	defer func() {
		if !ok {
			if enc != nil {
				enc.Close()
			}
			os.Remove(tmp)
		}
	}()
	buf := make([]int16, 16384*in.Channels)
	var mixed, out []int16
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return Info{}, err
		}
		n, rerr := d.Read(buf)
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return Info{}, rerr
		}
		pcm := buf[:n]
		if in.Channels > 2 {
			mixed = downmixMono(mixed[:0], pcm, in.Channels)
			pcm = mixed
		}
		final := errors.Is(rerr, io.EOF)
		if rs != nil {
			out = rs.process(out[:0], pcm, final)
			pcm = out
		}
		if err := enc.Write(pcm); err != nil {
			return Info{}, err
		}
		done += int64(n / in.Channels)
		if progress != nil {
			progress(done, in.Frames)
		}
		if final {
			break
		}
	}
	info, err := enc.Close()
	enc = nil
	if err != nil {
		return Info{}, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return Info{}, err
	}
	ok = true
	if err := durable.SyncDir(filepath.Dir(dst)); err != nil {
		return Info{}, err
	}
	return info, nil
}

// downmixMono averages each frame's channels.
func downmixMono(dst, pcm []int16, ch int) []int16 {
	for i := 0; i+ch <= len(pcm); i += ch {
		var sum int
		for _, s := range pcm[i : i+ch] {
			sum += int(s)
		}
		dst = append(dst, int16(sum/ch))
	}
	return dst
}
