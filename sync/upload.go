package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// metaOf is the metadata the server keeps of a recording.
func metaOf(it library.SyncItem) api.RecordingMeta {
	return withMeta(api.RecordingMeta{
		Title: it.Title, CreatedAt: it.CreatedAt.UTC(), DurationMS: it.Duration.Milliseconds(),
		Format: string(it.Format), SampleRate: it.SampleRate, Channels: it.Channels,
		SizeBytes: it.Size, SHA256: it.SHA256,
	}, it.Meta())
}

// withMeta is m carrying the tags, favourite and bookmarks of set.
func withMeta(m api.RecordingMeta, set library.MetaSet) api.RecordingMeta {
	m.Tags, m.Favorite, m.Bookmarks = set.Tags, set.Favorite, set.Bookmarks
	return m
}

// upload sends one recording: its metadata (creating it under its own id,
// so a retry never duplicates), then its content, resumed from the bytes
// the server holds, straight to object storage when the server offers it.
// The server checks size and SHA-256 before it lists the recording; only
// then is it marked Synced here.
func (e *Engine) upload(ctx context.Context, it library.SyncItem) (result, error) {
	res := result{op: OpUpload}
	path := e.lib.AudioPath(it.Recording)
	f, err := os.Open(path)
	if err != nil {
		return res, &Error{Op: "upload " + it.ID, Kind: KindPermanent, Err: fmt.Errorf("open the audio file: %w", err)}
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != it.Size {
		return res, &Error{Op: "upload " + it.ID, Kind: KindPermanent,
			Message: fmt.Sprintf("the audio file %s is not the size the library recorded (%d bytes): it was changed or damaged", path, it.Size)}
	}
	if err := e.fits(ctx, it); err != nil {
		return res, err
	}
	if it.SyncState != library.Uploading {
		if it, err = e.transition(ctx, it, library.Uploading); err != nil {
			if errors.Is(err, errChanged) {
				return result{op: OpUpload, skipped: true}, nil
			}
			return res, err
		}
	}
	tr := e.track(OpUpload, it)
	defer tr.finish()

	rec, fresh, err := e.ensureRemote(ctx, it)
	if err != nil {
		return res, err
	}
	if !rec.Available {
		rec, err = e.sendContent(ctx, it, f, fresh, tr)
		if KindOf(err) == KindNotFound {
			return res, fmt.Errorf("upload %s: %w", it.ID, errGoneRemote)
		}
		if err != nil {
			return res, e.checkLocal(it, f, err)
		}
	}
	tr.set(it.Size)
	res.bytes = it.Size
	return res, e.markUploaded(ctx, it, rec)
}

// ensureRemote makes sure the server has the recording's metadata. fresh
// says it was just created (so no content can be there yet). A recording
// created by an earlier attempt is asked about instead.
func (e *Engine) ensureRemote(ctx context.Context, it library.SyncItem) (rec api.Recording, fresh bool, err error) {
	if it.RemoteVersion > 0 {
		st, err := e.c.UploadStatus(ctx, it.ID)
		switch {
		case err == nil:
			return api.Recording{ID: it.ID, Version: it.RemoteVersion, Available: st.Complete}, false, nil
		case KindOf(err) != KindNotFound:
			return rec, false, err
		}
		// Unknown to the server after all (deleted there): create it again.
	}
	rec, err = e.c.PutMeta(ctx, it.ID, metaOf(it), 0)
	if KindOf(err) == KindConflict {
		cur, cerr := e.currentOf(ctx, it.ID, err)
		switch {
		case cerr != nil:
			return rec, false, cerr
		case cur.SHA256 != it.SHA256 || cur.SizeBytes != it.Size:
			return rec, false, &Error{Op: "upload " + it.ID, Kind: KindPermanent,
				Message: "the server holds different audio under this recording's id; keep it local or contact the server's admin"}
		case cur.Deleted:
			// Deleted in the cloud, then restored here: bring it back there,
			// against the tombstone's version.
			rec, err = e.c.PutMeta(ctx, it.ID, metaOf(it), cur.Version)
		default:
			// It exists: our own earlier create whose answer was lost.
			rec, err = cur, nil
		}
	}
	if err != nil {
		return rec, false, err
	}
	if rec.TranscriptVersion == 0 {
		// Created on the server again: a transcript sent for the
		// recording's earlier life there went with it.
		if err := e.lib.TranscriptGoneRemote(ctx, it.ID); err != nil {
			return rec, false, err
		}
	}
	_, err = e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil {
			return library.SyncChange{}, nil
		}
		n := *cur
		if rec.Version >= n.RemoteVersion {
			remember(&n, rec)
		}
		if rec.Title == cur.Title && remoteMeta(rec).Equal(cur.Meta()) {
			n.PushedVersion = cur.Version
		}
		return library.SyncChange{Item: &n}, nil
	})
	return rec, !rec.Available, err
}

