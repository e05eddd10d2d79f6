package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/meta"
)

const (
	defaultListLimit = 100
	maxListLimit     = 1000
)

// writeRecording answers with a recording and its version as ETag.
func writeRecording(w http.ResponseWriter, status int, r api.Recording) {
	w.Header().Set("ETag", `"`+strconv.FormatInt(r.Version, 10)+`"`)
	w.Header().Set(api.HeaderVersion, strconv.FormatInt(r.Version, 10))
	writeJSON(w, status, r)
}

func stale(cur *meta.Recording, message string) *httpError {
	e := errorf(http.StatusPreconditionFailed, api.CodePrecondition, message)
	e.body = api.StaleError{Error: api.Error{Code: e.code, Message: message}, Current: cur.Recording}
	return e
}

// sameContent reports whether m describes the same audio as r.
func sameContent(r *meta.Recording, m *api.RecordingMeta) bool {
	return r.SizeBytes == m.SizeBytes && r.SHA256 == m.SHA256 && r.Format == m.Format &&
		r.CreatedAt.Equal(m.CreatedAt) && r.DurationMS == m.DurationMS &&
		r.SampleRate == m.SampleRate && r.Channels == m.Channels
}

func (s *Server) putRecording(w http.ResponseWriter, r *http.Request, c caller) error {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	ifMatch, hasIfMatch, err := parseIfMatch(r.Header.Get("If-Match"))
	if err != nil {
		return err
	}
	var m api.RecordingMeta
	// Bookmarks can make it larger than other JSON bodies (see fitting).
	if err := decodeJSONFrom(http.MaxBytesReader(w, r.Body, maxStoredBytes+64<<10), &m); err != nil {
		return err
	}
	if err := checkMeta(&m); err != nil {
		return err
	}
	if err := checkExtras(&m); err != nil {
		return err
	}
	if m.SizeBytes > s.cfg.MaxObjectSize {
		return errorf(http.StatusRequestEntityTooLarge, api.CodeTooLarge,
			fmt.Sprintf("recordings may be at most %d bytes", s.cfg.MaxObjectSize))
	}
	quota, err := s.quota(r.Context(), c.userID)
	if err != nil {
		return err
	}
	created := false
	now := time.Now().UTC()
	fresh := func(version int64, used int64) (*meta.Recording, error) {
		if used+m.SizeBytes > quota {
			return nil, overQuota(used, quota)
		}
		created = true
		fields := m
		fields.CreatedAt = m.CreatedAt.UTC()
		return &meta.Recording{Recording: api.Recording{ID: id, RecordingMeta: fields, Version: version, UpdatedAt: now}}, nil
	}
	restored := false
	rec, err := s.meta.UpdateRecording(r.Context(), c.userID, id, func(cur *meta.Recording, used int64) (*meta.Recording, error) {
		created, restored = false, cur != nil
		if cur == nil && !hasIfMatch || cur != nil && cur.Deleted && hasIfMatch && ifMatch == cur.Version {
			return fitting(fresh(1+versionOf(cur), used)) // a new recording, or a deleted one restored
		}
		return fitting(retitle(cur, &m, ifMatch, hasIfMatch, now))
	})
	if err != nil {
		return err
	}
	if created && restored {
		// Whatever sits at the key came after the delete (a presigned
		// URL still good then): the restored recording never adopts it.
		if err := s.removeAudio(r, c.userID, id); err != nil {
			return err
		}
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeRecording(w, status, rec.Recording)
	return nil
}

// overQuota is the answer to a write that would take the account over its
// storage quota (recordings and their transcripts).
func overQuota(used, quota int64) error {
	return errorf(http.StatusRequestEntityTooLarge, api.CodeQuota, fmt.Sprintf(
		"storage quota exceeded: %d of %d bytes used; delete recordings to make room", used, quota))
}

// quota is the user's storage quota: the owner's setting, else the
// server's --quota-bytes.
func (s *Server) quota(ctx context.Context, userID string) (int64, error) {
	u, err := s.meta.UserByID(ctx, userID)
	if err != nil {
		return 0, err
	}
	return quotaOf(u, s.cfg), nil
}

func quotaOf(u meta.User, cfg Config) int64 {
	if u.QuotaBytes > 0 {
		return u.QuotaBytes
	}
	return cfg.QuotaBytes
}

// versionOf is cur's version, 0 for none.
func versionOf(cur *meta.Recording) int64 {
	if cur == nil {
		return 0
	}
	return cur.Version
}

// retitle decides a PUT of m onto an existing recording cur (nil: none):
// the new row (title, tags, favourite and bookmarks as m has them), nil for
// no change, or the refusal.
func retitle(cur *meta.Recording, m *api.RecordingMeta, ifMatch int64, hasIfMatch bool, now time.Time) (*meta.Recording, error) {
	switch {
	case cur == nil:
		return nil, errNotFound
	case cur.Deleted:
		return nil, stale(cur, "this recording was deleted; to restore it, send If-Match with the tombstone's version")
	case !hasIfMatch:
		if cur.Title == m.Title && sameContent(cur, m) && sameExtras(&cur.RecordingMeta, m) {
			return nil, nil // a retried create
		}
		return nil, stale(cur, "the recording exists; send If-Match with its version to change it")
	case ifMatch != cur.Version:
		return nil, stale(cur, fmt.Sprintf("version %d is stale; the recording is at version %d", ifMatch, cur.Version))
	case !sameContent(cur, m):
		return nil, errorf(http.StatusConflict, api.CodeConflict,
			"only the title, tags, favourite and bookmarks of a recording can change; new audio needs a new recording id")
	case cur.Title == m.Title && sameExtras(&cur.RecordingMeta, m):
		return nil, nil
	}
	n := *cur
	n.Title, n.Version, n.UpdatedAt = m.Title, cur.Version+1, now
	n.Tags, n.Favorite, n.Bookmarks = m.Tags, m.Favorite, m.Bookmarks
	return &n, nil
}

func (s *Server) getRecording(w http.ResponseWriter, r *http.Request, c caller) error {
	rec, err := s.lookup(r, c)
	if err != nil {
		return err
	}
	writeRecording(w, http.StatusOK, rec.Recording)
	return nil
}

// lookup returns the caller's recording named in the path, tombstones
// included; anything else (another user's id among it) is a 404.
func (s *Server) lookup(r *http.Request, c caller) (meta.Recording, error) {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return meta.Recording{}, err
	}
	rec, err := s.meta.GetRecording(r.Context(), c.userID, id)
	if errors.Is(err, meta.ErrNotFound) {
		return rec, errNotFound
	}
	return rec, err
}

