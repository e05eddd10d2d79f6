package server

import (
	"context"
	"errors"
	"time"

	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/meta"
)

// A presigned URL cannot be taken back: until it expires, the client (or
// whoever holds it) can still put an object at the recording's key, also
// after the recording was deleted. So the server remembers that a URL is
// outstanding (a counter per PresignTTL period), and a delete while one is
// schedules the key's removal for when the URL has expired, if the
// recording is still deleted then. A restore never adopts what such a URL
// left behind: restoring removes any object at the key, and the audio must
// be uploaded again.

// notePresign records that a presigned URL for the recording is out.
func (s *Server) notePresign(ctx context.Context, userID, id string) error {
	w := time.Now().Truncate(s.cfg.PresignTTL)
	_, err := s.meta.Count(ctx, "presign:"+userID+"/"+id, w, w.Add(3*s.cfg.PresignTTL), 1, 0)
	return err
}

// presignOut reports whether a presigned URL for the recording may still
// be good: one was issued in this PresignTTL period or the one before.
func (s *Server) presignOut(ctx context.Context, userID, id string) (bool, error) {
	w := time.Now().Truncate(s.cfg.PresignTTL)
	for _, at := range []time.Time{w, w.Add(-s.cfg.PresignTTL)} {
		n, err := s.meta.Counted(ctx, "presign:"+userID+"/"+id, at)
		if err != nil || n > 0 {
			return n > 0, err
		}
	}
	return false, nil
}

// sweepAfterPresigns removes the deleted recording's object once every URL
// that could still put it has expired, unless it was restored meanwhile.
// It runs in this process: one that stops before then leaves the object to
// the bucket's lifecycle rule (docs/api.md).
func (s *Server) sweepAfterPresigns(ctx context.Context, userID, id string) {
	out, err := s.presignOut(ctx, userID, id)
	if err != nil || !out {
		return
	}
	time.AfterFunc(s.cfg.PresignTTL+time.Second, func() {
		ctx := context.Background()
		rec, err := s.meta.GetRecording(ctx, userID, id)
		if err == nil && !rec.Deleted {
			return // restored: its own upload decides
		}
		if err != nil && !errors.Is(err, meta.ErrNotFound) {
			s.log.Warn("could not check a deleted recording for a late presigned upload", "recording", id, "err", err)
			return
		}
		if err := s.blob.Delete(ctx, blob.Key(userID, id)); err != nil {
			s.log.Warn("could not remove a late presigned upload", "recording", id, "err", err)
			return
		}
		s.log.Info("removed what a presigned URL could still upload after the delete", "recording", id)
	})
}
