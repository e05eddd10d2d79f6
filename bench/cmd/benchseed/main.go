// Command benchseed fills a library folder with many short recordings for
// scripts/bench/gui.sh, which measures the window scrolling through them.
// It goes through library.Import like any user would, so the rows are real.
//
//	go run ./bench/cmd/benchseed DIR N
package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/library"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: benchseed DIR N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err == nil {
		err = seed(context.Background(), os.Args[1], n)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchseed:", err)
		os.Exit(1)
	}
}

func seed(ctx context.Context, dir string, n int) error {
	lib, err := library.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer lib.Close()
	// The window transcribes new recordings in the background: 10,000 jobs
	// would be what the idle figures measure, not the window.
	if err := lib.SetAutoTranscribe(ctx, false); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "benchseed")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "src.wav")
	if err := tone(src); err != nil {
		return err
	}
	have, err := lib.Count(ctx, library.ListOptions{})
	if err != nil {
		return err
	}
	for i := have; i < n; i++ {
		// Import titles a recording after its file name.
		name := filepath.Join(tmp, fmt.Sprintf("Meeting notes %05d.wav", i))
		if err := os.Link(src, name); err != nil {
			return err
		}
		if _, err := lib.Import(ctx, name, nil); err != nil {
			return err
		}
		os.Remove(name)
	}
	return nil
}

// tone writes a quarter second of a 440 Hz tone as WAV.
func tone(path string) error {
	enc, err := audio.Create(path, audio.WAV, 16000, 1)
	if err != nil {
		return err
	}
	pcm := make([]int16, 4000)
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/16000))
	}
	if err := enc.Write(pcm); err != nil {
		return err
	}
	_, err = enc.Close()
	return err
}
