package transcribe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
)

// Options tune File.
type Options struct {
	// From skips the audio before it: the segments before were finished by
	// an earlier attempt.
	From time.Duration
	// Progress, if set, is called as audio is consumed with the fraction
	// done (0..1).
	Progress func(done float64)
}

// File transcribes the audio file at path with eng and calls segment for
// each stretch of speech, in order, as soon as it is recognised; an error
// from segment stops File and is returned. A silent file gives no
// segments and no error. Memory stays bounded by MaxUtterance.
func File(ctx context.Context, eng Engine, path string, opts Options, segment func(api.Segment) error) error {
	d, err := audio.OpenDecoder(path)
	if err != nil {
		return fmt.Errorf("transcribe %s: %w", path, err)
	}
	defer d.Close()
	in := d.Info()
	if in.SampleRate <= 0 || in.Channels <= 0 {
		return fmt.Errorf("transcribe %s: %w", path, audio.ErrCorrupt)
	}
	from := int64(opts.From) * int64(in.SampleRate) / int64(time.Second)
	if from > 0 && from < in.Frames {
		if _, err := d.Seek(from, io.SeekStart); err != nil {
			return fmt.Errorf("transcribe %s: resume at %v: %w", path, opts.From, err)
		}
	} else {
		from = 0
	}
	start := from * Rate / int64(in.SampleRate)
	sp := newSplitter(start, func(u Utterance) error {
		s, ok, err := recognise(ctx, eng, u)
		if err != nil || !ok {
			return err
		}
		return segment(s)
	})
	if err := stream(ctx, d, from, sp, opts.Progress); err != nil {
		return fmt.Errorf("transcribe %s: %w", path, err)
	}
	return nil
}

// stream feeds the decoder's audio, mixed to mono and resampled to Rate,
// into the splitter.
func stream(ctx context.Context, d audio.Decoder, done int64, sp *splitter, progress func(float64)) error {
	in := d.Info()
	var rs *audio.Resampler
	if in.SampleRate != Rate {
		rs = audio.NewResampler(in.SampleRate, Rate, 1)
	}
	buf := make([]int16, 8192*in.Channels)
	var mono, out []int16
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := d.Read(buf)
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return rerr
		}
		final := errors.Is(rerr, io.EOF)
		pcm := buf[:n]
		if in.Channels > 1 {
			mono = audio.DownmixMono(mono[:0], pcm, in.Channels)
			pcm = mono
		}
		if rs != nil {
			out = rs.Process(out[:0], pcm, final)
			pcm = out
		}
		if err := sp.Write(pcm); err != nil {
			return err
		}
		done += int64(n / in.Channels)
		if progress != nil && in.Frames > 0 {
			progress(min(1, float64(done)/float64(in.Frames)))
		}
		if final {
			return sp.Flush()
		}
	}
}

// recognise decodes one utterance into a segment in the recording's time;
// ok is false when the engine heard no words.
func recognise(ctx context.Context, eng Engine, u Utterance) (api.Segment, bool, error) {
	words, err := eng.Decode(ctx, u.PCM)
	if err != nil || len(words) == 0 {
		return api.Segment{}, false, err
	}
	off := u.Start * 1000 / Rate
	texts := make([]string, len(words))
	for i := range words {
		words[i].StartMS += off
		words[i].EndMS += off
		texts[i] = words[i].Text
	}
	return api.Segment{
		StartMS: words[0].StartMS,
		EndMS:   words[len(words)-1].EndMS,
		Text:    strings.Join(texts, " "),
		Words:   words,
	}, true, nil
}
