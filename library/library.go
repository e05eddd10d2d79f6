// Package library keeps Earshot's recordings: finished audio files under
// $DATA/recordings, an SQLite index beside them, recordings in progress under
// $DATA/incoming (with crash recovery), a 30-day trash, and change
// notifications.
//
// A Library is safe for concurrent use by many goroutines, and several
// processes (the GUI and a CLI command) may open the same data folder at
// once: SQLite runs in WAL mode with a busy timeout and every write is an
// immediate transaction; recordings in progress are guarded by flock'd lock
// files, so one process never "recovers" another's live recording.
//
// The sync engine extends Library from files named sync*.go in this package;
// it changes rows inside l.write so that each change reaches subscribers.
package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/earshot/earshot/audio"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// TrashRetention is how long a recording stays restorable in the trash.
const TrashRetention = 30 * 24 * time.Hour

// ErrNotFound is returned (wrapped) for an id that names no recording.
var ErrNotFound = errors.New("no such recording")

// ErrNoAudio is returned (wrapped) when a recording's audio is not on this
// device (it is cloud-only).
var ErrNoAudio = errors.New("audio not on this device")

// NotFoundError says which id was not found; it matches ErrNotFound with errors.Is.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string { return "no recording with id " + e.ID }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// Library is an open data folder. Close it when done.
type Library struct {
	dir string
	db  *sql.DB
	now func() time.Time // the clock; tests move it

	recovered    []Recording
	recoveryErrs []error

	notify *notifier
}

// Open opens (creating if needed) the library in dir, migrates its schema,
// recovers recordings whose recorder died (see Recovered), and purges trash
// older than TrashRetention.
func Open(ctx context.Context, dir string) (*Library, error) {
	l, err := open(ctx, dir, time.Now)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// OpenExisting is Open for a library that must already be there: a folder
// without one gives a *NoLibraryError and is left as it was (a read
// command with a mistyped --data-dir creates nothing).
func OpenExisting(ctx context.Context, dir string) (*Library, error) {
	exists, err := checkIndex(dir)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, &NoLibraryError{Dir: dir}
	}
	return open(ctx, dir, time.Now)
}

func open(ctx context.Context, dir string, now func() time.Time) (*Library, error) {
	if _, err := checkIndex(dir); err != nil {
		return nil, err
	}
	return openUnchecked(ctx, dir, now)
}

// openUnchecked opens the library in dir, creating its folders and index as
// needed, whatever recordings/ holds (Reindex fills a new index from it).
func openUnchecked(ctx context.Context, dir string, now func() time.Time) (*Library, error) {
	for _, d := range []string{dir, filepath.Join(dir, "recordings"), filepath.Join(dir, "incoming")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("open library: %w (choose another folder with --data-dir)", err)
		}
	}
	if err := privateFiles(dir); err != nil {
		return nil, err
	}
	// A plain path: the driver strips the query. Every connection gets the
	// busy timeout first, then WAL, full fsync on commit, and immediate
	// transactions (a deferred one that reads then writes can fail with
	// SQLITE_BUSY without waiting when another process writes).
	dsn := filepath.Join(dir, dbName) +
		"?_busy_timeout=15000&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open library %s: %w", dir, err)
	}
	db.SetMaxOpenConns(8)
	l := &Library{dir: dir, db: db, now: now}
	if err := l.start(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open library %s: %w", dir, err)
	}
	return l, nil
}

func (l *Library) start(ctx context.Context) error {
	for _, t := range []track{libraryTrack, transcriptTrack} {
		if err := migrate(ctx, l.db, t); err != nil {
			return err
		}
	}
	reserveSpace(l.dir)
	n, err := newNotifier(ctx, l.db)
	if err != nil {
		return err
	}
	l.notify = n
	if err := l.recover(ctx); err != nil {
		n.close()
		return err
	}
	// On a full disk the purge waits for the next open: failing here would
	// lock the user out of the commands that free space.
	if _, err := l.PurgeExpired(ctx); err != nil && !DiskFull(err) {
		n.close()
		return err
	}
	if err := l.checkAtOpen(ctx); err != nil {
		n.close()
		return err
	}
	return nil
}

// Close stops notifications and closes the index. Recordings in progress
// (Pending) stay locked until committed or aborted.
func (l *Library) Close() error {
	l.notify.close()
	return l.db.Close()
}

// Dir is the data folder.
func (l *Library) Dir() string { return l.dir }

// Recovered lists the recordings that Open found unfinished (their recorder
// was killed or crashed), repaired and added with Recovered set. Front ends
// tell the user about them.
func (l *Library) Recovered() []Recording { return append([]Recording(nil), l.recovered...) }

// RecoveryErrors lists unfinished recordings that Open could not repair; their
// files stay in $DATA/incoming and Open tries again next time.
func (l *Library) RecoveryErrors() []error { return append([]error(nil), l.recoveryErrs...) }

func (l *Library) recordingsDir() string { return filepath.Join(l.dir, "recordings") }
func (l *Library) incomingDir() string   { return filepath.Join(l.dir, "incoming") }

// audioPath is where a finished recording's audio lives.
func (l *Library) audioPath(id string, f audio.Format) string {
	return filepath.Join(l.recordingsDir(), id+f.Ext())
}

// write runs fn in an immediate transaction and, once it has committed, wakes
// subscribers. Use logChange inside fn for every row changed. fn may run
// twice: a transaction that found the disk full is tried once more after
// restartWAL (see fulldisk.go).
func (l *Library) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := l.writeOnce(ctx, fn)
	if DiskFull(err) && l.restartWAL(ctx) {
		err = l.writeOnce(ctx, fn)
	}
	return err
}

func (l *Library) writeOnce(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	l.notify.kick()
	return nil
}
