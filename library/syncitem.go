package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/durable"
)

// SyncItem is a recording as the sync engine sees it: the row (in the
// trash, or a tombstone of a purged recording, included) and the engine's
// bookkeeping for it.
type SyncItem struct {
	Recording
	// PushedVersion is the Version whose title the server holds; a larger
	// Version means a rename waits to go up.
	PushedVersion int64
	// RemoteTitle is the server's title at RemoteVersion: a newer server
	// version with the same title is no rename conflict.
	RemoteTitle string
	// KeepLocal: deleted from the cloud on purpose; never uploaded again.
	KeepLocal bool
	// WantAudio: the audio of this cloud-only entry was asked for.
	WantAudio bool
	// ResumeState is the state to go back to when a Failed one is retried.
	ResumeState SyncState
	// Attempts counts failures in a row; NextAttempt is the earliest retry.
	Attempts    int
	NextAttempt time.Time

	// Bookmarks are the recording's bookmarks (Tags and Favorite are in
	// Recording); Meta gathers the three.
	Bookmarks []api.Bookmark
	// Base is the tags, favourite and bookmarks the server held at
	// RemoteVersion, the base of a three-way merge; nil when not known.
	Base *MetaSet
	// RemoteTranscript is the transcript version the server last listed
	// (0: none); TranscriptsBehind compares it with the local one.
	RemoteTranscript int64
	// NeedsUser: the last failure cannot end without the user (a recording
	// too large for the server); no sync tries it again until they act.
	NeedsUser bool
	// KeptSince is the version of the server's tombstone this copy was
	// kept through, local-only, after a removal from the cloud (0: not
	// known): a tombstone of a later version that deletes it everywhere
	// moves it to the trash; that one or an older one does not.
	KeptSince int64
}

// Tombstone reports whether the recording was purged here and only its
// deletion is left to pass on.
func (it SyncItem) Tombstone() bool { return it.DeletedAt != nil }

// Trashed reports whether the recording is in the trash.
func (it SyncItem) Trashed() bool { return it.TrashedAt != nil }

// RenamePending reports whether a local metadata change (title, tags,
// favourite, bookmarks) has not reached the server.
func (it SyncItem) RenamePending() bool { return it.Version != it.PushedVersion }

var syncColumns = readColumns + ", " + exprs(syncCols) + ", " + bookmarksJSON

const syncFrom = ` FROM recordings LEFT JOIN sync_items s USING (id) `

