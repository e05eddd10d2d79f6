package library

// transcriptMigrations are the transcript tables, versioned on their own
// track (table transcript_schema_migrations) so they never interleave with
// the library's or the sync engine's steps. Append only.
//
// The full-text index is kept in step by triggers, whatever writes the
// segments or titles, and rows follow their recording out: a purge or a
// tombstone removes the transcript and cancels its job.
var transcriptMigrations = []string{
	// 1: transcripts, segments, words, their index, jobs, settings.
	`CREATE TABLE transcripts (
		id             TEXT PRIMARY KEY NOT NULL,  -- the recording's id
		engine         TEXT NOT NULL DEFAULT '',
		model          TEXT NOT NULL DEFAULT '',
		engine_version TEXT NOT NULL DEFAULT '',
		language       TEXT NOT NULL DEFAULT '',
		created_at     INTEGER NOT NULL DEFAULT 0, -- Unix ms, when the engine made it
		updated_at     INTEGER NOT NULL DEFAULT 0, -- Unix ms, last local or remote change
		local_version  INTEGER NOT NULL DEFAULT 0, -- bumped by every local save or edit
		dirty          INTEGER NOT NULL DEFAULT 0, -- 1: a local change the server has not got
		remote_version INTEGER NOT NULL DEFAULT 0  -- the server's version last seen; 0 = never pushed
	);
	CREATE INDEX transcripts_dirty ON transcripts (id) WHERE dirty = 1;
	CREATE TABLE transcript_segments (
		sid      INTEGER PRIMARY KEY,  -- stable rowid: the full-text index refers to it
		id       TEXT NOT NULL,        -- the recording's id
		idx      INTEGER NOT NULL,     -- 0, 1, ... in time order
		start_ms INTEGER NOT NULL,
		end_ms   INTEGER NOT NULL,
		text     TEXT NOT NULL,
		edited   INTEGER NOT NULL DEFAULT 0,
		UNIQUE (id, idx)
	);
	CREATE TABLE transcript_words (
		sid      INTEGER NOT NULL,
		idx      INTEGER NOT NULL,
		start_ms INTEGER NOT NULL,
		end_ms   INTEGER NOT NULL,
		text     TEXT NOT NULL,
		conf     REAL NOT NULL DEFAULT 0,
		PRIMARY KEY (sid, idx)
	) WITHOUT ROWID;
	CREATE VIRTUAL TABLE transcript_fts USING fts5(text,
		content='transcript_segments', content_rowid='sid',
		tokenize='porter unicode61 remove_diacritics 2', prefix='2 3');
	CREATE TRIGGER transcript_segments_ai AFTER INSERT ON transcript_segments BEGIN
		INSERT INTO transcript_fts (rowid, text) VALUES (NEW.sid, NEW.text);
	END;
	CREATE TRIGGER transcript_segments_ad AFTER DELETE ON transcript_segments BEGIN
		INSERT INTO transcript_fts (transcript_fts, rowid, text) VALUES ('delete', OLD.sid, OLD.text);
		DELETE FROM transcript_words WHERE sid = OLD.sid;
	END;
	CREATE TRIGGER transcript_segments_au AFTER UPDATE OF text ON transcript_segments BEGIN
		INSERT INTO transcript_fts (transcript_fts, rowid, text) VALUES ('delete', OLD.sid, OLD.text);
		INSERT INTO transcript_fts (rowid, text) VALUES (NEW.sid, NEW.text);
	END;
	CREATE VIRTUAL TABLE title_fts USING fts5(rec UNINDEXED, title,
		tokenize='porter unicode61 remove_diacritics 2', prefix='2 3');
	INSERT INTO title_fts (rec, title) SELECT id, title FROM recordings WHERE deleted_at IS NULL;
	CREATE TRIGGER title_fts_ai AFTER INSERT ON recordings WHEN NEW.deleted_at IS NULL BEGIN
		INSERT INTO title_fts (rec, title) VALUES (NEW.id, NEW.title);
	END;
	CREATE TRIGGER title_fts_au AFTER UPDATE OF title ON recordings WHEN NEW.deleted_at IS NULL BEGIN
		DELETE FROM title_fts WHERE rec = OLD.id;
		INSERT INTO title_fts (rec, title) VALUES (NEW.id, NEW.title);
	END;

	CREATE TABLE transcript_jobs (
		id        TEXT PRIMARY KEY NOT NULL, -- the recording's id
		state     TEXT NOT NULL,             -- queued | running | failed
		redo      INTEGER NOT NULL DEFAULT 0,-- replace an existing transcript
		discard   INTEGER NOT NULL DEFAULT 0,-- ... and the user's edits in it (asked for)
		progress  REAL NOT NULL DEFAULT 0,   -- 0..1
		error     TEXT NOT NULL DEFAULT '',  -- the reason, when failed
		queued_at INTEGER NOT NULL,          -- Unix ms; oldest first
		asked_at  INTEGER NOT NULL DEFAULT 0,-- Unix ms of "Transcribe now": before the automatic ones
		engine    TEXT NOT NULL DEFAULT '',  -- what made the partial segments
		model     TEXT NOT NULL DEFAULT '',
		engine_version TEXT NOT NULL DEFAULT '',
		language  TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE transcript_partial (            -- finished segments of a running job
		id   TEXT NOT NULL,
		idx  INTEGER NOT NULL,
		body TEXT NOT NULL,                      -- api.Segment as JSON
		PRIMARY KEY (id, idx)
	) WITHOUT ROWID;
	CREATE TABLE transcript_settings (
		key   TEXT PRIMARY KEY NOT NULL,
		value TEXT NOT NULL
	);
	CREATE TRIGGER transcript_job_new AFTER INSERT ON recordings
		WHEN NEW.has_audio = 1 AND NEW.deleted_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM transcript_settings WHERE key = 'auto' AND value = '0')
			AND NOT EXISTS (SELECT 1 FROM transcripts WHERE id = NEW.id)
	BEGIN
		INSERT OR IGNORE INTO transcript_jobs (id, state, queued_at) VALUES (NEW.id, 'queued', NEW.created_at);
	END;
	CREATE TRIGGER transcript_job_downloaded AFTER UPDATE OF has_audio ON recordings
		WHEN OLD.has_audio = 0 AND NEW.has_audio = 1 AND NEW.deleted_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM transcript_settings WHERE key = 'auto' AND value = '0')
			AND NOT EXISTS (SELECT 1 FROM transcripts WHERE id = NEW.id)
	BEGIN
		INSERT OR IGNORE INTO transcript_jobs (id, state, queued_at) VALUES (NEW.id, 'queued', NEW.created_at);
	END;
	CREATE TRIGGER transcript_gone_deleted AFTER DELETE ON recordings BEGIN
		DELETE FROM transcript_segments WHERE id = OLD.id;
		DELETE FROM transcripts WHERE id = OLD.id;
		DELETE FROM transcript_jobs WHERE id = OLD.id;
		DELETE FROM transcript_partial WHERE id = OLD.id;
		DELETE FROM title_fts WHERE rec = OLD.id;
	END;
	CREATE TRIGGER transcript_gone_tombstone AFTER UPDATE OF deleted_at ON recordings
		WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL
	BEGIN
		DELETE FROM transcript_segments WHERE id = OLD.id;
		DELETE FROM transcripts WHERE id = OLD.id;
		DELETE FROM transcript_jobs WHERE id = OLD.id;
		DELETE FROM transcript_partial WHERE id = OLD.id;
		DELETE FROM title_fts WHERE rec = OLD.id;
	END;`,
	// 2: prefix indexes for every prefix a person types before the word
	// set narrows (2 to 6 letters): without one, a prefix query expands to
	// every term that starts with it, for each hit's snippet.
	`DROP TABLE transcript_fts;
	CREATE VIRTUAL TABLE transcript_fts USING fts5(text,
		content='transcript_segments', content_rowid='sid',
		tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4 5 6');
	INSERT INTO transcript_fts (transcript_fts) VALUES ('rebuild');
	DROP TABLE title_fts;
	CREATE VIRTUAL TABLE title_fts USING fts5(rec UNINDEXED, title,
		tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4 5 6');
	INSERT INTO title_fts (rec, title) SELECT id, title FROM recordings WHERE deleted_at IS NULL;`,
}

// transcriptTrack is the transcript tables; Open migrates it after the
// library's own track (the triggers refer to recordings).
var transcriptTrack = track{name: "the library's transcript tables", table: "transcript_schema_migrations", steps: transcriptMigrations}
