package sync

import (
	"context"
	"errors"
	"net/http"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// OpTranscript is the Op of a transcript sent or fetched.
const OpTranscript Op = "transcript"

// noteTranscript remembers the transcript version a feed entry names, so
// that fetchTranscripts knows what to get even if this pass stops first.
func noteTranscript(ch *library.SyncChange, cur *library.SyncItem, r api.Recording) {
	if r.Deleted || ch.Purge {
		return
	}
	if ch.Item == nil {
		if cur == nil || cur.Tombstone() || cur.RemoteTranscript == r.TranscriptVersion {
			return
		}
		n := *cur
		ch.Item = &n
	}
	ch.Item.RemoteTranscript = r.TranscriptVersion
}

// fetchTranscripts brings down every transcript the server holds newer
// than this device's, cloud-only recordings included (search works on them
// without their audio).
func (e *Engine) fetchTranscripts(ctx context.Context, sum *Summary) error {
	ids, err := e.x.TranscriptsBehind(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		t, version, err := e.c.GetTranscript(ctx, id)
		switch {
		case KindOf(err) == KindNotFound:
			continue // deleted meanwhile: the next pull says so
		case isFatal(err):
			return err
		case err != nil:
			sum.Failed = append(sum.Failed, ItemError{ID: id, Op: OpTranscript, Err: err})
			continue
		}
		// Applied only if no edit or transcription happened here since the
		// list was made (checked in the same transaction): such a change is
		// pushed next, against this version, and merged on its 412.
		switch err := e.lib.ApplyFetchedTranscript(ctx, id, t, version); {
		case errors.Is(err, library.ErrNotFound), errors.Is(err, library.ErrTranscriptChanged):
			continue
		case err != nil:
			return err
		}
		sum.TranscriptsDown++
	}
	return nil
}

// pushTranscripts sends the transcripts made or corrected here, once their
// recording is in the cloud.
func (e *Engine) pushTranscripts(ctx context.Context, sum *Summary) error {
	dirty, err := e.lib.DirtyTranscripts(ctx)
	if err != nil {
		return err
	}
	for _, d := range dirty {
		it, err := e.x.Item(ctx, d.ID)
		if errors.Is(err, library.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if it.RemoteVersion == 0 || it.Tombstone() || it.KeepLocal {
			continue // not in the cloud (yet): it goes once the recording does
		}
		switch err := e.pushTranscript(ctx, d, sum); {
		case isFatal(err):
			return err
		case err != nil:
			err = keptForRoom(err)
			sum.Failed = append(sum.Failed, ItemError{ID: d.ID, Title: it.Title, Op: OpTranscript, Err: err})
			e.itemEvent(Event{Kind: ItemFailed, Op: OpTranscript, ID: d.ID, Title: it.Title, Err: err})
		}
	}
	return nil
}

// keptForRoom says in plain words what a refusal for the account's quota
// means for a transcript: it stays here (dirty) and every later pass sends
// it again, so it goes once there is room.
func keptForRoom(err error) error {
	if e, ok := asError(err); !ok || e.Code != api.CodeQuota {
		return err
	}
	return &Error{Op: "transcript kept on this computer", Kind: KindPermanent, Status: http.StatusRequestEntityTooLarge,
		Code: api.CodeQuota, Err: err,
		Message: "the account's storage on the server is full; it is sent at a later sync once there is room (delete recordings to make some)"}
}

// pushTranscript sends one transcript against the server version it was
// based on. If another device's reached the server first, the server's
// wins, and the segments corrected here that were not corrected there are
// carried over onto it and sent again: nothing is overwritten unseen.
func (e *Engine) pushTranscript(ctx context.Context, d library.DirtyTranscript, sum *Summary) error {
	info, err := e.lib.Transcript(ctx, d.ID)
	if err != nil {
		return err
	}
	local, base, merged := info.Transcript, d.RemoteVersion, false
	for tries := 0; tries < 3; tries++ {
		rec, err := e.c.PutTranscript(ctx, d.ID, local, base)
		switch {
		case err == nil:
			sum.TranscriptsUp++
			if merged {
				return keepNewer(e.lib.ApplyRemoteTranscript(ctx, d.ID, local, rec.TranscriptVersion, info.LocalVersion))
			}
			return e.lib.MarkTranscriptPushed(ctx, d.ID, info.LocalVersion, rec.TranscriptVersion)
		case KindOf(err) == KindNotFound:
			return nil // deleted in the cloud: the pull says so
		case KindOf(err) != KindConflict:
			return err
		}
		cur, err := e.currentOf(ctx, d.ID, err)
		if err != nil || cur.Deleted {
			return err
		}
		if cur.TranscriptVersion == 0 {
			base = 0
			continue
		}
		server, version, err := e.c.GetTranscript(ctx, d.ID)
		if err != nil {
			return err
		}
		out, lost := mergeTranscript(server, local)
		if lost > 0 {
			sum.TranscriptConflicts++
		}
		if sameSegments(out.Segments, server.Segments) {
			sum.TranscriptsDown++
			return keepNewer(e.lib.ApplyRemoteTranscript(ctx, d.ID, server, version, info.LocalVersion))
		}
		local, base, merged = out, version, true
	}
	return &Error{Op: "put transcript " + d.ID, Kind: KindTransient,
		Message: "the transcript kept changing on the server while this device sent its corrections; they go again at the next sync"}
}

// keepNewer passes err on unless it says the transcript changed here while
// it was being sent: then the local one stays dirty on its old base, and
// the next push merges it with the server's again.
func keepNewer(err error) error {
	if errors.Is(err, library.ErrTranscriptChanged) {
		return nil
	}
	return err
}

// mergeTranscript is the server's transcript with this device's corrections
// carried over: a segment corrected here (Edited) replaces the server's
// segment of the same span unless that one was corrected too (then the
// server's stands, and it counts in lost, as do corrections of segments the
// server's transcript no longer has, after a redo there).
func mergeTranscript(server, local api.Transcript) (api.Transcript, int) {
	out := server
	out.Segments = append([]api.Segment(nil), server.Segments...)
	lost := 0
	for _, l := range local.Segments {
		if !l.Edited {
			continue
		}
		i := spanIndex(out.Segments, l)
		switch {
		case i < 0:
			lost++
		case out.Segments[i].Text == l.Text:
		case out.Segments[i].Edited:
			lost++
		default:
			out.Segments[i].Text, out.Segments[i].Edited, out.Segments[i].Words = l.Text, true, l.Words
		}
	}
	return out, lost
}

func spanIndex(segs []api.Segment, s api.Segment) int {
	for i, o := range segs {
		if o.StartMS == s.StartMS && o.EndMS == s.EndMS {
			return i
		}
	}
	return -1
}

func sameSegments(a, b []api.Segment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].StartMS != b[i].StartMS || a[i].EndMS != b[i].EndMS || a[i].Text != b[i].Text || a[i].Edited != b[i].Edited {
			return false
		}
	}
	return true
}
