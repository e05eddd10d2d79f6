// Command benchrec records from an input device for a fixed length of audio
// and prints what the recorder did, for scripts/bench/capture.sh. It is the
// recorder alone, without the library or the CLI around it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/device"
)

func main() {
	seconds := flag.Float64("seconds", 60, "length of audio to record")
	format := flag.String("format", "opus", "opus, flac or wav")
	dev := flag.String("device", "", "input device name or id; default: the system's")
	out := flag.String("out", "bench.opus", "file to record into")
	flag.Parse()
	if err := run(*seconds, *format, *dev, *out); err != nil {
		fmt.Fprintln(os.Stderr, "benchrec:", err)
		os.Exit(1)
	}
}

func run(seconds float64, format, dev, out string) error {
	f, err := audio.ParseFormat(format)
	if err != nil {
		return err
	}
	rec, err := device.StartRecording(context.Background(), device.Config{Device: dev, Format: f}, out)
	if err != nil {
		return err
	}
	want := time.Duration(seconds * float64(time.Second))
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var stopped error
wait:
	for rec.Stats().Elapsed < want {
		select {
		case <-rec.Done():
			stopped = rec.Err()
			break wait
		case <-tick.C:
		}
	}
	info, err := rec.Stop()
	if err != nil {
		return err
	}
	s := rec.Stats()
	fmt.Printf("recorded_seconds=%.3f overruns=%d bytes=%d\n", info.Duration.Seconds(), s.Overruns, s.Bytes)
	return stopped
}
