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
	"strings"
	"time"

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

// damaged is answer for a write the object store refused as damaged on the
// way: 503 with Retry-After, logged, since a network that damages bytes
// needs looking at.
func (s *Server) damaged(r *http.Request, answer *httpError, err error) error {
	s.log.Warn("the object store refused damaged bytes", "path", r.URL.Path, "err", err)
	return answer.with("Retry-After", "1")
}

// uploadTarget returns the caller's recording that content may be uploaded to.
func (s *Server) uploadTarget(r *http.Request, c caller) (meta.Recording, error) {
	rec, err := s.lookup(r, c)
	if err == nil && rec.Deleted {
		err = errGone
	}
	return rec, err
}

func (s *Server) putContent(w http.ResponseWriter, r *http.Request, c caller) error {
	rec, err := s.uploadTarget(r, c)
	if err != nil {
		return err
	}
	unlock := s.locks.lock(c.userID + "/" + rec.ID)
	defer unlock()
	// Stoppable before the second look: a delete writes its tombstone
	// before it stops uploads, so either it stops this one or this one
	// sees the tombstone.
	r, done := s.stoppable(w, r, c.userID+"/"+rec.ID)
	defer done()
	if rec, err = s.uploadTarget(r, c); err != nil {
		return err
	}
	if rec.Available {
		writeRecording(w, http.StatusOK, rec.Recording) // a retry after a lost answer
		return nil
	}
	if h := r.Header.Get("Content-Range"); h != "" {
		err = s.putChunk(w, r, c, rec, h)
	} else if err = s.putWhole(w, r, c, rec); err == nil {
		err = s.finish(w, r, c, rec)
	}
	if err != nil && errors.Is(context.Cause(r.Context()), errGone) {
		return errGone
	}
	return err
}

// stoppable returns r with a context a delete of the recording (key)
// cancels, with errGone as the cause; the body's read deadline is moved to
// now too, so that a read waiting on a stalled client returns at once.
func (s *Server) stoppable(w http.ResponseWriter, r *http.Request, key string) (*http.Request, func()) {
	ctx, cancel := context.WithCancelCause(r.Context())
	rc := http.NewResponseController(w)
	done := s.uploads.add(key, func() {
		cancel(errGone)
		rc.SetReadDeadline(time.Now())
	})
	return r.WithContext(ctx), func() {
		done()
		cancel(nil)
	}
}

// putWhole stores a recording's content sent in one request, replacing a
// chunked upload in progress.
func (s *Server) putWhole(w http.ResponseWriter, r *http.Request, c caller, rec meta.Recording) error {
	if r.ContentLength >= 0 && r.ContentLength != rec.SizeBytes {
		return badRequest(fmt.Sprintf("the body has %d bytes; the recording's size_bytes is %d", r.ContentLength, rec.SizeBytes))
	}
	ctx := r.Context()
	key := blob.Key(c.userID, rec.ID)
	if up, err := s.meta.GetUpload(ctx, c.userID, rec.ID); err == nil {
		s.blob.AbortUpload(ctx, key, up.BlobUpload)
		if err := s.meta.DeleteUpload(ctx, c.userID, rec.ID); err != nil {
			return err
		}
	}
	sum, _ := hex.DecodeString(rec.SHA256)
	body := s.uploadBody(w, r, rec.SizeBytes)
	err := s.blob.Put(ctx, key, body, rec.SizeBytes, sum)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, blob.ErrDamaged):
		return s.damaged(r, errDamagedPut, err)
	case errors.Is(err, blob.ErrChecksum):
		return errChecksum
	}
	return s.bodyFailure(r, body, err, badRequest(fmt.Sprintf("the body does not have the recording's %d bytes", rec.SizeBytes)))
}

// errStoreDown answers a write the store failed for its own reasons.
var errStoreDown = errorf(http.StatusServiceUnavailable, api.CodeUnavailable,
	"the server could not reach its storage; nothing was kept, try again in a moment").with("Retry-After", "5")

// storeFailure logs a store's failure during a transfer and answers 503,
// so that the client tries again instead of giving the upload up.
func (s *Server) storeFailure(r *http.Request, err error) error {
	if r.Context().Err() != nil {
		return err // the client left; fail logs that
	}
	s.log.Error("the storage failed during a transfer", "method", r.Method, "path", r.URL.Path, "err", err)
	return errStoreDown
}