// currentOf returns the server's metadata sent with a conflict, or asks.
func (e *Engine) currentOf(ctx context.Context, id string, conflict error) (api.Recording, error) {
	if ae, ok := asError(conflict); ok && ae.Current != nil {
		return *ae.Current, nil
	}
	return e.c.GetRecording(ctx, id)
}

// sendContent uploads the bytes, by the fastest path the server offers
// that stays resumable: straight to object storage up to DirectMax, else
// in chunks through the server.
func (e *Engine) sendContent(ctx context.Context, it library.SyncItem, f *os.File, fresh bool, tr *tracker) (api.Recording, error) {
	if !e.opts.NoDirect && it.Size <= e.opts.DirectMax && e.serverInfo(ctx).PresignedUploads {
		rec, err := e.uploadDirect(ctx, it, f, tr)
		if KindOf(err) != KindPermanent || !isNotImplemented(err) {
			return rec, err
		}
		// The server stopped offering it: through the server, then.
	}
	return e.uploadChunked(ctx, it, f, fresh, tr)
}

func isNotImplemented(err error) bool {
	ae, ok := asError(err)
	return ok && (ae.Code == api.CodeNotImplemented || ae.Status == 501)
}

// section returns an opener of fresh readers over [off, off+n) of f.
// Progress is not counted as the request reads them: the HTTP client reads
// a whole chunk into the kernel's buffers long before the server has it,
// which showed 100 % for most of an upload. The callers count a chunk once
// the server has answered for it (acked).
func section(f *os.File, off, n int64) func() io.Reader {
	return func() io.Reader { return io.NewSectionReader(f, off, n) }
}

// acked records that the server confirmed the bytes up to end, n of them
// sent by this request.
func acked(tr *tracker, end, n int64) { tr.moved(end, n) }

// uploadChunked sends the content through the server: in one request when
// small, else in chunks from the byte count the server holds.
func (e *Engine) uploadChunked(ctx context.Context, it library.SyncItem, f *os.File, fresh bool, tr *tracker) (api.Recording, error) {
	size, chunk := it.Size, e.opts.ChunkSize
	var off int64
	if !fresh {
		st, err := e.c.UploadStatus(ctx, it.ID)
		switch {
		case err == nil && st.Complete:
			return api.Recording{ID: it.ID, Version: it.RemoteVersion, Available: true}, nil
		case err == nil:
			off = st.Received
		case KindOf(err) != KindNotFound:
			return api.Recording{}, err
		}
	}
	if off == 0 && size <= chunk {
		rec, err := e.c.PutContent(ctx, it.ID, 0, size, size, section(f, 0, size))
		if err != nil {
			return rec, err
		}
		acked(tr, size, size)
		return e.confirmUpload(ctx, it, rec)
	}
	var rec api.Recording
	for resyncs := 0; off < size; {
		n := min(chunk, size-off)
		r, err := e.c.PutContent(ctx, it.ID, off, n, size, section(f, off, n))
		if ae, ok := asError(err); ok && ae.Code == api.CodeOffsetMismatch && resyncs < 3 {
			resyncs++
			st, serr := e.c.UploadStatus(ctx, it.ID)
			if serr != nil {
				return rec, serr
			}
			if st.Complete {
				return api.Recording{ID: it.ID, Version: it.RemoteVersion, Available: true}, nil
			}
			off = st.Received
			continue
		}
		if err != nil {
			return rec, err
		}
		rec = r
		off += n
		acked(tr, off, n)
	}
	return e.confirmUpload(ctx, it, rec)
}

