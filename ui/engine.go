package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/library"
)

// This file adapts the real engine to the window's interfaces.

// NewBackend builds the window's backend over an open library. backend names
// the audio backend ("" picks one; see audio/device).
func NewBackend(lib *library.Library, audioBackend string) Backend {
	return Backend{
		Library:  libraryAdapter{lib},
		Recorder: recorderAdapter{lib: lib, backend: audioBackend},
		Media:    mediaAdapter{backend: audioBackend},
	}
}

type libraryAdapter struct{ l *library.Library }

var _ Library = libraryAdapter{}

func (a libraryAdapter) List(ctx context.Context, q Query) ([]library.Recording, error) {
	o := library.ListOptions{Query: q.Search}
	if q.Trashed {
		o.Trash = library.OnlyTrashed
	}
	switch q.Filter {
	case FilterLocal:
		o.Presence = library.OnDevice
	case FilterCloudOnly:
		o.Presence = library.NotOnDevice
	}
	return a.l.List(ctx, o)
}

func (a libraryAdapter) Rename(ctx context.Context, id, title string) error {
	return a.l.Rename(ctx, id, title)
}
func (a libraryAdapter) Trash(ctx context.Context, id string) error   { return a.l.Trash(ctx, id) }
func (a libraryAdapter) Restore(ctx context.Context, id string) error { return a.l.Restore(ctx, id) }
func (a libraryAdapter) Recovered() []library.Recording               { return a.l.Recovered() }
func (a libraryAdapter) AudioPath(r library.Recording) string         { return a.l.AudioPath(r) }

func (a libraryAdapter) Import(ctx context.Context, path string) (library.Recording, error) {
	return a.l.Import(ctx, path, nil)
}

func (a libraryAdapter) Export(ctx context.Context, id, dst string) error {
	_, err := a.l.Export(ctx, id, dst, nil)
	return err
}

// Changes coalesces the library's change notifications: the window reloads
// its list on each signal, whatever changed.
func (a libraryAdapter) Changes(ctx context.Context) <-chan struct{} {
	in, cancel := a.l.Subscribe()
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- struct{}{}:
				default:
				}
			}
		}
	}()
	return out
}

type recorderAdapter struct {
	lib     *library.Library
	backend string
}

var _ Recorder = recorderAdapter{}

func (a recorderAdapter) Devices(ctx context.Context) ([]Device, error) {
	ds, err := device.Devices(ctx, a.backend)
	if err != nil {
		return nil, err
	}
	out := make([]Device, len(ds))
	for i, d := range ds {
		out[i] = Device{ID: d.ID, Name: d.Name, Default: d.Default}
	}
	return out, nil
}

// Start reserves the recording in the library, then opens the device; if the
// device fails the reservation is given back.
func (a recorderAdapter) Start(ctx context.Context, o RecordOptions) (Session, error) {
	p, err := a.lib.BeginRecording(ctx, o.Title, o.Format)
	if err != nil {
		return nil, err
	}
	cfg := device.Config{Device: o.DeviceID, Backend: a.backend, Format: p.Format}
	rec, err := device.StartRecording(ctx, cfg, p.PartPath)
	if err != nil {
		if aerr := a.lib.Abort(context.WithoutCancel(ctx), p); aerr != nil {
			err = errors.Join(err, aerr)
		}
		return nil, err
	}
	return &session{lib: a.lib, p: p, rec: rec}, nil
}

// session is device.Recorder plus the library commit at Stop.
type session struct {
	lib *library.Library
	p   *library.Pending
	rec *device.Recorder
}

func (s *session) Pause() error               { s.rec.Pause(); return nil }
func (s *session) Resume() error              { s.rec.Resume(); return nil }
func (s *session) Elapsed() time.Duration     { return s.rec.Stats().Elapsed }
func (s *session) Dropped() int64             { return s.rec.Stats().Overruns }
func (s *session) Levels() <-chan audio.Level { return s.rec.Levels() }
func (s *session) Done() <-chan struct{}      { return s.rec.Done() }
func (s *session) Err() error                 { return s.rec.Err() }

// Stop finalises the file and commits it. When the recorder could not
// finalise, the part file stays for the library's crash recovery.
func (s *session) Stop(ctx context.Context) (library.Recording, error) {
	info, err := s.rec.Stop()
	if err != nil {
		return library.Recording{}, fmt.Errorf("finish recording (it will be repaired at the next start): %w", err)
	}
	return s.lib.Commit(context.WithoutCancel(ctx), s.p, info)
}

type mediaAdapter struct{ backend string }

var _ Media = mediaAdapter{}

func (m mediaAdapter) OpenPlayer(ctx context.Context, path string) (Player, error) {
	p, err := device.NewPlayer(ctx, path, m.backend)
	if err != nil {
		return nil, err
	}
	return playerAdapter{p}, nil
}

func (m mediaAdapter) Overview(ctx context.Context, path string, n int) ([]float32, error) {
	return overview(ctx, path, n)
}

type playerAdapter struct{ p *device.Player }

func (a playerAdapter) Play() error                { return a.p.Play() }
func (a playerAdapter) Pause() error               { a.p.Pause(); return nil }
func (a playerAdapter) Seek(d time.Duration) error { return a.p.Seek(d) }
func (a playerAdapter) Position() time.Duration    { return a.p.Position() }
func (a playerAdapter) Duration() time.Duration    { return a.p.Duration() }
func (a playerAdapter) Playing() bool              { return a.p.Playing() }
func (a playerAdapter) Close() error               { return a.p.Close() }
