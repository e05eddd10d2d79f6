package library

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A full disk must not lock the user out of the commands that free space
// (rm, trash empty, rm --local, logout). SQLite needs room for those: a
// write transaction appends to earshot.db-wal and the first reader of a
// session sizes earshot.db-shm (32 KiB). So the WAL and its index are kept
// between sessions (SQLite deletes them when the last connection closes
// unless told to persist them, and a new session would have to allocate
// them again), and room is set aside in the WAL at every open, beyond its
// end. A transaction that finds the disk full anyway is tried again after
// restartWAL, so that it overwrites the WAL from its start. None of that
// needs free space. (Nothing is set aside past the end of earshot.db: a
// complete checkpoint truncates it to its size, which gives such blocks
// back; a delete does not grow it.)
const walReserve = 1 << 20 // set aside in earshot.db-wal: ~250 pages of transactions

// restartWAL copies the whole WAL into the database (a passive checkpoint:
// it waits for nobody), so that the next transaction writes the WAL again
// from its start, into blocks it holds already, instead of after frames a
// past session left there. It reports whether the copy was complete.
func (l *Library) restartWAL(ctx context.Context) bool {
	var busy, frames, copied int
	err := l.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
	return err == nil && busy == 0 && frames == copied
}

// ErrDiskFull is returned (wrapped) when a write failed for want of space.
var ErrDiskFull = errors.New("the disk is full")

func init() {
	sqlite.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, dsn string) error {
		path, _, _ := strings.Cut(dsn, "?")
		if filepath.Base(path) != dbName {
			return nil // another program's database in the same process (tests)
		}
		fc, ok := c.(sqlite.FileControl)
		if !ok {
			return nil
		}
		_, err := fc.FileControlPersistWAL("main", 1)
		return err
	})
}

// reserveSpace sets blocks aside for the index's next transactions,
// without changing what any reader sees (FALLOC_FL_KEEP_SIZE leaves the
// size and contents as they are). It is best effort: on a full disk, or on
// a file system without fallocate, what was set aside before is all there is.
func reserveSpace(dir string) {
	keep(filepath.Join(dir, dbName+"-wal"), 0, walReserve)
}

// DiskFull reports whether err says a write found no space: the file
// system's ENOSPC or EDQUOT, or SQLite's SQLITE_FULL (and its index that
// could not grow).
func DiskFull(err error) bool {
	if errors.Is(err, ErrDiskFull) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_FULL || se.Code() == sqlite3.SQLITE_IOERR_SHMSIZE
	}
	return false
}
