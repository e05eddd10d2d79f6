package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/transcribe/worker"
)

type transcribeFlags struct {
	all, redo, discard bool
	auto               string
}

func init() {
	var f transcribeFlags
	Register(&Command{
		Name: "transcribe", Args: "ID...", Summary: "make transcripts now, on this computer (US English)",
		Long: `New recordings are transcribed by themselves while Earshot runs; this does it now
and waits. A recording that has a transcript is left alone unless --redo; a redo keeps
the segments you corrected unless --discard-edits. Transcription is US English only.`,
		Examples: `earshot transcribe 3f91c07a
			earshot transcribe --all             # every recording here without a transcript
			earshot transcribe --redo 3f91c07a   # again, keeping your corrections
			earshot transcribe --auto off        # new recordings are no longer transcribed by themselves`,
		MaxArgs: -1,
		Flags: func(fs *flag.FlagSet) {
			f = transcribeFlags{}
			fs.BoolVar(&f.all, "all", false, "every recording on this device without a transcript (and failed ones)")
			fs.BoolVar(&f.redo, "redo", false, "transcribe again, replacing the transcript (your corrections are kept)")
			fs.BoolVar(&f.discard, "discard-edits", false, "with --redo: replace your corrections too")
			fs.StringVar(&f.auto, "auto", "", "on or off: transcribe new recordings by themselves")
		},
		Run: func(ctx context.Context, e *Env, args []string) error { return runTranscribe(ctx, e, f, args) },
	})
}

func runTranscribe(ctx context.Context, e *Env, f transcribeFlags, args []string) error {
	switch {
	case f.auto != "" && (f.all || len(args) > 0):
		return Usagef("--auto goes alone: earshot transcribe --auto on")
	case f.auto != "":
		return setAuto(ctx, e, f.auto)
	case f.all == (len(args) > 0):
		return Usagef("name the recordings to transcribe, or --all")
	case f.discard && !f.redo:
		return Usagef("--discard-edits goes with --redo")
	}
	lib, err := e.Library(ctx)
	if err != nil {
		return err
	}
	ids, err := queueTranscriptions(ctx, e, f, args)
	if err != nil || len(ids) == 0 {
		return err
	}
	w := worker.New(lib, worker.Options{Log: func(id, msg string) { e.note("%s: %s", library.ShortID(id), msg) }})
	err = w.DrainUntil(ctx, func() bool { n, err := pendingOf(ctx, lib, ids); return err == nil && n == 0 })
	if errors.Is(err, library.ErrTranscriberBusy) {
		e.note("the Earshot window (or another earshot) is transcribing this library; waiting for it")
		err = waitTranscribed(ctx, lib, ids)
	}
	if err != nil {
		return err
	}
	return reportTranscribed(ctx, e, ids)
}

func setAuto(ctx context.Context, e *Env, v string) error {
	on := v == "on"
	if !on && v != "off" {
		return Usagef("--auto takes on or off, not %q", v)
	}
	lib, err := e.Library(ctx)
	if err != nil {
		return err
	}
	if err := lib.SetAutoTranscribe(ctx, on); err != nil {
		return err
	}
	if on {
		e.note("automatic transcription is on: new recordings are transcribed on this computer (US English only)")
	} else {
		e.note("automatic transcription is off: `earshot transcribe ID` still transcribes one when you ask")
	}
	return nil
}

// queueTranscriptions queues what was asked for and returns the ids to
// wait for.
func queueTranscriptions(ctx context.Context, e *Env, f transcribeFlags, args []string) ([]string, error) {
	if f.all {
		if _, err := e.lib.QueueAllTranscriptions(ctx); err != nil {
			return nil, err
		}
		return e.lib.TranscriptJobIDs(ctx)
	}
	var ids []string
	for _, a := range args {
		r, err := e.Recording(ctx, a)
		if err != nil {
			return nil, err
		}
		info, err := e.lib.Transcript(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if info.Has && !f.redo {
			e.note("%s already has a transcript: `earshot transcript %s` shows it, --redo makes a new one", library.ShortID(r.ID), library.ShortID(r.ID))
			continue
		}
		if n := editedSegments(info); f.redo && n > 0 && !f.discard {
			e.note("%s: keeping your corrections in %s (--discard-edits replaces them)", library.ShortID(r.ID), plural(n, "segment", "segments"))
		}
		if err := e.lib.QueueTranscription(ctx, r.ID, library.QueueOptions{Redo: f.redo, DiscardEdits: f.discard}); err != nil {
			if errors.Is(err, library.ErrNoAudio) {
				short := library.ShortID(r.ID)
				return nil, fmt.Errorf("%s is in the cloud only: `earshot pull %s` downloads it, then transcribe it", short, short)
			}
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

func editedSegments(info library.TranscriptInfo) int {
	n := 0
	for _, s := range info.Transcript.Segments {
		if s.Edited {
			n++
		}
	}
	return n
}

// waitTranscribed waits until another process's worker has done the ids.
func waitTranscribed(ctx context.Context, lib *library.Library, ids []string) error {
	changes, cancel := lib.Subscribe()
	defer cancel()
	for {
		pending, err := pendingOf(ctx, lib, ids)
		if err != nil || pending == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changes:
		case <-time.After(2 * time.Second):
		}
	}
}

// pendingOf counts the ids whose transcription is still queued or running.
func pendingOf(ctx context.Context, lib *library.Library, ids []string) (int, error) {
	pending := 0
	for _, id := range ids {
		info, err := lib.Transcript(ctx, id)
		if err != nil && !errors.Is(err, library.ErrNotFound) {
			return 0, err
		}
		if info.State == library.TranscriptQueued || info.State == library.TranscriptRunning {
			pending++
		}
	}
	return pending, nil
}

// reportTranscribed says how each went; any failure makes the exit status 1.
func reportTranscribed(ctx context.Context, e *Env, ids []string) error {
	failed := 0
	var reason string
	for _, id := range ids {
		info, err := e.lib.Transcript(ctx, id)
		if errors.Is(err, library.ErrNotFound) {
			continue // deleted meanwhile
		} else if err != nil {
			return err
		}
		switch info.State {
		case library.TranscriptFailed:
			failed++
			reason = info.Error
		case library.TranscriptDone:
			fmt.Fprintln(e.Stdout, id)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d recordings could not be transcribed (%s); `earshot transcript ID` shows why", failed, len(ids), reason)
	}
	return nil
}
