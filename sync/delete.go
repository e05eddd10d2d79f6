package sync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/library"
)

// Scope says where a deletion applies.
type Scope int

// The three delete choices a user has.
const (
	// FromDevice removes the audio from this device only; the cloud keeps
	// it and the entry becomes cloud-only.
	FromDevice Scope = iota + 1
	// FromCloud deletes the cloud copy only: every device that holds the
	// audio keeps it as local-only, not uploaded again unless asked
	// (UploadAgain); devices without it, this one included, drop the entry.
	FromCloud
	// Everywhere deletes the cloud copy and moves the recording to the trash
	// here; other devices move it to their trash when they hear of it.
	Everywhere
)

func (s Scope) String() string {
	switch s {
	case FromDevice:
		return "this device"
	case FromCloud:
		return "the cloud"
	case Everywhere:
		return "everywhere"
	}
	return fmt.Sprintf("scope(%d)", int(s))
}

// ErrNotInCloud: a deletion from this device only was asked for a
// recording the cloud does not hold (yet), which would lose it.
var ErrNotInCloud = errors.New("not in the cloud")

// ErrNotHere: a deletion from this device was asked for a recording whose
// audio is not on this device.
var ErrNotHere = errors.New("audio not on this device")

// Delete deletes a recording in the given scope. The decision is recorded
// in the library at once (offline, it waits there as pending_delete, a
// tombstone that survives restarts); the cloud part is carried out by the
// next pass, which Delete triggers. It does not wait for the server.
func (e *Engine) Delete(ctx context.Context, id string, scope Scope) error {
	if err := Delete(ctx, e.x, id, scope); err != nil {
		return err
	}
	e.Trigger()
	return nil
}

// Delete records a deletion in the library without an engine (a front end
// that is not signed in, or offline): the next pass of any engine on this
// library carries out its cloud part.
func Delete(ctx context.Context, x *library.SyncIndex, id string, scope Scope) error {
	_, err := x.UpdateOne(ctx, id, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil || cur.Tombstone() {
			return library.SyncChange{}, &library.NotFoundError{ID: id}
		}
		return deleteChange(*cur, scope, time.Now())
	})
	if err != nil {
		return fmt.Errorf("delete %s from %s: %w", id, scope, err)
	}
	return nil
}

// SyncOne carries out what is pending for one recording now (a deletion
// just asked for, say) without a whole pass: no pull, no other recording.
func (e *Engine) SyncOne(ctx context.Context, id string) error {
	it, err := e.x.Item(ctx, id)
	if err != nil {
		if errors.Is(err, library.ErrNotFound) {
			return nil // gone already
		}
		return err
	}
	auto, err := e.AutoDownload(ctx)
	if err != nil {
		return err
	}
	op, next := decide(it, auto)
	if next != "" && next != it.SyncState {
		if it, err = e.transition(ctx, it, next); err != nil {
			return err
		}
	}
	if op == "" {
		return nil
	}
	_, err = e.runJob(ctx, job{it: it, op: op, auto: auto})
	if errors.Is(err, errGoneRemote) {
		return nil
	}
	return err
}

// inCloud reports whether the cloud holds a verified copy.
func inCloud(it library.SyncItem) bool {
	st := effectiveState(it)
	return it.RemoteVersion > 0 && (st == library.Synced || st == library.CloudOnly || st == library.Downloading)
}

func deleteChange(cur library.SyncItem, scope Scope, now time.Time) (library.SyncChange, error) {
	n := cur
	clearError(&n)
	switch scope {
	case FromDevice:
		if !cur.HasAudio {
			return library.SyncChange{}, fmt.Errorf("%w: it is cloud-only already", ErrNotHere)
		}
		if !inCloud(cur) || cur.Trashed() {
			return library.SyncChange{}, fmt.Errorf("%w yet (%s): deleting it from this device would lose it; sync first, or delete it everywhere", ErrNotInCloud, cur.SyncState)
		}
		n.HasAudio, n.SyncState, n.WantAudio = false, library.CloudOnly, false
		return library.SyncChange{Item: &n, DropAudio: true}, nil
	case FromCloud:
		if cur.RemoteVersion == 0 {
			// Nothing up there: just never upload it.
			if !cur.HasAudio {
				return library.SyncChange{Purge: true}, nil
			}
			n.KeepLocal, n.SyncState = true, library.LocalOnly
			return library.SyncChange{Item: &n}, nil
		}
		// A cloud-only entry goes once the cloud copy is gone (the push);
		// devices holding the audio keep theirs.
		n.KeepLocal, n.SyncState = true, library.PendingDelete
		return library.SyncChange{Item: &n}, nil
	case Everywhere:
		if cur.TrashedAt == nil {
			t := now.UTC()
			n.TrashedAt = &t
		}
		n.KeepLocal = false
		n.SyncState = library.LocalOnly
		// Kept here after a removal from the cloud, other devices may have
		// kept theirs: the deletion goes out too, so the server's tombstone
		// says "everywhere" and they move theirs to the trash.
		if cur.RemoteVersion > 0 || cur.KeepLocal {
			n.SyncState = library.PendingDelete
		}
		return library.SyncChange{Item: &n}, nil
	}
	return library.SyncChange{}, fmt.Errorf("unknown delete scope %d", scope)
}

// ErrInCloud: the recording is in the cloud already.
var ErrInCloud = errors.New("in the cloud already")

// UploadAgain undoes "keep on this device only" (what a delete from the
// cloud leaves on every device that holds the audio): the recording is
// uploaded with the next pass. A cloud deletion not yet sent is cancelled.
func (e *Engine) UploadAgain(ctx context.Context, id string) error {
	if err := UploadAgain(ctx, e.x, id); err != nil {
		return err
	}
	e.Trigger()
	return nil
}

// UploadAgain records the choice without an engine; the next pass of any
// engine on the library uploads the recording.
func UploadAgain(ctx context.Context, x *library.SyncIndex, id string) error {
	_, err := x.UpdateOne(ctx, id, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		switch {
		case cur == nil || cur.Tombstone():
			return library.SyncChange{}, &library.NotFoundError{ID: id}
		case !cur.HasAudio:
			return library.SyncChange{}, fmt.Errorf("%w: nothing to upload from here", ErrNotHere)
		case cur.Trashed():
			return library.SyncChange{}, fmt.Errorf("%w: restore it first", ErrDeleting)
		case cur.NeedsUser:
			// Tried again on purpose (the server may take it now).
		case !cur.KeepLocal:
			if effectiveState(*cur) == library.LocalOnly {
				return library.SyncChange{}, nil // uploaded by itself anyway
			}
			return library.SyncChange{}, ErrInCloud
		}
		n := *cur
		clearError(&n)
		n.KeepLocal = false
		if n.SyncState != library.PendingDelete {
			n.SyncState = library.LocalOnly
		}
		return library.SyncChange{Item: &n}, nil
	})
	if err != nil {
		return fmt.Errorf("upload %s again: %w", id, err)
	}
	return nil
}
