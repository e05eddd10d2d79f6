package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/meta"
)

// maxTranscriptBody bounds a transcript as sent (uncompressed JSON): a
// two-hour recording with word times is a few megabytes.
const maxTranscriptBody = 32 << 20

// Transcripts live in the blob store, gzipped JSON, beside the audio: a
// long one is far larger than a DynamoDB item may be. The recording holds
// only its version and the SHA-256 of the stored form, which together name
// the object, so two writers racing for one version never share a key.
func transcriptKey(userID, id string, version int64, sum string) string {
	return blob.Key(userID, fmt.Sprintf("%s-t%d-%s", id, version, sum[:8]))
}

func (s *Server) putTranscript(w http.ResponseWriter, r *http.Request, c caller) error {
	id := r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	ifMatch, _, err := parseIfMatch(r.Header.Get("If-Match")) // none: there is no transcript yet
	if err != nil {
		return err
	}
	cur, err := s.lookup(r, c)
	if err == nil && cur.Deleted {
		err = errNotFound
	}
	if err != nil {
		return err
	}
	if cur.TranscriptVersion != ifMatch {
		return staleTranscript(&cur, ifMatch)
	}
	body := s.uploadBody(w, r, maxTranscriptBody)
	raw, err := io.ReadAll(body)
	if err != nil {
		return s.bodyFailure(r, body, err, badRequest("the transcript's body ended early; send it again"))
	}
	var t api.Transcript
	if err := decodeJSONFrom(bytes.NewReader(raw), &t); err != nil {
		return err
	}
	if err := checkTranscript(&t, cur.DurationMS); err != nil {
		return badRequest(err.Error())
	}
	stored, sum, err := packTranscript(t)
	if err != nil {
		return err
	}
	size := int64(len(stored))
	quota, err := s.quota(r.Context(), c.userID)
	if err != nil {
		return err
	}
	// Checked before the blob is written, and again in the change itself.
	if err := s.roomForTranscript(r.Context(), c.userID, &cur, size, quota); err != nil {
		return err
	}
	next := ifMatch + 1
	key := transcriptKey(c.userID, id, next, sum)
	ctx := r.Context()
	if err := s.blob.Put(ctx, key, bytes.NewReader(stored), size, mustHex(sum)); err != nil {
		return s.storeFailure(r, err)
	}
	rec, err := s.meta.UpdateRecording(ctx, c.userID, id, func(cur *meta.Recording, used int64) (*meta.Recording, error) {
		switch {
		case cur == nil || cur.Deleted:
			return nil, errNotFound
		case cur.TranscriptVersion != ifMatch:
			return nil, staleTranscript(cur, ifMatch)
		case used-cur.TranscriptBytes+size > quota:
			return nil, overQuota(used, quota)
		}
		n := *cur
		n.TranscriptVersion, n.TranscriptSHA256, n.TranscriptBytes, n.UpdatedAt = next, sum, size, time.Now().UTC()
		return &n, nil
	})
	if err != nil {
		s.dropTranscript(ctx, c.userID, id, next, sum, rec)
		return err
	}
	if ifMatch > 0 {
		s.deleteTranscript(ctx, c.userID, id, ifMatch, cur.TranscriptSHA256)
	}
	w.Header().Set(api.HeaderTranscriptVersion, strconv.FormatInt(next, 10))
	writeRecording(w, http.StatusOK, rec.Recording)
	return nil
}

// roomForTranscript refuses a transcript of size bytes (as stored) that
// would take the account over quota; the one it replaces is freed.
func (s *Server) roomForTranscript(ctx context.Context, userID string, cur *meta.Recording, size, quota int64) error {
	u, err := s.meta.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if u.UsedBytes-cur.TranscriptBytes+size > quota {
		return overQuota(u.UsedBytes, quota)
	}
	return nil
}

