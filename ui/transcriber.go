package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/transcribe/worker"
)

// busyRetry is how long the window waits before trying to become the
// transcriber again while another process (earshot transcribe) is it.
const busyRetry = 30 * time.Second

// startTranscriber runs the library's transcription worker for as long as
// the window is open: recordings made, imported or downloaded are
// transcribed in the background, at the lowest priority.
func (u *UI) startTranscriber() {
	u.loops.Add(1)
	go func() {
		defer u.loops.Done()
		for {
			err := worker.New(u.be.Library, worker.Options{Background: true}).Run(u.ctx)
			switch {
			case err == nil || u.ctx.Err() != nil:
				return
			case errors.Is(err, library.ErrTranscriberBusy):
				select { // another earshot is transcribing: take over when it is done
				case <-u.ctx.Done():
					return
				case <-time.After(busyRetry):
				}
			default:
				u.fail(fmt.Errorf("transcripts are paused: %w", err))
				return
			}
		}
	}()
}

// transcriptProgress is how far each running transcription is, for the
// list's rows ("Transcribing 40 %").
func transcriptProgress(ctx context.Context, lib *library.Library) map[string]float64 {
	p, err := lib.TranscriptProgress(ctx)
	if err != nil {
		return nil // the rows go without; the next reload tries again
	}
	return p
}

// transcribingNote ends a row's second line while its transcript is made.
func transcribingNote(progress map[string]float64, id string) string {
	p, ok := progress[id]
	if !ok {
		return ""
	}
	return fmt.Sprintf(" · Transcribing %.0f %%", p*100)
}
