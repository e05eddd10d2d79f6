package sync

import (
	"context"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/library"
)

// Reasons kept in the title history.
const reasonLostRename = "renamed here and on another device at once; the other rename reached the server first and won"

// pull asks the server for what changed since the cursor and applies it,
// page by page, each page and the cursor that follows it in one
// transaction. A cursor the server has forgotten (older than its
// tombstones) leads to a full listing, after which recordings the server
// no longer lists count as deleted there.
func (e *Engine) pull(ctx context.Context, sum *Summary) error {
	cursor, err := e.x.Setting(ctx, e.cursorKey())
	if err != nil {
		return err
	}
	var seen map[string]bool // during a full listing after an expired cursor
	for {
		page, err := e.c.List(ctx, cursor, e.opts.PageSize)
		if err != nil {
			if ae, ok := asError(err); ok && ae.Code == api.CodeCursorExpired && cursor != "" {
				cursor, seen = "", map[string]bool{}
				continue
			}
			return err
		}
		if err := e.applyPage(ctx, page, seen, sum); err != nil {
			return err
		}
		if page.Cursor != "" {
			cursor = page.Cursor
		}
		if !page.More {
			break
		}
	}
	e.setLastPull(time.Now())
	if seen != nil {
		return e.forgetUnlisted(ctx, seen, sum)
	}
	return nil
}

func (e *Engine) applyPage(ctx context.Context, page api.ListResponse, seen map[string]bool, sum *Summary) error {
	byID := make(map[string]api.Recording, len(page.Recordings))
	ids := make([]string, 0, len(page.Recordings))
	for _, r := range page.Recordings {
		if !api.ValidID(r.ID) {
			continue // never let a server's id name a file here
		}
		if _, err := audio.ParseFormat(r.Format); err != nil && !r.Deleted {
			continue
		}
		if _, dup := byID[r.ID]; !dup {
			ids = append(ids, r.ID)
		}
		byID[r.ID] = r
		if seen != nil {
			seen[r.ID] = true
		}
	}
	var settings map[string]string
	if page.Cursor != "" {
		settings = map[string]string{e.cursorKey(): page.Cursor}
	}
	now := time.Now()
	events := map[string]Event{}
	conflicts := map[string]bool{}
	kinds := map[string]remoteKind{}
	err := e.x.Update(ctx, ids, func(id string, cur *library.SyncItem) (library.SyncChange, error) {
		ch, changed := reconcile(cur, byID[id], now)
		noteTranscript(&ch, cur, byID[id])
		delete(events, id)
		conflicts[id] = len(ch.History) > 0
		if changed {
			events[id] = Event{Kind: ItemDone, Op: OpRemote, ID: id, Title: byID[id].Title}
			kinds[id] = kindOfRemote(cur, byID[id], ch)
		}
		return ch, nil
	}, settings)
	if err != nil {
		return err
	}
	for id := range events {
		sum.count(kinds[id])
	}
	for _, c := range conflicts {
		if c {
			sum.Conflicts++
		}
	}
	for _, ev := range events {
		e.emit(ev)
	}
	return nil
}

// forgetUnlisted treats recordings the cloud had but no longer lists (its
// tombstone expired before this device heard of the deletion) as removed
// from the cloud: whether they were deleted everywhere or from the cloud
// only is forgotten with the tombstone, so a copy here stays, local-only
// and not uploaded again unless asked, rather than go to the trash (and
// be purged 30 days later) on a guess. Cloud-only entries go.
func (e *Engine) forgetUnlisted(ctx context.Context, seen map[string]bool, sum *Summary) error {
	items, err := e.x.Known(ctx)
	if err != nil {
		return err
	}
	var gone []string
	for _, it := range items {
		if !seen[it.ID] && it.RemoteVersion > 0 {
			gone = append(gone, it.ID)
		}
	}
	now := time.Now()
	return e.x.Update(ctx, gone, func(id string, cur *library.SyncItem) (library.SyncChange, error) {
		r := api.Recording{ID: id, Deleted: true, DeleteScope: api.ScopeCloud}
		ch, changed := reconcile(cur, r, now)
		if changed {
			sum.count(kindOfRemote(cur, r, ch))
		}
		return ch, nil
	}, nil)
}