func scanSyncItem(rs rowScanner) (SyncItem, error) {
	var marks sql.NullString
	it, err := scanItem(scanFunc(func(dest ...any) error { return rs.Scan(append(dest, &marks)...) }), syncCols)
	if err != nil {
		return SyncItem{}, err
	}
	if it.Bookmarks, err = decodeBookmarks(marks.String); err != nil {
		return SyncItem{}, err
	}
	return it, nil
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// Item returns one recording's sync view, tombstones and trash included.
func (x *SyncIndex) Item(ctx context.Context, id string) (SyncItem, error) {
	it, err := scanSyncItem(x.l.db.QueryRowContext(ctx, `SELECT `+syncColumns+syncFrom+`WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return SyncItem{}, &NotFoundError{ID: id}
	}
	if err != nil {
		return SyncItem{}, fmt.Errorf("get sync state of %s: %w", id, err)
	}
	return it, nil
}

// Work lists every recording the engine may have something to do for:
// uploads (new, queued, interrupted), renames to push, deletions to pass on
// (pending, trashed or purged while known to the cloud), downloads asked
// for (or every cloud-only entry when autoDownload), and errors. Synced
// recordings with nothing pending are not read, so the cost of a no-op
// sync does not grow with the library.
func (x *SyncIndex) Work(ctx context.Context, autoDownload bool) ([]SyncItem, error) {
	q := `SELECT ` + syncColumns + syncFrom + `WHERE
		(sync_state NOT IN ('synced', 'cloud_only', 'local_only'))
		OR (sync_state = 'local_only' AND trashed_at IS NULL AND deleted_at IS NULL AND COALESCE(s.keep_local, 0) = 0)
		OR (sync_state IN ('synced', 'cloud_only') AND (version != COALESCE(s.pushed_version, 0)
			OR trashed_at IS NOT NULL OR deleted_at IS NOT NULL
			OR (sync_state = 'cloud_only' AND (COALESCE(s.want_audio, 0) = 1 OR ?))))
		ORDER BY created_at, id`
	rows, err := x.l.db.QueryContext(ctx, q, autoDownload)
	if err != nil {
		return nil, fmt.Errorf("read the sync queue: %w", err)
	}
	defer rows.Close()
	var out []SyncItem
	for rows.Next() {
		it, err := scanSyncItem(rows)
		if err != nil {
			return nil, fmt.Errorf("read the sync queue: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the sync queue: %w", err)
	}
	return out, nil
}

// SyncChange is what a SyncFunc decides for one recording.
type SyncChange struct {
	// Item is the new state; nil means no change. When the recording was
	// unknown (cur nil) the row is inserted: a cloud-only entry.
	Item *SyncItem
	// Purge deletes the row for good (no tombstone) and its audio file.
	Purge bool
	// DropAudio deletes the audio file after the commit; Item.HasAudio
	// must then be false.
	DropAudio bool
	// History keeps titles that were replaced, with the reason.
	History []TitleChange
	// Meta, when set, replaces the recording's tags, favourite and
	// bookmarks (Item's Tags, Favorite and Bookmarks are not written).
	Meta *MetaSet
}

// SyncFunc decides the change to one recording given its current state (nil
// when this device does not know the id). It runs inside a transaction and
// may run again if the transaction is retried: no side effects.
type SyncFunc func(id string, cur *SyncItem) (SyncChange, error)

// Update applies fn to each id in one transaction, together with the
// settings given (the sync cursor that the batch brings the device up to),
// so that a crash leaves either all of it or none. Subscribers hear of every
// recording that changed. Audio files dropped or purged go after the commit.
func (x *SyncIndex) Update(ctx context.Context, ids []string, fn SyncFunc, settings map[string]string) error {
	var drop []string
	err := x.l.write(ctx, func(tx *sql.Tx) error {
		drop = drop[:0]
		now := x.l.now()
		for _, id := range ids {
			cur, err := scanSyncItem(tx.QueryRowContext(ctx, `SELECT `+syncColumns+syncFrom+`WHERE id = ?`, id))
			var curp *SyncItem
			switch {
			case err == nil:
				curp = &cur
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			ch, err := fn(id, curp)
			if err != nil {
				return err
			}
			path, err := x.apply(ctx, tx, id, curp, ch, now)
			if err != nil {
				return err
			}
			if path != "" {
				drop = append(drop, path)
			}
		}
		for k, v := range settings {
			if err := setSetting(ctx, tx, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update sync state: %w", err)
	}
	for _, p := range drop {
		removeIfExists(p)
	}
	if len(drop) > 0 {
		durable.SyncDir(x.l.recordingsDir())
	}
	return nil
}

// UpdateOne is Update for a single recording, returning its new state
// (the old one when fn changed nothing; the zero SyncItem when it is gone).
func (x *SyncIndex) UpdateOne(ctx context.Context, id string, fn SyncFunc) (SyncItem, error) {
	if err := x.Update(ctx, []string{id}, fn, nil); err != nil {
		return SyncItem{}, err
	}
	it, err := x.Item(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return SyncItem{}, nil
	}
	return it, err
}

// apply writes one SyncChange and logs it; it returns an audio file to
// remove after the commit, if any.
func (x *SyncIndex) apply(ctx context.Context, tx *sql.Tx, id string, cur *SyncItem, ch SyncChange, now time.Time) (string, error) {
	for _, h := range ch.History {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_title_history (id, title, replaced_by, at, reason) VALUES (?, ?, ?, ?, ?)`,
			id, h.Title, h.ReplacedBy, now.UnixMilli(), h.Reason); err != nil {
			return "", err
		}
	}
	if ch.Purge {
		if cur == nil {
			return "", nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recordings WHERE id = ?`, id); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sync_items WHERE id = ?`, id); err != nil {
			return "", err
		}
		var path string
		if cur.HasAudio {
			path = x.l.audioPath(id, cur.Format)
		}
		return path, logChange(ctx, tx, id, Removed, now)
	}
	it := ch.Item
	if it == nil {
		return "", nil
	}
	it.ID = id
	r := toRow(*it)
	op := Updated
	metaChanged := ch.Meta != nil && (cur == nil || !ch.Meta.Equal(cur.Meta()))
	switch {
	case cur == nil:
		op = Added
		if err := insertRow(ctx, tx, r); err != nil {
			return "", err
		}
	case toRow(*cur) == r && !metaChanged:
		return "", nil
	case toRow(*cur) == r:
		if err := writeMeta(ctx, tx, id, *ch.Meta); err != nil {
			return "", err
		}
		return "", logChange(ctx, tx, id, op, now)
	default:
		if cur.TrashedAt == nil && it.TrashedAt != nil {
			op = Trashed
		} else if cur.TrashedAt != nil && it.TrashedAt == nil {
			op = Restored
		}
		if err := updateRow(ctx, tx, r); err != nil {
			return "", err
		}
	}
	if metaChanged {
		if err := writeMeta(ctx, tx, id, *ch.Meta); err != nil {
			return "", err
		}
	}
	if err := upsertSync(ctx, tx, r); err != nil {
		return "", err
	}
	var path string
	if ch.DropAudio && cur != nil && cur.HasAudio && !it.HasAudio {
		path = x.l.audioPath(id, cur.Format)
	}
	return path, logChange(ctx, tx, id, op, now)
}

// SyncCounts counts the recordings (trash and tombstones excluded) in each
// sync state.
func (x *SyncIndex) SyncCounts(ctx context.Context) (map[SyncState]int, error) {
	rows, err := x.l.db.QueryContext(ctx, `SELECT sync_state, COUNT(*) FROM recordings
		WHERE deleted_at IS NULL AND trashed_at IS NULL GROUP BY sync_state`)
	if err != nil {
		return nil, fmt.Errorf("count sync states: %w", err)
	}
	defer rows.Close()
	out := map[SyncState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count sync states: %w", err)
		}
		out[SyncState(s)] = n
	}
	return out, rows.Err()
}

