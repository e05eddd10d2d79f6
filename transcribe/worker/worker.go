// Package worker runs a library's transcription queue: one job at a time,
// on one thread (at the lowest CPU priority in the background), pausing while a recording is made
// on a machine with two cores or fewer, saving each finished segment as it
// comes (a kill loses at most the one in progress) and resuming after the
// last one. The GUI runs it for as long as it is open (Run); `earshot
// transcribe` runs it until the queue is empty (Drain).
package worker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/transcribe"
)

// Options tune a Worker. The zero value uses PocketSphinx with Debian's
// model and pauses for recordings on machines with two cores or fewer.
type Options struct {
	// NewEngine makes the engine, when the first job comes (a model takes
	// a second or two to load). Nil: transcribe.NewPocketSphinx("").
	NewEngine func() (transcribe.Engine, error)
	// Hold, if set, pauses the work while it returns true. Nil: while a
	// recording is in progress, where runtime.NumCPU() <= 2.
	Hold func() bool
	// Log, if set, hears of each job that finished or failed, in words a
	// person reads.
	Log func(id, msg string)
	// Background runs the work at the lowest CPU priority (nice 19): the
	// window's worker, which must never slow what the user is doing. A
	// transcription the user asked for and waits on (earshot transcribe)
	// runs at normal priority; both pause for recordings (Hold).
	Background bool
}

// Worker transcribes a library's queued recordings.
type Worker struct {
	lib  *library.Library
	opts Options
	eng  transcribe.Engine
	// finished, set by DrainUntil, ends the work early.
	finished func() bool
}

// New makes a worker for lib; nothing runs until Run or Drain.
func New(lib *library.Library, opts Options) *Worker {
	if opts.NewEngine == nil {
		opts.NewEngine = func() (transcribe.Engine, error) { return transcribe.NewPocketSphinx("") }
	}
	if opts.Hold == nil {
		opts.Hold = func() bool { return false }
		if runtime.NumCPU() <= 2 {
			opts.Hold = lib.RecordingInProgress
		}
	}
	return &Worker{lib: lib, opts: opts}
}

// pollHold is how often a held worker looks again.
const pollHold = 250 * time.Millisecond

// Run works through the queue until ctx is done, waiting for new jobs in
// between. It returns library.ErrTranscriberBusy (wrapped) at once when
// another process transcribes this library, and an engine error (the
// model is missing, say) when the engine cannot start; jobs stay queued.
func (w *Worker) Run(ctx context.Context) error {
	changes, cancel := w.lib.Subscribe()
	defer cancel()
	return w.work(ctx, func() bool {
		select {
		case <-ctx.Done():
			return false
		case <-changes:
			return true
		}
	})
}

// Drain works until the queue is empty (or ctx is done) and returns.
func (w *Worker) Drain(ctx context.Context) error {
	return w.work(ctx, func() bool { return false })
}

// DrainUntil works like Drain but returns as soon as finished reports true,
// asked after each job: `earshot transcribe ID` does the recordings named
// (they are claimed first) without waiting for the rest of the automatic
// queue, which the window's worker or a later run takes up.
func (w *Worker) DrainUntil(ctx context.Context, finished func() bool) error {
	w.finished = finished
	defer func() { w.finished = nil }()
	return w.Drain(ctx)
}

// work runs jobs on a locked OS thread (the engine's cgo calls run on it;
// niced for Background) and asks more whether to wait for further jobs.
func (w *Worker) work(ctx context.Context, more func() bool) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // the thread may be niced: never hand it back
		if w.opts.Background {
			lowerPriority()
		}
		done <- w.loop(ctx, more)
	}()
	return <-done
}

func (w *Worker) loop(ctx context.Context, more func() bool) error {
	release, err := w.lib.TranscriberLock(ctx)
	if err != nil {
		return err
	}
	defer release()
	defer w.closeEngine()
	for {
		job, ok, err := w.lib.NextTranscriptJob(ctx)
		if err != nil {
			return err
		}
		if !ok {
			if ctx.Err() != nil || !more() {
				return ctx.Err()
			}
			continue
		}
		if err := w.run(ctx, job); err != nil {
			return err
		}
		if w.finished != nil && w.finished() {
			return nil
		}
	}
}

