package sync

import (
	"context"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// pushRename sends local metadata changes (title, tags, favourite,
// bookmarks) with the server version they were based on. If the server's
// version moved on meanwhile, the two sides merge: the server's title wins
// if it changed there (ours goes to the title history), tags, favourite
// and bookmarks merge by mergeMeta, and the merge goes up against the
// server's version, so nothing either device did is lost.
func (e *Engine) pushRename(ctx context.Context, it library.SyncItem) (result, error) {
	res := result{op: OpRename}
	base := it.RemoteVersion
	body := metaOf(it)
	for tries := 0; ; tries++ {
		rec, err := e.c.PutMeta(ctx, it.ID, body, base)
		switch {
		case err == nil:
			return res, e.settle(ctx, it, rec)
		case KindOf(err) == KindNotFound:
			res.needPull = true // deleted in the cloud: the pull says so
			return res, nil
		case KindOf(err) != KindConflict:
			return res, err
		}
		cur, cerr := e.currentOf(ctx, it.ID, err)
		if cerr != nil {
			if KindOf(cerr) == KindNotFound {
				res.needPull = true
				return res, nil
			}
			return res, cerr
		}
		if cur.Deleted {
			res.needPull = true
			return res, nil
		}
		if cur.Title != it.RemoteTitle && cur.Title != it.Title {
			body.Title = cur.Title // renamed there too: the server's version wins
			res.conflict = it.Title != it.RemoteTitle
		}
		merged := mergeMeta(it.Base, it.Meta(), remoteMeta(cur))
		body = withMeta(body, merged)
		switch {
		case body.Title == cur.Title && merged.Equal(remoteMeta(cur)):
			return res, e.settle(ctx, it, cur) // the server holds it all already
		case tries >= 3:
			res.needPull = true // it keeps moving: learn it, merge again next pass
			return res, nil
		}
		base = cur.Version
	}
}

// settle records what the server holds after a push of it: its title and
// metadata become this device's, unless the user changed them again while
// the push was on its way (then those changes merge in and go out next).
// A title of ours that lost to the server's goes to the title history.
func (e *Engine) settle(ctx context.Context, it library.SyncItem, rec api.Recording) error {
	_, err := e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil || cur.Tombstone() {
			return library.SyncChange{}, nil
		}
		if rec.Version < cur.RemoteVersion {
			return library.SyncChange{}, nil // a pull learnt a newer version meanwhile
		}
		n := *cur
		var ch library.SyncChange
		remember(&n, rec)
		want := remoteMeta(rec)
		if cur.Version != it.Version {
			sent := it.Meta()
			want = mergeMeta(&sent, cur.Meta(), want)
		}
		if !want.Equal(cur.Meta()) {
			ch.Meta = &want
		}
		if cur.Title == it.Title && rec.Title != cur.Title {
			if it.Title != it.RemoteTitle {
				ch.History = []library.TitleChange{{Title: cur.Title, ReplacedBy: rec.Title, At: time.Now(), Reason: reasonLostRename}}
			}
			n.Title = rec.Title
		}
		if cur.Version == it.Version {
			n.PushedVersion = n.Version
		}
		clearError(&n)
		ch.Item = &n
		return ch, nil
	})
	return err
}

// clearError puts a recording that had failed back in its resumed state.
func clearError(n *library.SyncItem) {
	if n.SyncState == library.Failed {
		n.SyncState = effectiveState(*n)
	}
	n.SyncError, n.ResumeState, n.Attempts, n.NextAttempt, n.NeedsUser = "", "", 0, time.Time{}, false
}

// pushDelete passes a deletion on to the server (which keeps a tombstone,
// with the scope, so other devices learn of it), then settles the local
// entry: a tombstone goes for good, a recording in the trash stays there
// (restorable) as local-only, one deleted from the cloud only stays here as
// local-only, a cloud-only entry goes.
func (e *Engine) pushDelete(ctx context.Context, it library.SyncItem) (result, error) {
	res := result{op: OpDelete}
	tomb, err := e.c.DeleteTombstone(ctx, it.ID, deleteScope(it))
	if err != nil && KindOf(err) != KindNotFound {
		return res, err
	}
	_, err = e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil {
			return library.SyncChange{}, nil
		}
		if cur.Tombstone() || !cur.HasAudio {
			return library.SyncChange{Purge: true}, nil
		}
		n := *cur
		clearError(&n)
		// A recording restored from the trash while the deletion was on
		// its way is uploaded again: the restore came last.
		n.SyncState, n.RemoteVersion, n.RemoteTitle, n.Base = library.LocalOnly, 0, "", nil
		if n.KeepLocal && tomb.Deleted {
			// Kept through this tombstone (even one that said "everywhere"
			// before this removal reached the server: the later choice,
			// made here, stands); only a later one deletes it here.
			n.KeptSince = tomb.Version
		}
		return library.SyncChange{Item: &n}, nil
	})
	return res, err
}

// deleteScope is what a pending deletion means for other devices: a
// recording removed from the cloud only (kept local here, not in the trash)
// stays on theirs too; anything trashed or purged is deleted everywhere.
func deleteScope(it library.SyncItem) string {
	if it.KeepLocal && !it.Trashed() && !it.Tombstone() {
		return api.ScopeCloud
	}
	return api.ScopeEverywhere
}
