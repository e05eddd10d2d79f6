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
