package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/durable"
)

// Rename sets a recording's title and bumps its Version. The audio never
// changes; only metadata has versions.
func (l *Library) Rename(ctx context.Context, id, title string) error {
	title = strings.TrimSpace(title)
	if title == "" {
		return fmt.Errorf("rename %s: the title is empty; give a few words", id)
	}
	if err := api.CheckTitle(title); err != nil {
		return fmt.Errorf("rename %s: %w", id, err)
	}
	err := l.update(ctx, id, Updated, `UPDATE recordings SET title = ?, version = version + 1
		WHERE id = ? AND deleted_at IS NULL`, title, id)
	if err != nil {
		return fmt.Errorf("rename %s: %w", id, err)
	}
	return nil
}

// Trash moves a recording to the trash, where it stays restorable for
// TrashRetention. Trashing a trashed recording changes nothing.
func (l *Library) Trash(ctx context.Context, id string) error {
	err := l.update(ctx, id, Trashed, `UPDATE recordings SET trashed_at = COALESCE(trashed_at, ?)
		WHERE id = ? AND deleted_at IS NULL`, l.now().UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("move %s to the trash: %w", id, err)
	}
	return nil
}

// Restore takes a recording out of the trash. Restoring one that is not in
// the trash changes nothing.
func (l *Library) Restore(ctx context.Context, id string) error {
	err := l.update(ctx, id, Restored, `UPDATE recordings SET trashed_at = NULL
		WHERE id = ? AND deleted_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("restore %s: %w", id, err)
	}
	return nil
}

// update runs one UPDATE of the row id and logs op; no row is ErrNotFound.
func (l *Library) update(ctx context.Context, id string, op Op, query string, args ...any) error {
	return l.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &NotFoundError{ID: id}
		}
		return logChange(ctx, tx, id, op, l.now())
	})
}

// Purge deletes a recording for good, in the trash or not: its audio file and
// its row. A recording the cloud has seen (RemoteVersion > 0) leaves a
// tombstone row (DeletedAt set, no audio) for the sync engine to pass the
// deletion on; List and Get no longer see it.
func (l *Library) Purge(ctx context.Context, id string) error {
	var r Recording
	err := l.write(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = get(ctx, tx, id); err != nil {
			return err
		}
		if r.RemoteVersion > 0 {
			_, err = tx.ExecContext(ctx, `UPDATE recordings SET deleted_at = ?, has_audio = 0 WHERE id = ?`,
				l.now().UnixMilli(), id)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM recordings WHERE id = ?`, id)
		}
		if err != nil {
			return err
		}
		return logChange(ctx, tx, id, Removed, l.now())
	})
	if err != nil {
		return fmt.Errorf("purge %s: %w", id, err)
	}
	// The row goes first: a crash here leaves an unlisted file, never a
	// listed recording without audio.
	if r.HasAudio {
		if err := removeIfExists(l.audioPath(r.ID, r.Format)); err != nil {
			return fmt.Errorf("purge %s: remove audio: %w", id, err)
		}
		durable.SyncDir(l.recordingsDir())
	}
	l.removeAnalysis(r.ID)
	return nil
}

// PurgeExpired purges every recording that has been in the trash longer than
// TrashRetention and returns how many. Open calls it.
func (l *Library) PurgeExpired(ctx context.Context) (int, error) {
	cutoff := l.now().Add(-TrashRetention).UnixMilli()
	rows, err := l.db.QueryContext(ctx, `SELECT id FROM recordings
		WHERE trashed_at IS NOT NULL AND trashed_at <= ? AND deleted_at IS NULL`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("purge expired trash: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("purge expired trash: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("purge expired trash: %w", err)
	}
	n := 0
	for _, id := range ids {
		// Another process may purge the same ones at the same time.
		if err := l.Purge(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			return n, err
		}
		n++
	}
	return n, nil
}

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
