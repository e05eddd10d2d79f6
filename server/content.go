package server

import (
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/meta"
)

var (
	errChecksum = errorf(http.StatusBadRequest, api.CodeChecksum,
		"the uploaded bytes do not match the recording's sha256; nothing was kept, upload again from the start")
	errGone = errorf(http.StatusNotFound, api.CodeNotFound, "the recording was deleted")
	// The object store refused bytes as damaged between this server and
	// it: nothing is wrong with what the client sent, so sending it again
	// can succeed.
	errDamagedPut = errorf(http.StatusServiceUnavailable, api.CodeUnavailable,
		"the storage refused the file as damaged on its way from this server (what you sent was fine); nothing was kept, send it again")
	errDamagedChunk = errorf(http.StatusServiceUnavailable, api.CodeUnavailable,
		"the storage refused this chunk as damaged on its way from this server (what you sent was fine); it was not counted, send it again")
	errDamagedUpload = errorf(http.StatusServiceUnavailable, api.CodeUnavailable,
		"the stored recording did not check out against the bytes sent; the upload was discarded, send it again from byte 0")
	errUploadLost = errorf(http.StatusConflict, api.CodeOffsetMismatch,
		"the storage no longer holds this upload; the server holds 0 bytes, send it again from byte 0")
)

// failDamaged answers a write the object store refused as damaged on the
// way: 503 with Retry-After, logged, since a network that damages bytes
// needs looking at.
func (s *Server) failDamaged(w http.ResponseWriter, r *http.Request, answer *httpError, err error) {
	s.log.Warn("the object store refused damaged bytes", "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", "1")
	s.fail(w, r, answer)
}

// uploadTarget returns the caller's recording that content may be uploaded to.
func (s *Server) uploadTarget(r *http.Request, c caller) (meta.Recording, error) {
	rec, err := s.lookup(r, c)
	if err == nil && rec.Deleted {
		err = errGone
	}
	return rec, err
}

