package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"syscall"

	"github.com/earshot/earshot/library"
)

// download fetches a cloud-only recording's audio into a part file under
// $DATA/downloads, resuming from what an earlier try left there, checks
// size and SHA-256 against the metadata, fsyncs it, and only then hands it
// to the library, which moves it into place and marks it Synced. Damaged
// bytes are thrown away and fetched again; they are never adopted.
func (e *Engine) download(ctx context.Context, it library.SyncItem) (result, error) {
	res := result{op: OpDownload}
	if it.SyncState != library.Downloading {
		var err error
		if it, err = e.transition(ctx, it, library.Downloading); err != nil {
			if errors.Is(err, errChanged) {
				return result{op: OpDownload, skipped: true}, nil
			}
			return res, err
		}
	}
	tr := e.track(OpDownload, it)
	defer tr.finish()
	part, err := e.x.DownloadPath(it.ID, it.Format)
	if err != nil {
		return res, &Error{Op: "download " + it.ID, Kind: KindPermanent, Err: err}
	}
	if err := e.fetch(ctx, it, part, tr); err != nil {
		if !resumable(err) {
			// Nothing to go on from (or no room to keep it): the space
			// comes back before the failure is recorded.
			os.Remove(part)
		}
		if KindOf(err) == KindNotFound {
			return res, fmt.Errorf("download %s: %w", it.ID, errGoneRemote)
		}
		return res, err
	}
	if _, err := e.x.AttachAudio(ctx, it.ID, part); err != nil {
		if errors.Is(err, library.ErrNotFound) || errors.Is(err, library.ErrAudioHere) {
			return result{op: OpDownload, skipped: true}, nil // deleted, or fetched by another process, meanwhile
		}
		return res, err
	}
	res.bytes = it.Size
	return res, nil
}

// fetch fills part with the verified content.
func (e *Engine) fetch(ctx context.Context, it library.SyncItem, part string, tr *tracker) error {
	op := "download " + it.ID
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return &Error{Op: op, Kind: KindPermanent, Err: err}
	}
	defer f.Close()
	h := sha256.New()
	off, err := resumePoint(f, it.Size, h)
	if err != nil {
		return &Error{Op: op, Kind: KindPermanent, Err: err}
	}
	tr.set(off)
	if off < it.Size {
		if err := e.fetchRest(ctx, it, f, off, h, tr); err != nil {
			return err
		}
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != it.SHA256 {
		// Damaged on the way (or earlier, in what was resumed): start over.
		f.Close()
		os.Remove(part)
		return &Error{Op: op, Kind: KindTransient, Err: fmt.Errorf("%w: got %s, want %s; downloading again", ErrChecksum, sum[:12], it.SHA256[:min(12, len(it.SHA256))])}
	}
	if err := f.Sync(); err != nil {
		return localWriteError(op, err)
	}
	return nil
}

// resumable says a failed download's part file is worth keeping: the
// network failed (the next try goes on from there), not the disk.
func resumable(err error) bool {
	if errors.Is(err, errDiskWrite) {
		return false
	}
	switch KindOf(err) {
	case KindOffline, KindTransient, KindRateLimited, KindCanceled:
		return true
	}
	return false
}

// errDiskWrite marks a download that failed writing here (a full disk).
var errDiskWrite = errors.New("cannot write the download here")

// diskWriter records a failed write, to tell it from a failed read.
type diskWriter struct {
	w   io.Writer
	err error
}

func (d *diskWriter) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	if err != nil && d.err == nil {
		d.err = err
	}
	return n, err
}

// localWriteError is a failed write here, in words: what to do comes first
// for the disk that is full.
func localWriteError(op string, err error) error {
	msg := fmt.Sprintf("cannot write the download on this disk (%v); free some space and sync again", err)
	if errors.Is(err, syscall.ENOSPC) {
		msg = "the disk is full: free some space (earshot rm --local ID, earshot trash empty) and sync again"
	}
	return &Error{Op: op, Kind: KindPermanent, Err: fmt.Errorf("%w: %w", errDiskWrite, err), Message: msg}
}