// remoteKind is how a change from another device looks here.
type remoteKind int

const (
	remoteChanged remoteKind = iota // renamed, tagged, trimmed, …
	remoteNew                       // a recording this device had not heard of
	remoteRemoved                   // deleted there; this device had no copy
	remoteKept                      // removed from the cloud; the copy here stays
	remoteTrashed                   // deleted everywhere; the copy here is in the trash
)

// kindOfRemote says what the server's record r is to this device (cur nil
// when it does not know the id), given ch, what reconcile made of it.
func kindOfRemote(cur *library.SyncItem, r api.Recording, ch library.SyncChange) remoteKind {
	switch {
	case r.Deleted && ch.Item != nil && ch.Item.Trashed():
		return remoteTrashed
	case r.Deleted && ch.Item != nil:
		return remoteKept
	case r.Deleted:
		return remoteRemoved
	case cur == nil:
		return remoteNew
	}
	return remoteChanged
}

// count adds one change from another device to the summary.
func (s *Summary) count(k remoteKind) {
	s.Remote++
	switch k {
	case remoteNew:
		s.RemoteNew++
	case remoteKept:
		s.RemoteRemoved++
		s.RemoteKept++
	case remoteTrashed:
		s.RemoteRemoved++
		s.RemoteTrashed++
	case remoteRemoved:
		s.RemoteRemoved++
	}
}

// reconcile decides what a server record means for the local one (cur nil
// when this device does not know the id). changed says whether the user
// would see a difference. The rules:
//   - the server's title wins when its version is newer; a local rename
//     that had not reached the server is kept in the title history;
//   - a deletion on the server moves the recording to the trash here
//     (restorable), drops a cloud-only entry, and confirms our own delete;
//   - a recording the server lists again after a deletion (restored on
//     another device) comes back out of the trash here too;
//   - a recording this device has not uploaded yet, or restored after the
//     deletion, keeps going: its upload brings it back.
func reconcile(cur *library.SyncItem, r api.Recording, now time.Time) (library.SyncChange, bool) {
	if r.Deleted {
		return reconcileDeleted(cur, r.DeleteScope, r.Version, now)
	}
	if !r.Available {
		return library.SyncChange{}, false // an upload still in progress
	}
	if cur == nil {
		it := library.SyncItem{
			Recording: library.Recording{
				ID: r.ID, Title: r.Title, CreatedAt: r.CreatedAt.UTC(), Duration: time.Duration(r.DurationMS) * time.Millisecond,
				Format: audio.Format(r.Format), SampleRate: r.SampleRate, Channels: r.Channels, Size: r.SizeBytes,
				SHA256: r.SHA256, Version: 1, SyncState: library.CloudOnly, RemoteVersion: r.Version,
			},
			PushedVersion: 1,
		}
		remember(&it, r)
		return library.SyncChange{Item: &it, Meta: it.Base}, true
	}
	if cur.Tombstone() {
		return library.SyncChange{}, false // purged here: the deletion goes out and wins
	}
	n := *cur
	st := effectiveState(*cur)
	var ch library.SyncChange
	changed := false
	adoptTitle := func() {
		if r.Version <= cur.RemoteVersion {
			return
		}
		defer remember(&n, r)
		// Tags, favourite and bookmarks changed here too merge with the
		// server's; what the server lacks of the merge goes out next.
		server, want := remoteMeta(r), remoteMeta(r)
		if cur.RenamePending() {
			want = mergeMeta(cur.Base, cur.Meta(), server)
		}
		if !want.Equal(cur.Meta()) {
			ch.Meta, changed = &want, true
		}
		if cur.RenamePending() && cur.RemoteVersion > 0 && r.Title == cur.RemoteTitle {
			// The server's title has not changed (another field has): the
			// rename made here still goes out, against the new version.
			return
		}
		if r.Title != n.Title {
			if cur.RenamePending() && cur.Title != cur.RemoteTitle {
				ch.History = append(ch.History, library.TitleChange{Title: n.Title, ReplacedBy: r.Title, At: now, Reason: reasonLostRename})
			}
			n.Title = r.Title
			n.Version++
			changed = true
		}
		n.PushedVersion = n.Version
		if !want.Equal(server) {
			n.Version++ // the merge holds changes the server has yet to get
		}
	}
	if cur.Trashed() {
		if st == library.LocalOnly && cur.HasAudio {
			// Deleted in the cloud earlier, and restored there since.
			n.TrashedAt = nil
			n.SyncState, n.SyncError, n.ResumeState, n.KeepLocal = library.Synced, "", "", false
			adoptTitle()
			ch.Item = &n
			return ch, true
		}
		// Our deletion goes out and wins; the title is kept current all the
		// same, in case the recording is restored before it does.
		adoptTitle()
		ch.Item = &n
		return ch, changed
	}
	switch st {
	case library.PendingDelete:
		adoptTitle() // as in the trash: the deletion wins unless cancelled
	case library.LocalOnly, library.Queued, library.Uploading:
		if !cur.HasAudio || r.SHA256 != cur.SHA256 {
			break
		}
		// The cloud has it already: an upload whose answer was lost, or a
		// recording restored on another device after a cloud delete here.
		n.SyncState, n.SyncError, n.ResumeState, n.KeepLocal, n.Attempts = library.Synced, "", "", false, 0
		adoptTitle()
		changed = true
	default:
		adoptTitle()
	}
	ch.Item = &n
	return ch, changed
}