func (s *Server) deleteRecording(w http.ResponseWriter, r *http.Request, c caller) error {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	ifMatch, hasIfMatch, err := parseIfMatch(r.Header.Get("If-Match"))
	if err != nil {
		return err
	}
	scope := r.URL.Query().Get("scope")
	if err := api.CheckDeleteScope(scope); err != nil {
		return errorf(http.StatusBadRequest, api.CodeBadRequest, err.Error())
	}
	if scope == "" {
		scope = api.ScopeEverywhere
	}
	ctx := r.Context()
	now := time.Now().UTC()
	var transcript meta.Recording // its transcript goes with it
	rec, err := s.meta.UpdateRecording(ctx, c.userID, id, func(cur *meta.Recording, _ int64) (*meta.Recording, error) {
		if cur != nil {
			transcript = *cur
		}
		switch {
		case cur == nil:
			return nil, errNotFound
		case cur.Deleted && cur.DeleteScope == api.ScopeCloud && scope == api.ScopeEverywhere:
			// Removed from the cloud before, deleted everywhere now (from a
			// device that kept its copy): the tombstone says so, as a new
			// version, so devices that kept theirs move them to the trash.
			n := *cur
			n.DeleteScope = api.ScopeEverywhereAfterCloud
			n.Version, n.UpdatedAt, n.ExpiresAt = cur.Version+1, now, now.Add(s.cfg.TombstoneTTL)
			return &n, nil
		case cur.Deleted:
			return nil, nil // already a tombstone: finish removing the audio below
		case hasIfMatch && ifMatch != cur.Version:
			return nil, stale(cur, fmt.Sprintf("version %d is stale; the recording is at version %d", ifMatch, cur.Version))
		}
		n := *cur
		n.Deleted, n.DeletedAt, n.DeleteScope, n.Available = true, &now, scope, false
		n.TranscriptVersion, n.TranscriptSHA256, n.TranscriptBytes = 0, "", 0
		n.Version, n.UpdatedAt, n.ExpiresAt = cur.Version+1, now, now.Add(s.cfg.TombstoneTTL)
		return &n, nil
	})
	if err != nil {
		return err
	}
	// The tombstone is written first: if removing the audio fails, the
	// client's retry finds the tombstone and tries the removal again. An
	// upload running here is stopped rather than waited for (its client
	// may have stalled); one that finishes meanwhile finds the tombstone.
	key := c.userID + "/" + id
	s.uploads.stop(key)
	unlock := s.locks.lock(key)
	defer unlock()
	if err := s.removeAudio(r, c.userID, id); err != nil {
		return err
	}
	s.deleteTranscript(ctx, c.userID, id, transcript.TranscriptVersion, transcript.TranscriptSHA256)
	s.sweepAfterPresigns(context.WithoutCancel(ctx), c.userID, id)
	writeRecording(w, http.StatusOK, rec.Recording)
	return nil
}