// resumePoint hashes what an earlier try left in f and returns where to
// go on from; more than size bytes means something is wrong: start over.
func resumePoint(f *os.File, size int64, h hash.Hash) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if st.Size() > size {
		return 0, f.Truncate(0)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.Copy(h, f)
	return n, err
}

func (e *Engine) fetchRest(ctx context.Context, it library.SyncItem, f *os.File, off int64, h hash.Hash, tr *tracker) error {
	op := "download " + it.ID
	body, start, total, err := e.c.Download(ctx, it.ID, off)
	if err != nil {
		return err
	}
	defer body.Close()
	if total >= 0 && total != it.Size {
		return &Error{Op: op, Kind: KindPermanent, Message: fmt.Sprintf("the server holds %d bytes, the recording's metadata says %d; ask the server's admin", total, it.Size)}
	}
	if start != off {
		// The server sent the whole file: start over.
		if err := f.Truncate(0); err != nil {
			return &Error{Op: op, Kind: KindPermanent, Err: err}
		}
		h.Reset()
		off = 0
		tr.set(0)
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return &Error{Op: op, Kind: KindPermanent, Err: err}
	}
	done := off
	disk := &diskWriter{w: f}
	w := io.MultiWriter(disk, h)
	n, err := io.Copy(w, &counter{r: io.LimitReader(body, it.Size-off), add: func(k int64) {
		done += k
		tr.moved(done, k)
	}})
	if disk.err != nil {
		return localWriteError(op, disk.err)
	}
	if err != nil {
		// Keep what arrived (fsynced): the next try resumes there.
		f.Sync()
		return wrapErr(op, err)
	}
	if off+n != it.Size {
		f.Sync()
		return &Error{Op: op, Kind: KindTransient, Err: fmt.Errorf("the connection ended after %d of %d bytes", off+n, it.Size)}
	}
	return nil
}

// Download fetches one cloud-only recording's audio now and waits for it
// (`earshot pull ID`); it also asks that it be kept downloaded if this
// pass fails. Progress goes to observers as for any transfer.
func (e *Engine) Download(ctx context.Context, id string) error {
	it, err := e.x.UpdateOne(ctx, id, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil || cur.Tombstone() {
			return library.SyncChange{}, &library.NotFoundError{ID: id}
		}
		if cur.HasAudio {
			return library.SyncChange{}, nil
		}
		if err := downloadable(*cur); err != nil {
			return library.SyncChange{}, err
		}
		n := *cur
		n.WantAudio = true
		return library.SyncChange{Item: &n}, nil
	})
	if err != nil {
		return fmt.Errorf("download %s: %w", id, err)
	}
	if it.HasAudio {
		return nil
	}
	for {
		res, err := e.runJob(ctx, job{it: it, op: OpDownload})
		if errors.Is(err, errGoneRemote) {
			// Learn of the deletion now, so the entry goes here too.
			e.passMu.Lock()
			perr := e.pull(ctx, &Summary{})
			e.passMu.Unlock()
			return errors.Join(fmt.Errorf("download %s: deleted in the cloud: %w", id, library.ErrNotFound), perr)
		}
		if err != nil || !res.skipped {
			return err
		}
		// Another operation holds it (a pass is downloading it): wait for that.
		if err := sleepCtx(ctx, e.opts.Backoff.Min); err != nil {
			return err
		}
		if it, err = e.x.Item(ctx, id); err != nil {
			return err
		}
		if it.HasAudio {
			return nil
		}
	}
}

// ErrDeleting: the recording is on its way out and cannot be downloaded.
var ErrDeleting = errors.New("being deleted")

func downloadable(it library.SyncItem) error {
	if it.Trashed() || effectiveState(it) == library.PendingDelete {
		return fmt.Errorf("%w: restore it first", ErrDeleting)
	}
	return nil
}