// confirmUpload accepts an upload as done only when the server says so: the
// answer to the last byte lists the recording as available, or, when that
// answer is missing (the server already held every byte), the upload status
// says complete. Holding every byte is not enough: the server lists a
// recording only once size and SHA-256 check out in storage.
func (e *Engine) confirmUpload(ctx context.Context, it library.SyncItem, last api.Recording) (api.Recording, error) {
	if last.ID == it.ID && last.Available {
		return last, nil
	}
	st, err := e.c.UploadStatus(ctx, it.ID)
	if err != nil {
		return api.Recording{}, err
	}
	if !st.Complete {
		return api.Recording{}, &Error{Op: "upload " + it.ID, Kind: KindTransient,
			Message: "the server has not confirmed the upload yet; it will be tried again"}
	}
	return api.Recording{ID: it.ID, Version: it.RemoteVersion, Available: true}, nil
}

// uploadDirect sends the content straight to object storage with a
// presigned request that carries the SHA-256 (the store refuses other
// bytes), then has the server confirm the object.
func (e *Engine) uploadDirect(ctx context.Context, it library.SyncItem, f *os.File, tr *tracker) (api.Recording, error) {
	p, err := e.c.UploadURL(ctx, it.ID)
	if KindOf(err) == KindConflict {
		return e.c.CompleteUpload(ctx, it.ID) // uploaded already: an answer was lost
	}
	if err != nil {
		return api.Recording{}, err
	}
	if err := e.c.PutPresigned(ctx, it.ID, p, it.Size, section(f, 0, it.Size)); err != nil {
		return api.Recording{}, err
	}
	rec, err := e.c.CompleteUpload(ctx, it.ID)
	if err != nil {
		return rec, err
	}
	acked(tr, it.Size, it.Size)
	rec.Available = true
	return rec, nil
}

// checkLocal looks at the file when the server refused its bytes: if the
// file itself no longer matches the SHA-256 recorded when it was made, no
// retry can help, and the user must hear so.
func (e *Engine) checkLocal(it library.SyncItem, f *os.File, err error) error {
	if ae, ok := asError(err); !ok || (ae.Code != api.CodeChecksum && !errors.Is(err, ErrChecksum)) {
		return err
	}
	h := sha256.New()
	if _, rerr := io.Copy(h, io.NewSectionReader(f, 0, it.Size)); rerr != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != it.SHA256 {
		return &Error{Op: "upload " + it.ID, Kind: KindPermanent, Err: ErrChecksum,
			Message: "the audio file on this device no longer matches the checksum taken when it was recorded (damaged on disk); export what is left, or delete it"}
	}
	return err
}

// markUploaded records a verified upload: Synced, unless the recording
// moved on meanwhile (trashed, deleted: then only the remote version is
// noted, so the deletion goes out).
func (e *Engine) markUploaded(ctx context.Context, it library.SyncItem, rec api.Recording) error {
	_, err := e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil {
			return library.SyncChange{}, nil
		}
		n := *cur
		if rec.Version > n.RemoteVersion && rec.Title != "" {
			remember(&n, rec)
		}
		n.RemoteVersion = max(n.RemoteVersion, 1)
		switch {
		case cur.KeepLocal:
			// Deleted from the cloud while it was on its way: delete it there.
			n.SyncState, n.SyncError, n.ResumeState = library.PendingDelete, "", ""
		case cur.SyncState == library.Uploading || cur.SyncState == library.Queued || cur.SyncState == library.LocalOnly || cur.SyncState == library.Failed:
			n.SyncState, n.SyncError, n.ResumeState, n.Attempts, n.NextAttempt = library.Synced, "", "", 0, time.Time{}
		}
		return library.SyncChange{Item: &n}, nil
	})
	return err
}

// fits checks a recording against the largest the server takes, as it
// advertises (GET /v1/info), before anything is sent: one too large fails
// the same way as the server's 413 would, waiting for the user (needsUser),
// without a request that cannot succeed.
func (e *Engine) fits(ctx context.Context, it library.SyncItem) error {
	max := e.serverInfo(ctx).MaxObjectSize
	if max <= 0 || it.Size <= max || it.RemoteVersion > 0 {
		return nil
	}
	return &Error{Op: "upload " + it.ID, Kind: KindPermanent, Code: api.CodeTooLarge,
		Message: fmt.Sprintf("it is larger than the server takes: %d bytes, and recordings may be at most %d bytes", it.Size, max)}
}
