package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/library"
)

// Backend is what the window drives: the library, the audio devices and,
// when sync is built in, the cloud. Every call into them may block on disk,
// the sound server or the network, so the window makes them from its own
// goroutines (UI.background), never on the Fyne goroutine.
type Backend struct {
	Library *library.Library
	// Audio names the audio backend for audio/device ("" picks one).
	Audio string
	// Cloud is the account and the sync engine; nil when sync is not built in.
	Cloud *SyncCloud
}

// NewBackend is the backend over an open library without sync.
func NewBackend(lib *library.Library, audioBackend string) Backend {
	return Backend{Library: lib, Audio: audioBackend}
}

// take is one recording in progress: the device capturing into the
// library's part file, committed to the library at stop.
type take struct {
	lib *library.Library
	p   *library.Pending
	rec *device.Recorder

	once sync.Once // stop commits once, whoever asks first (Stop, quit, a signal)
	r    library.Recording
	err  error
}

// startTake reserves the recording in the library, then opens the device
// (inputID "" is the system default); if the device fails the reservation
// is given back.
func (be Backend) startTake(ctx context.Context, title, inputID string, f audio.Format) (*take, error) {
	p, err := be.Library.BeginRecording(ctx, title, f)
	if err != nil {
		return nil, err
	}
	cfg := device.Config{Device: inputID, Backend: be.Audio, Format: p.Format, Tap: p.Tap}
	rec, err := device.StartRecording(ctx, cfg, p.PartPath)
	if err != nil {
		if aerr := be.Library.Abort(context.WithoutCancel(ctx), p); aerr != nil {
			err = errors.Join(err, aerr)
		}
		return nil, err
	}
	return &take{lib: be.Library, p: p, rec: rec}, nil
}

// stop finalises the file and commits it. When the recorder could not
// finalise, the part file stays for the library's crash recovery.
// It is safe to call from several goroutines: all get the first one's result.
func (t *take) stop(ctx context.Context) (library.Recording, error) {
	t.once.Do(func() {
		info, err := t.rec.Stop()
		if err != nil {
			t.err = fmt.Errorf("finish recording (it will be repaired at the next start): %w", err)
			return
		}
		t.r, t.err = t.lib.Commit(context.WithoutCancel(ctx), t.p, info)
	})
	return t.r, t.err
}

// discard stops the recording and deletes what it wrote.
func (t *take) discard(ctx context.Context) error {
	t.rec.Stop() // whatever it says, the audio is not wanted
	if err := t.lib.Abort(context.WithoutCancel(ctx), t.p); err != nil {
		return fmt.Errorf("discard the recording: %w", err)
	}
	return nil
}
