package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/human"
)

// ErrNoBookmark is returned (wrapped) for a bookmark that does not exist.
var ErrNoBookmark = errors.New("no such bookmark")

// AddBookmark marks the moment at of a recording, optionally named. The
// recording may still be recording (a Pending's ID): its bookmarks are
// durable at once and belong to the recording when it is committed or
// recovered. A moment past the end of a finished recording, or before its
// start, is refused.
func (l *Library) AddBookmark(ctx context.Context, recordingID string, at time.Duration, name string) (api.Bookmark, error) {
	name, err := api.NormalizeBookmarkName(name)
	if err != nil {
		return api.Bookmark{}, fmt.Errorf("bookmark %s: %w", recordingID, err)
	}
	b := api.Bookmark{ID: api.NewID(), AtMS: at.Milliseconds(), Name: name, CreatedAt: l.now().UTC().Truncate(time.Millisecond)}
	err = l.write(ctx, func(tx *sql.Tx) error {
		committed, err := l.checkMoment(ctx, tx, recordingID, at)
		if err != nil {
			return err
		}
		if err := insertBookmark(ctx, tx, recordingID, b); err != nil {
			return err
		}
		if !committed {
			return nil // no row yet: Commit makes version 1 with it
		}
		return l.bumpVersion(ctx, tx, recordingID)
	})
	if err != nil {
		return api.Bookmark{}, fmt.Errorf("bookmark %s at %s: %w", recordingID, human.Moment(at), err)
	}
	return b, nil
}

// checkMoment says whether recordingID is committed (else it must be in
// progress) and whether at lies inside it and a bookmark still fits.
func (l *Library) checkMoment(ctx context.Context, tx *sql.Tx, recordingID string, at time.Duration) (committed bool, err error) {
	if at < 0 {
		return false, errors.New("a bookmark cannot be before the start; give a time from 0:00")
	}
	r, err := get(ctx, tx, recordingID)
	committed = err == nil
	switch {
	case errors.Is(err, ErrNotFound):
		if !api.ValidID(recordingID) || !fileExists(l.sidecarPath(recordingID)) {
			return false, err
		}
	case err != nil:
		return false, err
	case at > r.Duration:
		return false, fmt.Errorf("that is past the end of the recording (%s); give an earlier time", human.Moment(r.Duration))
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookmarks WHERE recording_id = ?`, recordingID).Scan(&n); err != nil {
		return false, err
	}
	if n >= api.MaxBookmarks {
		return false, fmt.Errorf("a recording can hold at most %d bookmarks; remove some first", api.MaxBookmarks)
	}
	return committed, nil
}

func insertBookmark(ctx context.Context, tx *sql.Tx, recordingID string, b api.Bookmark) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO bookmarks (id, recording_id, at_ms, name, created_at) VALUES (?, ?, ?, ?, ?)`,
		b.ID, recordingID, b.AtMS, b.Name, b.CreatedAt.UnixMilli())
	return err
}

// Bookmarks lists a recording's bookmarks by time (ties by id, so by when
// they were made).
func (l *Library) Bookmarks(ctx context.Context, recordingID string) ([]api.Bookmark, error) {
	out, err := bookmarksOf(ctx, l.db, recordingID)
	if err != nil {
		return nil, fmt.Errorf("read bookmarks of %s: %w", recordingID, err)
	}
	return out, nil
}

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func bookmarksOf(ctx context.Context, q rowsQuerier, recordingID string) ([]api.Bookmark, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at_ms, name, created_at FROM bookmarks
		WHERE recording_id = ? ORDER BY at_ms, id`, recordingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []api.Bookmark
	for rows.Next() {
		var b api.Bookmark
		var created int64
		if err := rows.Scan(&b.ID, &b.AtMS, &b.Name, &created); err != nil {
			return nil, err
		}
		b.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// RenameBookmark names (or, with "", unnames) a bookmark.
func (l *Library) RenameBookmark(ctx context.Context, bookmarkID, name string) error {
	name, err := api.NormalizeBookmarkName(name)
	if err != nil {
		return fmt.Errorf("rename bookmark: %w", err)
	}
	err = l.editBookmark(ctx, bookmarkID, `UPDATE bookmarks SET name = ? WHERE id = ? AND name != ?`, name, bookmarkID, name)
	if err != nil {
		return fmt.Errorf("rename bookmark %s: %w", bookmarkID, err)
	}
	return nil
}

// RemoveBookmark deletes a bookmark. The sync engine remembers the removal
// through the last synced set, so another device's copy does not bring it
// back.
func (l *Library) RemoveBookmark(ctx context.Context, bookmarkID string) error {
	if err := l.editBookmark(ctx, bookmarkID, `DELETE FROM bookmarks WHERE id = ?`, bookmarkID); err != nil {
		return fmt.Errorf("remove bookmark %s: %w", bookmarkID, err)
	}
	return nil
}

// editBookmark runs one statement on a bookmark and, when it changed a
// committed recording's bookmark, bumps that recording's version.
func (l *Library) editBookmark(ctx context.Context, bookmarkID, query string, args ...any) error {
	return l.write(ctx, func(tx *sql.Tx) error {
		var recordingID string
		err := tx.QueryRowContext(ctx, `SELECT recording_id FROM bookmarks WHERE id = ?`, bookmarkID).Scan(&recordingID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoBookmark
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if _, err := get(ctx, tx, recordingID); errors.Is(err, ErrNotFound) {
			return nil // still recording
		}
		return l.bumpVersion(ctx, tx, recordingID)
	})
}

// FindBookmark finds one of a recording's bookmarks as a person names it:
// its number in time order ("2" or "#2", from 1, as `earshot marks`
// prints), its name (any case), or its id or a prefix of it.
func (l *Library) FindBookmark(ctx context.Context, recordingID, ref string) (api.Bookmark, error) {
	marks, err := l.Bookmarks(ctx, recordingID)
	if err != nil {
		return api.Bookmark{}, err
	}
	ref = strings.TrimSpace(ref)
	if n, err := strconv.Atoi(strings.TrimPrefix(ref, "#")); err == nil {
		if n >= 1 && n <= len(marks) {
			return marks[n-1], nil
		}
		return api.Bookmark{}, fmt.Errorf("%w: the recording has %d bookmarks, not #%d", ErrNoBookmark, len(marks), n)
	}
	var found []api.Bookmark
	for _, b := range marks {
		if b.Name != "" && fold(b.Name) == fold(ref) || len(ref) >= 4 && strings.HasPrefix(b.ID, strings.ToLower(ref)) {
			found = append(found, b)
		}
	}
	switch len(found) {
	case 0:
		return api.Bookmark{}, fmt.Errorf("%w: none is called %q; see earshot marks", ErrNoBookmark, ref)
	case 1:
		return found[0], nil
	}
	return api.Bookmark{}, fmt.Errorf("%w: %q names %d bookmarks; give its number from earshot marks", ErrAmbiguous, ref, len(found))
}

// dropPendingBookmarks removes the bookmarks of a recording that was aborted.
func (l *Library) dropPendingBookmarks(ctx context.Context, recordingID string) error {
	_, err := l.db.ExecContext(ctx, `DELETE FROM bookmarks WHERE recording_id = ?
		AND NOT EXISTS (SELECT 1 FROM recordings WHERE id = ?)`, recordingID, recordingID)
	return err
}
