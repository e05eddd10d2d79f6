package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// columns select the recordings table's own columns in the order of
// recordingCols.
var columns = exprs(recordingCols)

// readColumns are what every read of a recording selects: the table's
// columns, the favourite flag and the tags (joined by US, which a tag never
// contains). The FROM clause must name the table "recordings".
var readColumns = columns + `, recordings.favorite,
	(SELECT group_concat(tag, char(31)) FROM recording_tags WHERE recording_id = recordings.id)`

type rowScanner interface{ Scan(dest ...any) error }

func scanRecording(rs rowScanner) (Recording, error) {
	it, err := scanItem(rs, nil)
	return it.Recording, err
}

// scanItem reads readColumns and then the columns of extra.
func scanItem(rs rowScanner, extra []col) (SyncItem, error) {
	var (
		r    row
		fav  bool
		tags sql.NullString
	)
	dest := append(refs(&r, recordingCols), &fav, &tags)
	if err := rs.Scan(append(dest, refs(&r, extra)...)...); err != nil {
		return SyncItem{}, err
	}
	it := r.item()
	it.Favorite = fav
	if tags.String != "" {
		it.Tags = strings.Split(tags.String, "\x1f")
		slices.Sort(it.Tags)
	}
	return it, nil
}

// Get returns the recording with this id, in the trash or not. An unknown id
// (or a tombstone) gives an error matching ErrNotFound.
func (l *Library) Get(ctx context.Context, id string) (Recording, error) {
	return get(ctx, l.db, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func get(ctx context.Context, q querier, id string) (Recording, error) {
	r, err := scanRecording(q.QueryRowContext(ctx,
		`SELECT `+readColumns+` FROM recordings WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Recording{}, &NotFoundError{ID: id}
	}
	if err != nil {
		return Recording{}, fmt.Errorf("get recording %s: %w", id, err)
	}
	return r, nil
}

// TrashFilter chooses between recordings in and out of the trash.
type TrashFilter int

// Trash filters for ListOptions.
const (
	NotTrashed  TrashFilter = iota // outside the trash (the default)
	WithTrashed                    // both
	OnlyTrashed                    // only the trash
)

// Presence chooses recordings by where their audio is.
type Presence int

// Presence filters for ListOptions.
const (
	AnyPresence Presence = iota // all (the default)
	OnDevice                    // audio on this device
	NotOnDevice                 // cloud-only: known here, audio not downloaded
)

// ListOptions narrows and pages List. The zero value lists everything outside
// the trash, newest first.
type ListOptions struct {
	Query    string // case-insensitive substring of the title; empty matches all
	Trash    TrashFilter
	Presence Presence
	// Tags keeps recordings that carry every one of these tags (in any case,
	// with or without '#'); Favorites keeps the favourites only.
	Tags      []string
	Favorites bool
	Limit     int // 0: no limit
	Offset    int
}

// where builds the WHERE clause shared by List and Count.
func (o ListOptions) where() (string, []any) {
	conds := []string{"deleted_at IS NULL"}
	var args []any
	switch o.Trash {
	case NotTrashed:
		conds = append(conds, "trashed_at IS NULL")
	case OnlyTrashed:
		conds = append(conds, "trashed_at IS NOT NULL")
	}
	switch o.Presence {
	case OnDevice:
		conds = append(conds, "has_audio = 1")
	case NotOnDevice:
		conds = append(conds, "has_audio = 0")
	}
	for _, t := range o.Tags {
		conds = append(conds, `EXISTS (SELECT 1 FROM recording_tags WHERE recording_id = recordings.id AND tag = ?)`)
		args = append(args, filterTag(t))
	}
	if o.Favorites {
		conds = append(conds, "favorite = 1")
	}
	if q := strings.TrimSpace(o.Query); q != "" {
		conds = append(conds, `earshot_fold(title) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(fold(q))+"%")
	}
	return strings.Join(conds, " AND "), args
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// List returns recordings newest first (ties by id), narrowed by opts.
func (l *Library) List(ctx context.Context, opts ListOptions) ([]Recording, error) {
	where, args := opts.where()
	q := `SELECT ` + readColumns + ` FROM recordings WHERE ` + where + ` ORDER BY created_at DESC, id DESC`
	if opts.Limit > 0 || opts.Offset > 0 {
		limit := opts.Limit
		if limit <= 0 {
			limit = -1
		}
		q += ` LIMIT ? OFFSET ?`
		args = append(args, limit, opts.Offset)
	}
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list recordings: %w", err)
	}
	defer rows.Close()
	var out []Recording
	for rows.Next() {
		r, err := scanRecording(rows)
		if err != nil {
			return nil, fmt.Errorf("list recordings: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list recordings: %w", err)
	}
	return out, nil
}

// Count returns how many recordings List would return without Limit and Offset.
func (l *Library) Count(ctx context.Context, opts ListOptions) (int, error) {
	where, args := opts.where()
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM recordings WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recordings: %w", err)
	}
	return n, nil
}

// AudioPath is the file holding r's audio on this device, or "" when r is
// cloud-only or purged. The file is immutable: read it, never write it.
func (l *Library) AudioPath(r Recording) string {
	if !r.HasAudio || r.DeletedAt != nil {
		return ""
	}
	return l.audioPath(r.ID, r.Format)
}
