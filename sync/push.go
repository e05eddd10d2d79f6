package sync

import (
	"context"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// pushRename sends a local rename with the server version it was based on.
// If the server's title changed meanwhile (a rename on another device got
// there first), the server's version wins: the local title goes to the
// title history and the server's becomes the title here.
func (e *Engine) pushRename(ctx context.Context, it library.SyncItem) (result, error) {
	res := result{op: OpRename}
	base := it.RemoteVersion
	for tries := 0; ; tries++ {
		rec, err := e.c.PutMeta(ctx, it.ID, metaOf(it), base)
		switch {
		case err == nil:
			return res, e.renamed(ctx, it, rec)
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
		if cur.Title == it.RemoteTitle && cur.Version > base && tries < 3 {
			base = cur.Version // only something else changed: our rename stands
			continue
		}
		res.conflict = true
		return res, e.lostRename(ctx, it, cur)
	}
}

// renamed records an accepted rename.
func (e *Engine) renamed(ctx context.Context, it library.SyncItem, rec api.Recording) error {
	_, err := e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil {
			return library.SyncChange{}, nil
		}
		n := *cur
		n.RemoteVersion, n.RemoteTitle = max(rec.Version, n.RemoteVersion), rec.Title
		if cur.Version == it.Version {
			n.PushedVersion = it.Version
		}
		clearError(&n)
		return library.SyncChange{Item: &n}, nil
	})
	return err
}

// lostRename adopts the server's title after a conflict and keeps ours in
// the history.
func (e *Engine) lostRename(ctx context.Context, it library.SyncItem, rec api.Recording) error {
	_, err := e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil || cur.Tombstone() {
			return library.SyncChange{}, nil
		}
		n := *cur
		var ch library.SyncChange
		if n.Title != rec.Title {
			ch.History = []library.TitleChange{{Title: n.Title, ReplacedBy: rec.Title, At: time.Now(), Reason: reasonLostRename}}
			n.Title = rec.Title
			n.Version++
		}
		n.PushedVersion, n.RemoteVersion, n.RemoteTitle = n.Version, rec.Version, rec.Title
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
	n.SyncError, n.ResumeState, n.Attempts, n.NextAttempt = "", "", 0, time.Time{}
}

// pushDelete passes a deletion on to the server (which keeps a tombstone so
// other devices learn of it), then settles the local entry: a tombstone
// goes for good, a recording in the trash stays there (restorable) as
// local-only, one deleted from the cloud only stays here as local-only, a
// cloud-only entry goes.
func (e *Engine) pushDelete(ctx context.Context, it library.SyncItem) (result, error) {
	res := result{op: OpDelete}
	if err := e.c.Delete(ctx, it.ID); err != nil && KindOf(err) != KindNotFound {
		return res, err
	}
	_, err := e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
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
		n.SyncState, n.RemoteVersion, n.RemoteTitle = library.LocalOnly, 0, ""
		return library.SyncChange{Item: &n}, nil
	})
	return res, err
}