// reconcileDeleted applies a tombstone. Deleted everywhere ("" on older
// servers), a recording goes to the trash here; removed from the cloud
// only, a copy here stays, local-only and not uploaded again unless asked.
// Either way an entry without audio here goes.
func reconcileDeleted(cur *library.SyncItem, scope string, version int64, now time.Time) (library.SyncChange, bool) {
	if cur == nil {
		return library.SyncChange{}, false
	}
	if cur.Tombstone() {
		return library.SyncChange{Purge: true}, false // our deletion, done by someone
	}
	st := effectiveState(*cur)
	n := *cur
	n.SyncError, n.ResumeState, n.Attempts, n.NextAttempt = "", "", 0, time.Time{}
	switch {
	case !cur.HasAudio:
		return library.SyncChange{Purge: true}, !cur.Trashed() // a cloud-only entry: nothing left to keep
	case cur.Trashed():
		n.SyncState, n.RemoteVersion = library.LocalOnly, 0
		n.KeepLocal = scope == api.ScopeCloud
		return library.SyncChange{Item: &n}, false
	case cur.KeepLocal && cur.RemoteVersion == 0 && scope != api.ScopeCloud && version > cur.KeptSince:
		// Kept here after a removal from the cloud, and deleted everywhere
		// since (restored and deleted, or deleted from a device that had
		// kept its copy too): the trash below. The tombstone this copy was
		// kept through, or an older one, leaves it kept.
	case cur.RemoteVersion == 0 && (st == library.LocalOnly || st == library.Queued || st == library.Uploading):
		return library.SyncChange{}, false // not uploaded yet, or restored since: the upload brings it back
	case cur.KeepLocal:
		n.SyncState, n.RemoteVersion, n.KeptSince = library.LocalOnly, 0, max(cur.KeptSince, version)
		return library.SyncChange{Item: &n}, false
	case scope == api.ScopeCloud:
		// Removed from the cloud on another device: ours stays, here only.
		n.SyncState, n.RemoteVersion, n.KeepLocal, n.KeptSince = library.LocalOnly, 0, true, version
		return library.SyncChange{Item: &n}, true
	}
	// Deleted on another device: to the trash here, restorable (and, once
	// restored, uploaded again: the restore came last).
	t := now.UTC()
	n.TrashedAt = &t
	n.SyncState, n.RemoteVersion, n.KeepLocal, n.KeptSince = library.LocalOnly, 0, false, 0
	return library.SyncChange{Item: &n}, true
}