// finish marks the recording available once its object is verified, and
// removes the object again if the recording was deleted meanwhile.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, c caller, rec meta.Recording) error {
	ctx := context.WithoutCancel(r.Context()) // the bytes are in: record that even if the client left
	now := time.Now().UTC()
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
		return err
	}
	writeRecording(w, http.StatusOK, got.Recording)
	return nil
}

// putChunk stores one Content-Range chunk as the next part of a multipart
// upload, saving the upload's state (parts with their SHA-256s, running
// SHA-256) after it. A chunk counts only once the store has verified it:
// one refused or broken off leaves the state as it was.
func (s *Server) putChunk(w http.ResponseWriter, r *http.Request, c caller, rec meta.Recording, h string) error {
	cr, err := checkChunk(r, rec, h)
	if err != nil {
		return err
	}
	up, err := s.findUpload(r.Context(), c, rec, cr.start)
	if err != nil {
		return err
	}
	hs, err := s.storePart(w, r, c, rec, &up, cr)
	if err != nil {
		return err
	}
	if up.Received == rec.SizeBytes {
		// The last chunk is not saved as received: until the object is
		// confirmed the server holds the bytes before it, so a failure
		// here has the client send the last chunk again.
		return s.completeChunked(w, r, c, rec, up, hs)
	}
	if up.HashState, err = hs.(encoding.BinaryMarshaler).MarshalBinary(); err != nil {
		return fmt.Errorf("save upload hash of %s: %w", rec.ID, err)
	}
	if err := s.meta.PutUpload(context.WithoutCancel(r.Context()), up, cr.start); err != nil {
		if errors.Is(err, meta.ErrConflict) {
			err = errorf(http.StatusConflict, api.CodeOffsetMismatch, "another request changed this upload; check GET …/upload and resume")
		}
		return err
	}
	writeJSON(w, http.StatusAccepted, api.UploadStatus{Received: up.Received, Size: rec.SizeBytes})
	return nil
}

// checkChunk parses a chunk's Content-Range and checks it against the
// recording and the chunk size limits.
func checkChunk(r *http.Request, rec meta.Recording, h string) (contentRange, error) {
	cr, err := parseContentRange(h)
	if err != nil {
		return cr, err
	}
	n := cr.end - cr.start + 1
	switch {
	case cr.total != rec.SizeBytes:
		return cr, badRequest(fmt.Sprintf("Content-Range total must be the recording's size_bytes, %d", rec.SizeBytes))
	case n > api.MaxChunkSize:
		return cr, errorf(http.StatusRequestEntityTooLarge, api.CodeTooLarge, fmt.Sprintf("chunks may be at most %d bytes", api.MaxChunkSize))
	case cr.end+1 < rec.SizeBytes && n < api.MinChunkSize:
		return cr, badRequest(fmt.Sprintf("every chunk but the last must be at least %d bytes", api.MinChunkSize))
	case r.ContentLength >= 0 && r.ContentLength != n:
		return cr, badRequest("Content-Length does not match Content-Range")
	}
	return cr, nil
}

// findUpload returns the upload in progress that a chunk from start
// continues, starting one when there is none (or start is 0); it refuses
// a chunk that does not start where the upload stands.
func (s *Server) findUpload(ctx context.Context, c caller, rec meta.Recording, start int64) (meta.Upload, error) {
	up, err := s.meta.GetUpload(ctx, c.userID, rec.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, meta.ErrNotFound) {
		return up, err
	}
	if exists && (start == 0 && up.Received > 0 || !checksummed(up)) {
		// A chunk from 0 starts over. So does an upload whose parts an
		// older server stored without their SHA-256s: its object could
		// not be confirmed.
		if err := s.resetUpload(ctx, c, rec, up); err != nil {
			return up, err
		}
		exists = false
	}
	if !exists {
		if up, err = s.startUpload(ctx, c, rec); err != nil {
			return up, err
		}
	}
	if start != up.Received {
		e := errorf(http.StatusConflict, api.CodeOffsetMismatch,
			fmt.Sprintf("the server holds %d bytes; send the chunk starting there", up.Received))
		if up.Received > 0 {
			e = e.with("Range", fmt.Sprintf("bytes=0-%d", up.Received-1))
		}
		return up, e
	}
	return up, nil
}

