package library

import (
	"context"
	"fmt"
)

// SyncIndex is the sync engine's view of a library: the queue (which lives
// in the index, so it survives restarts and crashes), the engine's own
// bookkeeping tables, and atomic state changes that reach subscribers like
// every other change. Get it with Library.SyncIndex; it is safe for
// concurrent use and shares the library's lifetime.
type SyncIndex struct{ l *Library }

// syncMigrations are the sync engine's tables, versioned on their own track
// (table sync_schema_migrations) so that they never interleave with the
// library's migrations. Append only.
var syncMigrations = []string{
	// 1: per-recording bookkeeping, the title history, settings.
	`CREATE TABLE sync_items (
		id             TEXT PRIMARY KEY NOT NULL,
		pushed_version INTEGER NOT NULL DEFAULT 0, -- the library version whose title the server holds
		remote_title   TEXT NOT NULL DEFAULT '',   -- the server's title at remote_version
		keep_local     INTEGER NOT NULL DEFAULT 0, -- deleted from the cloud on purpose: never upload again
		want_audio     INTEGER NOT NULL DEFAULT 0, -- a download was asked for (earshot pull)
		resume_state   TEXT NOT NULL DEFAULT '',   -- the state an error returns to when retried
		attempts       INTEGER NOT NULL DEFAULT 0, -- failures in a row, for backoff
		next_attempt   INTEGER NOT NULL DEFAULT 0  -- Unix ms; no retry before
	);
	CREATE TABLE sync_title_history (
		id          TEXT NOT NULL,
		title       TEXT NOT NULL,
		replaced_by TEXT NOT NULL,
		at          INTEGER NOT NULL, -- Unix ms
		reason      TEXT NOT NULL
	);
	CREATE INDEX sync_title_history_by_id ON sync_title_history (id, at);
	CREATE TABLE sync_settings (
		key   TEXT PRIMARY KEY NOT NULL,
		value TEXT NOT NULL
	);
	CREATE INDEX recordings_by_sync_state ON recordings (sync_state);`,
	// 2: a recording finished while an account is logged in is queued for
	// upload in the same transaction that adds it, whichever process adds
	// it and whether or not a sync engine runs.
	`CREATE TRIGGER sync_queue_new AFTER INSERT ON recordings
		WHEN NEW.sync_state = 'local_only' AND NEW.has_audio = 1
			AND EXISTS (SELECT 1 FROM sync_settings WHERE key = 'account.active' AND value = '1')
	BEGIN
		UPDATE recordings SET sync_state = 'queued' WHERE id = NEW.id;
	END;`,
	// 3: the tags, favourite and bookmarks the server held at
	// remote_version (JSON of a MetaSet; '' unknown), the base of the
	// three-way merge when both sides changed them.
	`ALTER TABLE sync_items ADD COLUMN remote_meta TEXT NOT NULL DEFAULT '';`,
	// 4: the transcript version the server last said it holds; above the
	// local transcript's remote_version, it is to be fetched.
	`ALTER TABLE sync_items ADD COLUMN remote_transcript INTEGER NOT NULL DEFAULT 0;`,
	// 5: a failure that only the user can end (a recording too large for
	// the server): skipped by every sync until they act.
	`ALTER TABLE sync_items ADD COLUMN needs_user INTEGER NOT NULL DEFAULT 0;`,
	// 6: the version of the server's tombstone a copy kept here after a
	// removal from the cloud was kept through (0: not known); a later
	// "everywhere" tombstone moves it to the trash.
	`ALTER TABLE sync_items ADD COLUMN kept_since INTEGER NOT NULL DEFAULT 0;`,
}

// syncTrack is the sync engine's tables.
var syncTrack = track{name: "the library's sync tables", table: "sync_schema_migrations", steps: syncMigrations}

// SyncIndex brings the sync engine's tables up to date and returns the
// library's SyncIndex.
func (l *Library) SyncIndex(ctx context.Context) (*SyncIndex, error) {
	if err := migrate(ctx, l.db, syncTrack); err != nil {
		return nil, fmt.Errorf("open sync index: %w", err)
	}
	return &SyncIndex{l: l}, nil
}

// Library is the library this index belongs to.
func (x *SyncIndex) Library() *Library { return x.l }
