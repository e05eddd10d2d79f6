package library

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrations are the schema's history: migrations[i] takes the database from
// version i to version i+1. Append only; never edit a released step, because
// databases out there already ran it.
var migrations = []string{
	// 1: the index, its change log (for notifications across processes).
	`CREATE TABLE recordings (
		id             TEXT PRIMARY KEY NOT NULL,
		title          TEXT NOT NULL,
		created_at     INTEGER NOT NULL,            -- Unix milliseconds, UTC
		duration_ms    INTEGER NOT NULL,
		format         TEXT NOT NULL,
		sample_rate    INTEGER NOT NULL,
		channels       INTEGER NOT NULL,
		size_bytes     INTEGER NOT NULL,
		sha256         TEXT NOT NULL,
		recovered      INTEGER NOT NULL DEFAULT 0,
		version        INTEGER NOT NULL DEFAULT 1,  -- bumped by every metadata change
		has_audio      INTEGER NOT NULL DEFAULT 1,  -- 0: cloud-only, or a tombstone
		trashed_at     INTEGER,                     -- Unix ms; set while in the trash
		deleted_at     INTEGER,                     -- Unix ms; tombstone of a purged recording
		sync_state     TEXT NOT NULL DEFAULT 'local_only',
		sync_error     TEXT NOT NULL DEFAULT '',
		remote_version INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX recordings_by_created ON recordings (created_at DESC, id DESC);
	CREATE INDEX recordings_trashed ON recordings (trashed_at) WHERE trashed_at IS NOT NULL;
	CREATE INDEX recordings_tombstones ON recordings (deleted_at) WHERE deleted_at IS NOT NULL;
	CREATE TABLE changes (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id  TEXT NOT NULL,
		op  TEXT NOT NULL,
		at  INTEGER NOT NULL
	);`,
	// 2: tags, favourites and bookmarks (metadata.go, bookmarks.go). They go
	// with their recording when its row goes (purged) or becomes a tombstone.
	`ALTER TABLE recordings ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE recording_tags (
		recording_id TEXT NOT NULL,
		tag          TEXT NOT NULL, -- api.NormalizeTag's form
		PRIMARY KEY (recording_id, tag)
	) WITHOUT ROWID;
	CREATE INDEX recording_tags_by_tag ON recording_tags (tag, recording_id);
	CREATE TABLE bookmarks (
		id           TEXT PRIMARY KEY NOT NULL, -- UUIDv7 of the device that made it
		recording_id TEXT NOT NULL,             -- committed, or still recording (no row yet)
		at_ms        INTEGER NOT NULL,
		name         TEXT NOT NULL DEFAULT '',
		created_at   INTEGER NOT NULL           -- Unix ms
	);
	CREATE INDEX bookmarks_by_recording ON bookmarks (recording_id, at_ms);
	CREATE TRIGGER recording_meta_purged AFTER DELETE ON recordings BEGIN
		DELETE FROM recording_tags WHERE recording_id = OLD.id;
		DELETE FROM bookmarks WHERE recording_id = OLD.id;
	END;
	CREATE TRIGGER recording_meta_tombstoned AFTER UPDATE OF deleted_at ON recordings
		WHEN NEW.deleted_at IS NOT NULL BEGIN
		DELETE FROM recording_tags WHERE recording_id = OLD.id;
		DELETE FROM bookmarks WHERE recording_id = OLD.id;
	END;`,
}

// A track is one versioned series of schema steps with its own table of
// applied versions, so the library's, the sync engine's and the
// transcripts' steps never interleave. Steps are append only.
type track struct {
	name  string // in messages: "the library's tables"
	table string // the applied versions
	steps []string
}

// libraryTrack is the index itself; the other tracks refer to its tables.
var libraryTrack = track{name: "the library", table: "schema_migrations", steps: migrations}

// migrate brings a track up to date in one transaction, so two processes
// opening a library at once cannot both run a step.
func migrate(ctx context.Context, db *sql.DB, t track) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", t.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+t.table+` (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate %s: %w", t.name, err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM `+t.table).Scan(&have); err != nil {
		return fmt.Errorf("migrate %s: %w", t.name, err)
	}
	if have > len(t.steps) {
		return fmt.Errorf("%s was written by a newer Earshot (schema %d; this one knows %d): update Earshot", t.name, have, len(t.steps))
	}
	for v := have + 1; v <= len(t.steps); v++ {
		if _, err := tx.ExecContext(ctx, t.steps[v-1]); err != nil {
			return fmt.Errorf("migrate %s to schema %d: %w", t.name, v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.table+` (version, applied_at) VALUES (?, ?)`,
			v, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("migrate %s to schema %d: %w", t.name, v, err)
		}
	}
	return tx.Commit()
}

// SchemaVersion is the schema version this build of Earshot writes.
func SchemaVersion() int { return len(migrations) }