// removeAudio deletes a recording's object and any upload in progress.
func (s *Server) removeAudio(r *http.Request, userID, id string) error {
	ctx := r.Context()
	key := blob.Key(userID, id)
	if up, err := s.meta.GetUpload(ctx, userID, id); err == nil {
		if err := s.blob.AbortUpload(ctx, key, up.BlobUpload); err != nil {
			return err
		}
		if err := s.meta.DeleteUpload(ctx, userID, id); err != nil {
			return err
		}
	} else if !errors.Is(err, meta.ErrNotFound) {
		return err
	}
	return s.blob.Delete(ctx, key)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, c caller) error {
	q := r.URL.Query()
	limit := defaultListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return badRequest(fmt.Sprintf("limit must be a number from 1 to %d", maxListLimit))
		}
		limit = n
	}
	feed := q.Get("since") != ""
	since, err := s.since(q.Get("since"))
	if err != nil {
		return err
	}
	recs, err := s.meta.ListChanges(r.Context(), c.userID, since, limit+1)
	if err != nil {
		return err
	}
	resp := api.ListResponse{Recordings: make([]api.Recording, 0, min(len(recs), limit)), More: len(recs) > limit}
	next := since
	for i, rec := range recs {
		if i == limit {
			break
		}
		next = rec.Seq
		if rec.Deleted && !feed {
			continue // a first listing shows what exists; later pages and feeds show deletions too
		}
		resp.Recordings = append(resp.Recordings, rec.Recording)
	}
	resp.Cursor = cursor{seq: next, issued: time.Now()}.String()
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// since returns the feed position a listing's since parameter names: 0
// for none, and a refusal for a cursor too old to know every deletion.
func (s *Server) since(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	cur, err := parseCursor(v)
	if err != nil {
		return 0, err
	}
	// A day's margin: a tombstone from just before the cursor was issued
	// must not have expired yet.
	if time.Since(cur.issued) > s.cfg.TombstoneTTL-24*time.Hour {
		return 0, errorf(http.StatusGone, api.CodeCursorExpired,
			"this cursor is too old to know every deletion; list again without since")
	}
	return cur.seq, nil
}