func (s *Server) putContent(w http.ResponseWriter, r *http.Request, c caller) {
	rec, err := s.uploadTarget(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unlock := s.locks.lock(c.userID + "/" + rec.ID)
	defer unlock()
	if rec, err = s.uploadTarget(r, c); err != nil {
		s.fail(w, r, err)
		return
	}
	if rec.Available {
		writeRecording(w, http.StatusOK, rec.Recording) // a retry after a lost answer
		return
	}
	if h := r.Header.Get("Content-Range"); h != "" {
		s.putChunk(w, r, c, rec, h)
		return
	}
	if r.ContentLength >= 0 && r.ContentLength != rec.SizeBytes {
		s.fail(w, r, badRequest(fmt.Sprintf("the body has %d bytes; the recording's size_bytes is %d", r.ContentLength, rec.SizeBytes)))
		return
	}
	ctx := r.Context()
	key := blob.Key(c.userID, rec.ID)
	if up, err := s.meta.GetUpload(ctx, c.userID, rec.ID); err == nil {
		// A whole upload replaces a chunked one in progress.
		s.blob.AbortUpload(ctx, key, up.BlobUpload)
		if err := s.meta.DeleteUpload(ctx, c.userID, rec.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	sum, _ := hex.DecodeString(rec.SHA256)
	err = s.blob.Put(ctx, key, http.MaxBytesReader(w, r.Body, rec.SizeBytes+1), rec.SizeBytes, sum)
	switch {
	case errors.Is(err, blob.ErrDamaged):
		s.failDamaged(w, r, errDamagedPut, err)
		return
	case errors.Is(err, blob.ErrChecksum):
		s.fail(w, r, errChecksum)
		return
	case errors.Is(err, blob.ErrSize):
		s.fail(w, r, badRequest(fmt.Sprintf("the body does not have the recording's %d bytes", rec.SizeBytes)))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.finish(w, r, c, rec)
}

// finish marks the recording available once its object is verified, and
// removes the object again if the recording was deleted meanwhile.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, c caller, rec meta.Recording) {
	ctx := context.WithoutCancel(r.Context()) // the bytes are in: record that even if the client left
	now := nowFunc().UTC()
	got, err := s.meta.UpdateRecording(ctx, c.userID, rec.ID, func(cur *meta.Recording, _ int64) (*meta.Recording, error) {
		if cur == nil || cur.Deleted || cur.SHA256 != rec.SHA256 {
			return nil, errGone
		}
		if cur.Available {
			return nil, nil
		}
		n := *cur
		n.Available, n.UpdatedAt = true, now
		return &n, nil
	})
	if errors.Is(err, errGone) {
		s.blob.Delete(ctx, blob.Key(c.userID, rec.ID))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeRecording(w, http.StatusOK, got.Recording)
}

// putChunk stores one Content-Range chunk as the next part of a multipart
// upload, saving the upload's state (parts with their SHA-256s, running
// SHA-256) after it. A chunk counts only once the store has verified it:
// one refused or broken off leaves the state as it was.
func (s *Server) putChunk(w http.ResponseWriter, r *http.Request, c caller, rec meta.Recording, h string) {
	ctx := r.Context()
	cr, err := parseContentRange(h)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n := cr.end - cr.start + 1
	switch {
	case cr.total != rec.SizeBytes:
		err = badRequest(fmt.Sprintf("Content-Range total must be the recording's size_bytes, %d", rec.SizeBytes))
	case n > api.MaxChunkSize:
		err = errorf(http.StatusRequestEntityTooLarge, api.CodeTooLarge, fmt.Sprintf("chunks may be at most %d bytes", api.MaxChunkSize))
	case cr.end+1 < rec.SizeBytes && n < api.MinChunkSize:
		err = badRequest(fmt.Sprintf("every chunk but the last must be at least %d bytes", api.MinChunkSize))
	case r.ContentLength >= 0 && r.ContentLength != n:
		err = badRequest("Content-Length does not match Content-Range")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := blob.Key(c.userID, rec.ID)
	up, err := s.meta.GetUpload(ctx, c.userID, rec.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, meta.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	if exists && (cr.start == 0 && up.Received > 0 || !checksummed(up)) {
		// A chunk from 0 starts over. So does an upload whose parts an
		// older server stored without their SHA-256s: its object could
		// not be confirmed.
		if err := s.resetUpload(ctx, c, rec, up); err != nil {
			s.fail(w, r, err)
			return
		}
		exists = false
	}
	if !exists {
		id, err := s.blob.CreateUpload(ctx, key)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		up = meta.Upload{UserID: c.userID, RecordingID: rec.ID, BlobUpload: id, UpdatedAt: nowFunc().UTC()}
		if err := s.meta.PutUpload(ctx, up, -1); err != nil {
			s.blob.AbortUpload(ctx, key, id)
			if errors.Is(err, meta.ErrConflict) {
				err = errorf(http.StatusConflict, api.CodeOffsetMismatch, "another upload of this recording started; check GET …/upload and resume")
			}
			s.fail(w, r, err)
			return
		}
	}
	if cr.start != up.Received {
		if up.Received > 0 {
			w.Header().Set("Range", fmt.Sprintf("bytes=0-%d", up.Received-1))
		}
		s.fail(w, r, errorf(http.StatusConflict, api.CodeOffsetMismatch,
			fmt.Sprintf("the server holds %d bytes; send the chunk starting there", up.Received)))
		return
	}
	hs := sha256.New()
	if len(up.HashState) > 0 {
		if err := hs.(encoding.BinaryUnmarshaler).UnmarshalBinary(up.HashState); err != nil {
			s.fail(w, r, fmt.Errorf("restore upload hash of %s: %w", rec.ID, err))
			return
		}
	}
	body := io.TeeReader(http.MaxBytesReader(w, r.Body, n+1), hs)
	part, err := s.blob.UploadPart(ctx, key, up.BlobUpload, len(up.Parts)+1, cr.start, body, n)
	switch {
	case errors.Is(err, blob.ErrSize):
		s.fail(w, r, badRequest(fmt.Sprintf("the chunk did not have its %d bytes; send it again", n)))
		return
	case errors.Is(err, blob.ErrDamaged):
		s.failDamaged(w, r, errDamagedChunk, err)
		return
	case errors.Is(err, blob.ErrNotFound):
		// The store lost the upload (aborted, expired, or completed by a
		// request whose answer went missing): start over.
		if err := s.resetUpload(context.WithoutCancel(ctx), c, rec, up); err != nil {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, errUploadLost)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	prev := up.Received
	up.Parts = append(up.Parts, meta.Part{Number: part.Number, ETag: part.ETag, Size: part.Size, SHA256: hex.EncodeToString(part.SHA256)})
	up.Received, up.UpdatedAt = cr.end+1, nowFunc().UTC()
	if up.Received == rec.SizeBytes {
		// The last chunk is not saved as received: until the object is
		// confirmed the server holds the bytes before it, so a failure
		// here has the client send the last chunk again.
		s.completeChunked(w, r, c, rec, up, hs)
		return
	}
	if up.HashState, err = hs.(encoding.BinaryMarshaler).MarshalBinary(); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.meta.PutUpload(context.WithoutCancel(ctx), up, prev); err != nil {
		if errors.Is(err, meta.ErrConflict) {
			err = errorf(http.StatusConflict, api.CodeOffsetMismatch, "another request changed this upload; check GET …/upload and resume")
		}
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, api.UploadStatus{Received: up.Received, Size: rec.SizeBytes})
}

// checksummed reports whether every stored part of up has its SHA-256.
func checksummed(up meta.Upload) bool {
	for _, p := range up.Parts {
		if p.SHA256 == "" {
			return false
		}
	}
	return true
}

// resetUpload discards an upload in progress: its parts and its state.
func (s *Server) resetUpload(ctx context.Context, c caller, rec meta.Recording, up meta.Upload) error {
	s.blob.AbortUpload(ctx, blob.Key(c.userID, rec.ID), up.BlobUpload)
	return s.meta.DeleteUpload(ctx, c.userID, rec.ID)
}

// completeChunked joins the parts once all bytes are in, if the SHA-256 of
// the bytes sent (the server's running hash) matches the recording's; the
// store confirms the joined object against the parts' SHA-256s it
// verified. Otherwise the upload is discarded.
func (s *Server) completeChunked(w http.ResponseWriter, r *http.Request, c caller, rec meta.Recording, up meta.Upload, hs hash.Hash) {
	ctx := context.WithoutCancel(r.Context())
	key := blob.Key(c.userID, rec.ID)
	if hex.EncodeToString(hs.Sum(nil)) != rec.SHA256 {
		if err := s.resetUpload(ctx, c, rec, up); err != nil {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, errChecksum)
		return
	}
	parts := make([]blob.Part, len(up.Parts))
	for i, p := range up.Parts {
		sum, _ := hex.DecodeString(p.SHA256)
		parts[i] = blob.Part{Number: p.Number, ETag: p.ETag, Size: p.Size, SHA256: sum}
	}
	err := s.blob.CompleteUpload(ctx, key, up.BlobUpload, parts)
	switch {
	case errors.Is(err, blob.ErrDamaged):
		if err := s.resetUpload(ctx, c, rec, up); err != nil {
			s.fail(w, r, err)
			return
		}
		s.failDamaged(w, r, errDamagedUpload, err)
		return
	case errors.Is(err, blob.ErrNotFound):
		if err := s.resetUpload(ctx, c, rec, up); err != nil {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, errUploadLost)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if err := s.meta.DeleteUpload(ctx, c.userID, rec.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.finish(w, r, c, rec)
}

func (s *Server) uploadStatus(w http.ResponseWriter, r *http.Request, c caller) {
	rec, err := s.uploadTarget(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := api.UploadStatus{Size: rec.SizeBytes}
	if rec.Available {
		st.Received, st.Complete = rec.SizeBytes, true
	} else if up, err := s.meta.GetUpload(r.Context(), c.userID, rec.ID); err == nil {
		st.Received = up.Received
	} else if !errors.Is(err, meta.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// contentType maps a recording's format to its media type.
func contentType(format string) string {
	switch format {
	case "opus", "ogg":
		return "audio/ogg"
	case "flac":
		return "audio/flac"
	case "wav":
		return "audio/wav"
	}
	return "application/octet-stream"
}

func (s *Server) getContent(w http.ResponseWriter, r *http.Request, c caller) {
	rec, err := s.uploadTarget(r, c)
	if err == nil && !rec.Available {
		err = errorf(http.StatusNotFound, api.CodeNotFound, "the recording's audio has not been uploaded yet")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	off, n, partial, err := parseRange(r.Header.Get("Range"), rec.SizeBytes)
	if err != nil {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", rec.SizeBytes))
		s.fail(w, r, errorf(http.StatusRequestedRangeNotSatisfiable, api.CodeBadRequest, "the range lies outside the recording"))
		return
	}
	if !partial {
		off, n = 0, rec.SizeBytes
	}
	body, err := s.blob.Get(r.Context(), blob.Key(c.userID, rec.ID), off, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer body.Close()
	sum, _ := hex.DecodeString(rec.SHA256)
	hd := w.Header()
	hd.Set("Content-Type", contentType(rec.Format))
	hd.Set("Content-Length", strconv.FormatInt(n, 10))
	hd.Set("Accept-Ranges", "bytes")
	hd.Set("ETag", `"`+rec.SHA256+`"`)
	hd.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
	status := http.StatusOK
	if partial {
		hd.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+n-1, rec.SizeBytes))
		status = http.StatusPartialContent
	}
	w.WriteHeader(status)
	if _, err := io.Copy(w, body); err != nil {
		s.log.Info("download broken off", "recording", rec.ID, "err", err)
	}
}

func (s *Server) presign(w http.ResponseWriter, r *http.Request, c caller) {
	p, ok := s.blob.(blob.Presigner)
	if !ok {
		s.fail(w, r, errorf(http.StatusNotImplemented, api.CodeNotImplemented,
			"this server's storage takes uploads only through PUT /v1/recordings/{id}/content"))
		return
	}
	rec, err := s.uploadTarget(r, c)
	if err == nil && rec.Available {
		err = errorf(http.StatusConflict, api.CodeConflict, "the recording's audio is already uploaded")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum, _ := hex.DecodeString(rec.SHA256)
	pu, err := p.PresignPut(r.Context(), blob.Key(c.userID, rec.ID), rec.SizeBytes, sum, s.cfg.PresignTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pu)
}

// completePresigned confirms an object uploaded through a presigned URL:
// it must have the recording's size and SHA-256 (from the store's own
// checksum, or by reading it back) before the recording is listed.
func (s *Server) completePresigned(w http.ResponseWriter, r *http.Request, c caller) {
	rec, err := s.uploadTarget(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rec.Available {
		writeRecording(w, http.StatusOK, rec.Recording)
		return
	}
	unlock := s.locks.lock(c.userID + "/" + rec.ID)
	defer unlock()
	ctx := r.Context()
	key := blob.Key(c.userID, rec.ID)
	info, err := s.blob.Stat(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		err = errorf(http.StatusConflict, api.CodeConflict, "nothing was uploaded for this recording yet")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	want, _ := hex.DecodeString(rec.SHA256)
	ok := info.Size == rec.SizeBytes
	if ok && info.SHA256 != nil {
		ok = string(info.SHA256) == string(want)
	} else if ok {
		ok, err = s.rehash(ctx, key, want)
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !ok {
		s.blob.Delete(ctx, key)
		s.fail(w, r, errChecksum)
		return
	}
	s.finish(w, r, c, rec)
}

// rehash reads an object back and compares its SHA-256, for stores that
// do not report one.
func (s *Server) rehash(ctx context.Context, key string, want []byte) (bool, error) {
	body, err := s.blob.Get(ctx, key, 0, -1)
	if err != nil {
		return false, err
	}
	defer body.Close()
	h := sha256.New()
	if _, err := io.Copy(h, body); err != nil {
		return false, fmt.Errorf("verify %s: %w", key, err)
	}
	return string(h.Sum(nil)) == string(want), nil
}
