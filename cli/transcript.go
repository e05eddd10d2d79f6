package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/transcribe"
)

// jsonTranscript is `earshot transcript ID --format json`: the wire
// transcript with where it stands.
type jsonTranscript struct {
	ID       string  `json:"id"`
	State    string  `json:"state"`
	Progress float64 `json:"progress,omitempty"`
	Error    string  `json:"error,omitempty"`
	api.Transcript
}

func init() {
	var format string
	Register(&Command{
		Name: "transcript", Args: "ID", Summary: "print a recording's transcript (txt, srt, vtt or json)",
		Examples: `earshot transcript 3f91c07a
			earshot transcript 3f91c07a --format srt > call.srt
			earshot transcript 3f91c07a --format json`,
		MinArgs: 1, MaxArgs: 1,
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&format, "format", "txt", "txt (each line after the moment it starts), srt, vtt or json")
		},
		Run: func(ctx context.Context, e *Env, args []string) error {
			return printTranscript(ctx, e, args[0], format)
		},
	})
	Register(&Command{
		Name: "transcript edit", Args: "ID TIME TEXT...", Summary: "correct the transcript segment said at TIME",
		Long:     "TIME is as `earshot transcript ID` prints it (1:05, or 1:05.2). A corrected segment syncs, and a redo keeps it.",
		Examples: `earshot transcript edit 3f91c07a 1:05 ship it on Thursday`,
		MinArgs:  3, MaxArgs: -1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			return editTranscript(ctx, e, args[0], args[1], strings.Join(args[2:], " "))
		},
	})
}

func printTranscript(ctx context.Context, e *Env, ref, format string) error {
	if format != "json" && !validFormat(format) {
		return Usagef("--format takes txt, srt, vtt or json, not %q", format)
	}
	r, err := e.Recording(ctx, ref)
	if err != nil {
		return err
	}
	info, err := e.lib.Transcript(ctx, r.ID)
	if err != nil {
		return err
	}
	if format == "json" {
		j := jsonTranscript{ID: r.ID, State: string(info.State), Progress: info.Progress, Error: info.Error, Transcript: info.Transcript}
		if j.Segments == nil {
			j.Segments = []api.Segment{}
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	}
	if !info.Has {
		return noTranscript(r.ID, info)
	}
	if len(info.Transcript.Segments) == 0 {
		e.note("no speech was heard in %s", r.ID)
		return nil
	}
	return transcribe.WriteFormat(e.Stdout, info.Transcript, format)
}

func validFormat(f string) bool {
	for _, k := range transcribe.Formats {
		if f == k {
			return true
		}
	}
	return false
}

// noTranscript is the error for a recording without one: why, and what to do.
func noTranscript(id string, info library.TranscriptInfo) error {
	id = library.ShortID(id)
	switch info.State {
	case library.TranscriptQueued:
		return fmt.Errorf("%s is not transcribed yet (it is in the queue): `earshot transcribe %s` does it now", id, id)
	case library.TranscriptRunning:
		return fmt.Errorf("%s is being transcribed (%.0f %%): try again in a moment", id, info.Progress*100)
	case library.TranscriptFailed:
		return fmt.Errorf("%s could not be transcribed: %s; `earshot transcribe %s` tries again", id, info.Error, id)
	}
	return fmt.Errorf("%s has no transcript: `earshot transcribe %s` makes one", id, id)
}

func editTranscript(ctx context.Context, e *Env, ref, at, text string) error {
	when, err := human.ParseMoment(at)
	if err != nil {
		return Usagef("%w", err)
	}
	if strings.TrimSpace(text) == "" {
		return Usagef("give the corrected text after the time")
	}
	r, err := e.Recording(ctx, ref)
	if err != nil {
		return err
	}
	info, err := e.lib.Transcript(ctx, r.ID)
	if err != nil {
		return err
	}
	if !info.Has {
		return noTranscript(r.ID, info)
	}
	i := segmentAt(info.Transcript.Segments, when)
	if i < 0 {
		return fmt.Errorf("no transcript segment at %s in %s: `earshot transcript %s` shows the times", at, r.ID, r.ID)
	}
	if err := e.lib.EditSegment(ctx, r.ID, i, text); err != nil {
		return err
	}
	s := info.Transcript.Segments[i]
	e.note("corrected the segment at %s: %q → %q", human.Moment(time.Duration(s.StartMS)*time.Millisecond), printable(s.Text), printable(strings.TrimSpace(text)))
	return nil
}

// segmentAt is the segment that starts at d as printed (tenths) or holds d.
func segmentAt(segs []api.Segment, d time.Duration) int {
	ms := d.Milliseconds()
	for i, s := range segs {
		if s.StartMS/100 == ms/100 || (s.StartMS <= ms && ms < s.EndMS) {
			return i
		}
	}
	return -1
}