// startUpload begins a multipart upload in the store and records it.
func (s *Server) startUpload(ctx context.Context, c caller, rec meta.Recording) (meta.Upload, error) {
	key := blob.Key(c.userID, rec.ID)
	id, err := s.blob.CreateUpload(ctx, key)
	if err != nil {
		return meta.Upload{}, err
	}
	up := meta.Upload{UserID: c.userID, RecordingID: rec.ID, BlobUpload: id, UpdatedAt: time.Now().UTC()}
	if err := s.meta.PutUpload(ctx, up, -1); err != nil {
		s.blob.AbortUpload(ctx, key, id)
		if errors.Is(err, meta.ErrConflict) {
			err = errorf(http.StatusConflict, api.CodeOffsetMismatch, "another upload of this recording started; check GET …/upload and resume")
		}
		return up, err
	}
	return up, nil
}

// storePart sends the chunk's bytes to the store as up's next part and
// adds the part to up; it returns the running SHA-256 of the upload's
// bytes so far.
func (s *Server) storePart(w http.ResponseWriter, r *http.Request, c caller, rec meta.Recording, up *meta.Upload, cr contentRange) (hash.Hash, error) {
	hs := sha256.New()
	if len(up.HashState) > 0 {
		if err := hs.(encoding.BinaryUnmarshaler).UnmarshalBinary(up.HashState); err != nil {
			return nil, fmt.Errorf("restore upload hash of %s: %w", rec.ID, err)
		}
	}
	ctx := r.Context()
	n := cr.end - cr.start + 1
	release, err := s.spool.reserve(c.userID, n)
	if err != nil {
		return nil, err
	}
	defer release()
	body := s.uploadBody(w, r, n)
	part, err := s.blob.UploadPart(ctx, blob.Key(c.userID, rec.ID), up.BlobUpload, len(up.Parts)+1, cr.start, io.TeeReader(body, hs), n)
	switch {
	case err == nil:
	case errors.Is(err, blob.ErrDamaged):
		return nil, s.damaged(r, errDamagedChunk, err)
	case errors.Is(err, blob.ErrNotFound):
		// The store lost the upload (aborted, expired, or completed by a
		// request whose answer went missing): start over.
		if err := s.resetUpload(context.WithoutCancel(ctx), c, rec, *up); err != nil {
			return nil, err
		}
		return nil, errUploadLost
	default:
		return nil, s.bodyFailure(r, body, err, badRequest(fmt.Sprintf("the chunk did not have its %d bytes; send it again", n)))
	}
	up.Parts = append(up.Parts, meta.Part{Number: part.Number, ETag: part.ETag, Size: part.Size, SHA256: hex.EncodeToString(part.SHA256)})
	up.Received, up.UpdatedAt = cr.end+1, time.Now().UTC()
	return hs, nil
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
func (s *Server) completeChunked(w http.ResponseWriter, r *http.Request, c caller, rec meta.Recording, up meta.Upload, hs hash.Hash) error {
	ctx := context.WithoutCancel(r.Context())
	if hex.EncodeToString(hs.Sum(nil)) != rec.SHA256 {
		return s.discard(ctx, c, rec, up, errChecksum)
	}
	parts := make([]blob.Part, len(up.Parts))
	for i, p := range up.Parts {
		sum, _ := hex.DecodeString(p.SHA256)
		parts[i] = blob.Part{Number: p.Number, ETag: p.ETag, Size: p.Size, SHA256: sum}
	}
	err := s.blob.CompleteUpload(ctx, blob.Key(c.userID, rec.ID), up.BlobUpload, parts)
	switch {
	case errors.Is(err, blob.ErrDamaged):
		return s.discard(ctx, c, rec, up, s.damaged(r, errDamagedUpload, err))
	case errors.Is(err, blob.ErrNotFound):
		return s.discard(ctx, c, rec, up, errUploadLost)
	case err != nil:
		return err
	}
	if err := s.meta.DeleteUpload(ctx, c.userID, rec.ID); err != nil {
		return err
	}
	return s.finish(w, r, c, rec)
}

// discard resets the upload and returns answer, or the reset's failure.
func (s *Server) discard(ctx context.Context, c caller, rec meta.Recording, up meta.Upload, answer error) error {
	if err := s.resetUpload(ctx, c, rec, up); err != nil {
		return err
	}
	return answer
}

func (s *Server) uploadStatus(w http.ResponseWriter, r *http.Request, c caller) error {
	rec, err := s.uploadTarget(r, c)
	if err != nil {
		return err
	}
	st := api.UploadStatus{Size: rec.SizeBytes}
	if rec.Available {
		st.Received, st.Complete = rec.SizeBytes, true
	} else if up, err := s.meta.GetUpload(r.Context(), c.userID, rec.ID); err == nil {
		st.Received = up.Received
	} else if !errors.Is(err, meta.ErrNotFound) {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// attachment is a download's Content-Disposition: a file to save (never
// shown in a browser), named after the recording's title, in ASCII for old
// clients and in UTF-8 (RFC 8187) for the rest.
func attachment(title, format string) string {
	name := strings.TrimSpace(title)
	if name == "" {
		name = "recording"
	}
	name += "." + format
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, extValue(name))
}

// extValue percent-encodes every byte of s but RFC 8187's attr-chars.
func extValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
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

func (s *Server) getContent(w http.ResponseWriter, r *http.Request, c caller) error {
	rec, err := s.uploadTarget(r, c)
	if err == nil && !rec.Available {
		err = errorf(http.StatusNotFound, api.CodeNotFound, "the recording's audio has not been uploaded yet")
	}
	if err != nil {
		return err
	}
	off, n, partial, err := parseRange(r.Header.Get("Range"), rec.SizeBytes)
	if err != nil {
		return errorf(http.StatusRequestedRangeNotSatisfiable, api.CodeBadRequest, "the range lies outside the recording").
			with("Content-Range", fmt.Sprintf("bytes */%d", rec.SizeBytes))
	}
	if !partial {
		off, n = 0, rec.SizeBytes
	}
	body, err := s.blob.Get(r.Context(), blob.Key(c.userID, rec.ID), off, n)
	if err != nil {
		return err
	}
	defer body.Close()
	sum, _ := hex.DecodeString(rec.SHA256)
	hd := w.Header()
	hd.Set("Content-Type", contentType(rec.Format))
	hd.Set("Content-Disposition", attachment(rec.Title, rec.Format))
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
	if _, err := io.Copy(s.downloadWriter(r, w), body); err != nil {
		s.log.Info("download broken off", "recording", rec.ID, "err", err)
	}
	return nil
}

func (s *Server) presign(w http.ResponseWriter, r *http.Request, c caller) error {
	p, ok := s.blob.(blob.Presigner)
	if !ok {
		return errorf(http.StatusNotImplemented, api.CodeNotImplemented,
			"this server's storage takes uploads only through PUT /v1/recordings/{id}/content")
	}
	rec, err := s.uploadTarget(r, c)
	if err == nil && rec.Available {
		err = errorf(http.StatusConflict, api.CodeConflict, "the recording's audio is already uploaded")
	}
	if err != nil {
		return err
	}
	sum, _ := hex.DecodeString(rec.SHA256)
	if err := s.notePresign(r.Context(), c.userID, rec.ID); err != nil {
		return err
	}
	pu, err := p.PresignPut(r.Context(), blob.Key(c.userID, rec.ID), rec.SizeBytes, sum, s.cfg.PresignTTL)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pu)
	return nil
}

// completePresigned confirms an object uploaded through a presigned URL:
// it must have the recording's size and SHA-256 (from the store's own
// checksum, or by reading it back) before the recording is listed.
func (s *Server) completePresigned(w http.ResponseWriter, r *http.Request, c caller) error {
	rec, err := s.uploadTarget(r, c)
	if err != nil {
		return err
	}
	if rec.Available {
		writeRecording(w, http.StatusOK, rec.Recording)
		return nil
	}
	unlock := s.locks.lock(c.userID + "/" + rec.ID)
	defer unlock()
	ctx := r.Context()
	key := blob.Key(c.userID, rec.ID)
	ok, err := s.verifyObject(ctx, key, rec)
	if err != nil {
		return err
	}
	if !ok {
		s.blob.Delete(ctx, key)
		return errChecksum
	}
	return s.finish(w, r, c, rec)
}

// verifyObject reports whether the stored object key has rec's size and
// SHA-256 (from the store's own checksum, or by reading it back).
func (s *Server) verifyObject(ctx context.Context, key string, rec meta.Recording) (bool, error) {
	info, err := s.blob.Stat(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return false, errorf(http.StatusConflict, api.CodeConflict, "nothing was uploaded for this recording yet")
	}
	if err != nil || info.Size != rec.SizeBytes {
		return false, err
	}
	want, _ := hex.DecodeString(rec.SHA256)
	if info.SHA256 != nil {
		return string(info.SHA256) == string(want), nil
	}
	return s.rehash(ctx, key, want)
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
