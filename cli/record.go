package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/internal/human"
)

type recordFlags struct {
	duration time.Duration
	device   string
	format   string
	title    string
	json     bool
}

func init() {
	var f recordFlags
	Register(&Command{
		Name:    "record",
		Creates: true,
		Examples: `earshot record                       # until Ctrl-C
			earshot record --duration 5m --title "Stand-up" --format flac`,
		Summary: "record from the microphone until Ctrl-C (or --duration); prints the new id",
		Flags: func(fs *flag.FlagSet) {
			f = recordFlags{}
			fs.DurationVar(&f.duration, "duration", 0, "stop after this long (e.g. 90s, 5m)")
			fs.StringVar(&f.device, "device", "", "input device name or id (`earshot devices`); default: the system's")
			fs.StringVar(&f.format, "format", "opus", "opus, flac or wav")
			fs.BoolVar(&f.json, "json", false, "print the new recording as JSON (as list --json shows it) instead of its id")
			fs.StringVar(&f.title, "title", "", "title (default: Recording <date time>)")
		},
		Run: func(ctx context.Context, e *Env, _ []string) error { return record(ctx, e, f) },
	})
}

func record(ctx context.Context, e *Env, f recordFlags) error {
	format, err := audio.ParseFormat(f.format)
	if err != nil {
		return Usagef("%w", err)
	}
	if err := api.CheckTitle(strings.TrimSpace(f.title)); err != nil {
		return Usagef("--title: %w", err)
	}
	if f.duration < 0 {
		return Usagef("--duration %s is negative; give a length such as 30s or 5m", f.duration)
	}
	lib, err := e.Library(ctx)
	if err != nil {
		return err
	}
	// The recording outlives ctx: Ctrl-C and SIGTERM end it through Stop,
	// so it is finalised and committed like any other.
	keep := context.WithoutCancel(ctx)
	p, err := lib.BeginRecording(keep, f.title, format)
	if err != nil {
		return err
	}
	rec, err := device.StartRecording(keep, device.Config{Device: f.device, Format: format, Tap: p.Tap}, p.PartPath)
	if err != nil {
		lib.Abort(keep, p)
		return err
	}
	keys, restore, onTerminal := markKeys(e.Stdin)
	hint := ""
	if onTerminal {
		hint = "; any other key bookmarks the moment"
	}
	fmt.Fprintf(e.Stderr, "recording %q (%s) as %s; Ctrl-C stops and keeps it%s\n", p.Title, p.ID, format, hint)

	marker := &recordingMarker{ctx: keep, lib: lib, p: p, rec: rec, w: e.Stderr}
	stopped := watch(ctx, e.Stderr, rec, f.duration, keys, marker.mark)
	restore()

	info, stopErr := rec.Stop()
	if isTerminal(e.Stderr) {
		fmt.Fprint(e.Stderr, "\r\x1b[K")
	}
	if stopErr != nil {
		// The lock goes when this process exits: the next start repairs it.
		return fmt.Errorf("%w; the next `earshot` command recovers what was recorded", stopErr)
	}
	r, err := lib.Commit(keep, p, info)
	if err != nil {
		if errors.Is(stopped, device.ErrDiskFull) {
			// Indexing needs a little space too; the audio is safe on disk.
			return fmt.Errorf("%w; the next `earshot` command adds it to the library once there is space", stopped)
		}
		return fmt.Errorf("%w; the next `earshot` command recovers it", err)
	}
	if f.json {
		if err := e.PrintJSON(toJSON(r)); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(e.Stdout, r.ID)
	}
	fmt.Fprintf(e.Stderr, "saved %q (%s): %s, %s, %s\n", r.Title, r.ID, formatDuration(r.Duration), r.Format, formatSize(r.Size))
	if n := rec.Stats().Overruns; n > 0 {
		fmt.Fprintf(e.Stderr, "warning: %s of audio (%d samples) was dropped because the computer could not keep up\n",
			frames(n), n)
	}
	if stopped != nil {
		return stopped // the device went away or the disk filled: say so, after saving
	}
	return nil
}

// watch shows the live status until the user stops (ctx), the duration is
// recorded, or the recording stops by itself (its error is returned); each
// request on keys becomes a bookmark through mark.
func watch(ctx context.Context, w io.Writer, rec *device.Recorder, duration time.Duration, keys <-chan string, mark func(name string)) error {
	live := isTerminal(w)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var durTick <-chan time.Time
	if duration > 0 {
		// Stop on recorded time, not wall time: the device may start late.
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		durTick = t.C
	}
	overruns := rec.Overruns()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-rec.Done():
			return rec.Err()
		case <-durTick:
			if rec.Stats().Elapsed >= duration {
				return nil
			}
		case name, ok := <-keys:
			if !ok {
				keys = nil
				continue
			}
			if live {
				fmt.Fprint(w, "\r\x1b[K")
			}
			mark(name)
		case n, ok := <-overruns:
			if !ok {
				overruns = nil
				continue
			}
			if live {
				fmt.Fprint(w, "\r\x1b[K")
			}
			fmt.Fprintf(w, "warning: audio dropped (%d samples so far): the computer is not keeping up; close busy programs\n", n)
		case <-tick.C:
			if live {
				fmt.Fprint(w, "\r\x1b[K"+statusLine(rec.Stats()))
			}
		}
	}
}

// statusLine is the live line: elapsed time, a level meter, overruns.
func statusLine(s device.Stats) string {
	const width = 20
	// -60 dBFS .. 0 dBFS across the meter.
	n := int(math.Round((s.Level.Peak + 60) / 60 * width))
	n = max(0, min(width, n))
	meter := strings.Repeat("█", n) + strings.Repeat("·", width-n)
	level := "  -∞ dB"
	if s.Level.Peak > -120 {
		level = fmt.Sprintf("%4.0f dB", s.Level.Peak)
	}
	clip := ""
	if s.Level.Clipped {
		clip = " CLIP"
	}
	return fmt.Sprintf("● %s  %s %s%s  overruns %d", human.Timer(s.Elapsed), meter, level, clip, s.Overruns)
}

// frames describes a count of dropped frames at 48 kHz as a duration.
func frames(n int64) string {
	return (time.Duration(n) * time.Second / 48000).Round(time.Millisecond).String()
}
