package library

import (
	"context"
	"fmt"
	"time"
)

// TitleChange is a title a recording no longer has: replaced by ReplacedBy
// at At, for Reason (a rename on this device that lost to another device's
// rename, by server version). Nothing a user typed is dropped silently.
type TitleChange struct {
	Title      string
	ReplacedBy string
	At         time.Time
	Reason     string
}

// TitleHistory lists a recording's replaced titles, oldest first.
func (x *SyncIndex) TitleHistory(ctx context.Context, id string) ([]TitleChange, error) {
	rows, err := x.l.db.QueryContext(ctx, `SELECT title, replaced_by, at, reason FROM sync_title_history
		WHERE id = ? ORDER BY at, rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("read title history of %s: %w", id, err)
	}
	defer rows.Close()
	var out []TitleChange
	for rows.Next() {
		var h TitleChange
		var at int64
		if err := rows.Scan(&h.Title, &h.ReplacedBy, &at, &h.Reason); err != nil {
			return nil, fmt.Errorf("read title history of %s: %w", id, err)
		}
		h.At = time.UnixMilli(at).UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// RestoreTitle gives a recording back the n-th title of its history (from
// 1, as TitleHistory lists them) and returns it. It is a rename like any
// other: the next sync sends it, and the current title joins the history
// only if that rename loses again.
func (x *SyncIndex) RestoreTitle(ctx context.Context, id string, n int) (string, error) {
	hist, err := x.TitleHistory(ctx, id)
	if err != nil {
		return "", err
	}
	if n < 1 || n > len(hist) {
		return "", fmt.Errorf("restore title of %s: %w", id, &HistoryRangeError{N: n, Len: len(hist)})
	}
	title := hist[n-1].Title
	if err := x.l.Rename(ctx, id, title); err != nil {
		return "", err
	}
	return title, nil
}

// HistoryRangeError: a title history has no entry N.
type HistoryRangeError struct{ N, Len int }

func (e *HistoryRangeError) Error() string {
	if e.Len == 0 {
		return "it has no earlier titles"
	}
	return fmt.Sprintf("there is no title %d: the history has %d (earshot history ID lists them)", e.N, e.Len)
}