func (w *Worker) closeEngine() {
	if w.eng != nil {
		w.eng.Close()
		w.eng = nil
	}
}

// run does one job. Problems with the recording fail the job and the
// worker goes on; problems with the engine or the library stop the worker
// (the job goes back to the queue).
func (w *Worker) run(ctx context.Context, job library.TranscriptJob) error {
	id := job.Recording.ID
	if w.eng == nil {
		eng, err := w.opts.NewEngine()
		if err != nil {
			w.requeue(id)
			return err
		}
		w.eng = eng
	}
	info := w.eng.Info()
	segs := job.Done
	if !info.Same(job.DoneBy) {
		segs = nil // made by another engine: start over
	}
	err := w.transcribe(ctx, job, info, &segs)
	if err == nil {
		t := info.Header()
		t.CreatedAt = time.Now().UTC()
		t.Segments = segs
		err = w.lib.FinishTranscriptJob(ctx, id, t)
	}
	switch {
	case err == nil:
		w.log(id, "transcribed: "+count(len(segs), "segment")+", "+count(words(segs), "word"))
		return nil
	case errors.Is(err, library.ErrJobCancelled):
		w.requeue(id) // trashed: it waits for a restore; deleted: nothing left
		return nil
	case ctx.Err() != nil:
		w.requeue(id)
		return ctx.Err()
	case recordingFault(err):
		reason := failReason(err)
		w.log(id, "transcription failed: "+reason)
		return w.lib.FailTranscriptJob(ctx, id, reason)
	default:
		w.requeue(id)
		return err
	}
}

// transcribe streams the recording from after the last finished segment,
// saving each new one with the progress.
func (w *Worker) transcribe(ctx context.Context, job library.TranscriptJob, info transcribe.Info, segs *[]api.Segment) error {
	id := job.Recording.ID
	var from time.Duration
	if n := len(*segs); n > 0 {
		from = time.Duration((*segs)[n-1].EndMS) * time.Millisecond
	}
	var progress float64
	var saved, checked time.Time
	opts := transcribe.Options{From: from, Progress: func(p float64) {
		progress = p
		if time.Since(checked) >= pollHold {
			w.hold(ctx)
			checked = time.Now()
		}
		if time.Since(saved) > time.Second {
			saved = time.Now()
			// Failures here show again at the next segment's save.
			_ = w.lib.SaveTranscriptProgress(ctx, id, info.Header(), len(*segs), nil, p)
		}
	}}
	return transcribe.File(ctx, w.eng, job.AudioPath, opts, func(s api.Segment) error {
		if err := w.lib.SaveTranscriptProgress(ctx, id, info.Header(), len(*segs), []api.Segment{s}, progress); err != nil {
			return err
		}
		*segs = append(*segs, s)
		saved = time.Now()
		return nil
	})
}

// hold waits while Hold says so (a recording is being made).
func (w *Worker) hold(ctx context.Context) {
	for w.opts.Hold() && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(pollHold):
		}
	}
}

func (w *Worker) requeue(id string) {
	// With a fresh context: the job must go back even when ctx is done.
	_ = w.lib.RequeueTranscriptJob(context.Background(), id)
}

func (w *Worker) log(id, msg string) {
	if w.opts.Log != nil {
		w.opts.Log(id, msg)
	}
}

// recordingFault says whether err is about the recording's audio (the
// job fails, others go on) rather than this machine or the library.
func recordingFault(err error) bool {
	return errors.Is(err, audio.ErrCorrupt) || errors.Is(err, audio.ErrUnsupported) || errors.Is(err, os.ErrNotExist)
}

// failReason is the one line a person reads for a failed transcription.
func failReason(err error) string {
	switch {
	case errors.Is(err, audio.ErrCorrupt):
		return "the audio file is damaged, so it cannot be transcribed"
	case errors.Is(err, audio.ErrUnsupported):
		return "the audio is in a form Earshot cannot read, so it cannot be transcribed"
	case errors.Is(err, os.ErrNotExist):
		return "the audio file is missing from this device; download it again, then transcribe it"
	}
	return "transcription failed: " + err.Error()
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func words(segs []api.Segment) int {
	n := 0
	for _, s := range segs {
		n += len(strings.Fields(s.Text))
	}
	return n
}