// ForgetRemote resets the sync state of every recording to what it is
// without an account: for a device signing in to a different account.
// Cloud-only entries go (they belong to the old account); the rest become
// local_only, to be uploaded to the new one; tombstones are dropped.
func (x *SyncIndex) ForgetRemote(ctx context.Context) error {
	return x.l.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM recordings WHERE deleted_at IS NOT NULL OR has_audio = 0`,
			`UPDATE recordings SET sync_state = 'local_only', sync_error = '', remote_version = 0`,
			`DELETE FROM sync_items`,
			`DELETE FROM sync_settings WHERE key LIKE 'cursor %'`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return logChange(ctx, tx, "", Reset, x.l.now())
	})
}

// errPathInUse guards against a download path escaping the library.
var errPathInUse = errors.New("download path outside the library")

func cleanID(id string) error {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return fmt.Errorf("%w: %q", errPathInUse, id)
	}
	return nil
}

// removeQuiet removes path, ignoring errors: for leftovers.
func removeQuiet(path string) { _ = os.Remove(path) }

// Known lists the recordings the cloud had when this device last heard
// (RemoteVersion > 0), trash included, tombstones excluded.
func (x *SyncIndex) Known(ctx context.Context) ([]SyncItem, error) {
	rows, err := x.l.db.QueryContext(ctx, `SELECT `+syncColumns+syncFrom+`WHERE remote_version > 0 AND deleted_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("list recordings known to the cloud: %w", err)
	}
	defer rows.Close()
	var out []SyncItem
	for rows.Next() {
		it, err := scanSyncItem(rows)
		if err != nil {
			return nil, fmt.Errorf("list recordings known to the cloud: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