// staleTranscript answers a transcript PUT based on a version the server
// no longer holds: a 412 with the recording, whose transcript_version says
// which one it does.
func staleTranscript(cur *meta.Recording, ifMatch int64) error {
	if cur.TranscriptVersion == 0 {
		return stale(cur, "this recording has no transcript on the server yet; send it without If-Match")
	}
	return stale(cur, fmt.Sprintf("transcript version %d is stale; the server holds version %d: fetch it, merge, and send again with If-Match %d",
		ifMatch, cur.TranscriptVersion, cur.TranscriptVersion))
}

// dropTranscript removes the object of a PUT that lost, unless the winner
// stored the very same bytes under the same name.
func (s *Server) dropTranscript(ctx context.Context, userID, id string, version int64, sum string, now meta.Recording) {
	if now.TranscriptVersion == version && now.TranscriptSHA256 == sum {
		return
	}
	s.deleteTranscript(ctx, userID, id, version, sum)
}

// deleteTranscript removes one stored transcript; a failure only leaves an
// unreferenced object, so it is logged, not answered.
func (s *Server) deleteTranscript(ctx context.Context, userID, id string, version int64, sum string) {
	if version == 0 || len(sum) < 8 {
		return
	}
	if err := s.blob.Delete(context.WithoutCancel(ctx), transcriptKey(userID, id, version, sum)); err != nil {
		s.log.Warn("could not remove a replaced transcript", "recording", id, "version", version, "err", err)
	}
}

func (s *Server) getTranscript(w http.ResponseWriter, r *http.Request, c caller) error {
	rec, err := s.lookup(r, c)
	if err != nil {
		return err
	}
	if rec.Deleted || rec.TranscriptVersion == 0 {
		return errorf(http.StatusNotFound, api.CodeNotFound, "this recording has no transcript on the server")
	}
	body, err := s.blob.Get(r.Context(), transcriptKey(c.userID, rec.ID, rec.TranscriptVersion, rec.TranscriptSHA256), 0, -1)
	if err != nil {
		return err
	}
	defer body.Close()
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("ETag", `"`+strconv.FormatInt(rec.TranscriptVersion, 10)+`"`)
	hd.Set(api.HeaderTranscriptVersion, strconv.FormatInt(rec.TranscriptVersion, 10))
	hd.Set("Vary", "Accept-Encoding")
	out := io.Writer(s.downloadWriter(r, w))
	var src io.Reader = body
	if acceptsGzip(r) {
		hd.Set("Content-Encoding", "gzip") // stored gzipped: sent as it is
	} else if src, err = gzip.NewReader(body); err != nil {
		return s.storeFailure(r, err)
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(out, src); err != nil {
		s.log.Info("transcript download broken off", "recording", rec.ID, "err", err)
	}
	return nil
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if name, _, _ := strings.Cut(strings.TrimSpace(part), ";"); strings.EqualFold(name, "gzip") {
			return true
		}
	}
	return false
}

// packTranscript is t as stored (gzipped JSON) and its SHA-256 in hex.
func packTranscript(t api.Transcript) ([]byte, string, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(t); err != nil {
		return nil, "", err
	}
	if err := zw.Close(); err != nil {
		return nil, "", err
	}
	h := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(h[:]), nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s) // made by packTranscript
	return b
}

// checkTranscript refuses a transcript whose times do not fit the recording
// (a second of slack for rounding) or go backwards, or whose text is not
// UTF-8.
func checkTranscript(t *api.Transcript, durationMS int64) error {
	end := durationMS + 1000
	var last int64
	for i, sg := range t.Segments {
		if sg.StartMS < last || sg.EndMS < sg.StartMS || sg.EndMS > end {
			return fmt.Errorf("segment %d (%d–%d ms) is out of order or outside the recording (%d ms)", i+1, sg.StartMS, sg.EndMS, durationMS)
		}
		if !utf8.ValidString(sg.Text) {
			return fmt.Errorf("segment %d is not valid text (UTF-8)", i+1)
		}
		for _, wd := range sg.Words {
			if wd.EndMS < wd.StartMS || wd.StartMS < sg.StartMS-1000 || wd.EndMS > end || !utf8.ValidString(wd.Text) {
				return fmt.Errorf("a word of segment %d lies outside it or is not valid text", i+1)
			}
		}
		last = sg.StartMS
	}
	return nil
}
