// Command benchlisten runs one listening tool over a whole file, for
// scripts/bench/listening.sh to time next to the reference tools:
//
//	benchlisten stretch IN OUT SPEED   time-stretch (SoundTouch) into a WAV, like sox tempo
//	benchlisten vad IN                 the speech map, printing the spans found
//	benchlisten denoise IN OUT         RNNoise noise suppression into a WAV
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/enhance"
	"github.com/earshot/earshot/audio/stretch"
	"github.com/earshot/earshot/audio/vad"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchlisten:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	switch {
	case len(args) == 4 && args[0] == "stretch":
		speed, err := strconv.ParseFloat(args[3], 64)
		if err != nil {
			return err
		}
		return stretchFile(args[1], args[2], speed)
	case len(args) == 2 && args[0] == "vad":
		m, err := vad.DetectFile(ctx, args[1])
		if err != nil {
			return err
		}
		fmt.Printf("%d speech spans in %s\n", len(m.Speech), m.Duration)
		return nil
	case len(args) == 3 && args[0] == "denoise":
		return denoiseFile(ctx, args[1], args[2])
	}
	return errors.New("usage: benchlisten stretch IN OUT SPEED | vad IN | denoise IN OUT")
}

// pipe decodes in, passes each piece through fn and writes the result to a
// WAV at out; flush gives what fn still holds at the end.
func pipe(in, out string, fn func([]int16) ([]int16, error), flush func() ([]int16, error)) error {
	dec, err := audio.OpenDecoder(in)
	if err != nil {
		return err
	}
	defer dec.Close()
	info := dec.Info()
	enc, err := audio.Create(out, audio.WAV, info.SampleRate, info.Channels)
	if err != nil {
		return err
	}
	buf := make([]int16, 8192*info.Channels)
	for {
		n, rerr := dec.Read(buf)
		o, err := fn(buf[:n])
		if err == nil {
			err = enc.Write(o)
		}
		if err != nil {
			return err
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	o, err := flush()
	if err == nil {
		err = enc.Write(o)
	}
	if _, cerr := enc.Close(); err == nil {
		err = cerr
	}
	return err
}

func stretchFile(in, out string, speed float64) error {
	info, err := audio.Probe(in)
	if err != nil {
		return err
	}
	st, err := stretch.New(info.SampleRate, info.Channels, speed)
	if err != nil {
		return err
	}
	defer st.Close()
	res := make([]int16, 16384*info.Channels)
	drain := func() []int16 {
		var o []int16
		for n := st.Read(res); n > 0; n = st.Read(res) {
			o = append(o, res[:n]...)
		}
		return o
	}
	return pipe(in, out, func(pcm []int16) ([]int16, error) {
		if err := st.Write(pcm); err != nil {
			return nil, err
		}
		return drain(), nil
	}, func() ([]int16, error) { st.Flush(); return drain(), nil })
}

func denoiseFile(ctx context.Context, in, out string) error {
	info, err := audio.Probe(in)
	if err != nil {
		return err
	}
	d, err := enhance.NewDenoiser(ctx, info.SampleRate, info.Channels)
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	return pipe(in, out, func(pcm []int16) ([]int16, error) { return d.Write(ctx, pcm) },
		func() ([]int16, error) { return d.Flush(ctx) })
}
