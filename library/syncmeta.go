package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/earshot/earshot/api"
)

// MetaSet is a recording's synced metadata beside its title: tags,
// favourite and bookmarks, compared and merged as one.
type MetaSet struct {
	Tags      []string       `json:"tags"`      // sorted, NormalizeTag's form
	Favorite  bool           `json:"favorite"`  //
	Bookmarks []api.Bookmark `json:"bookmarks"` // api.SortBookmarks order
}

// Equal reports whether two sets hold the same metadata (nil and empty
// lists alike, bookmark times to the millisecond).
func (m MetaSet) Equal(o MetaSet) bool {
	return m.Favorite == o.Favorite && slices.Equal(m.Tags, o.Tags) &&
		slices.EqualFunc(m.Bookmarks, o.Bookmarks, SameBookmark)
}

// SameBookmark reports whether two bookmarks are the same in every field.
func SameBookmark(a, b api.Bookmark) bool {
	return a.ID == b.ID && a.AtMS == b.AtMS && a.Name == b.Name && a.CreatedAt.UnixMilli() == b.CreatedAt.UnixMilli()
}

// Meta is the item's current metadata set.
func (it SyncItem) Meta() MetaSet {
	return MetaSet{Tags: it.Tags, Favorite: it.Favorite, Bookmarks: it.Bookmarks}
}

// bookmarksJSON selects a recording's bookmarks as one JSON array, for the
// sync engine's reads (List and Get leave them out: they cost a lookup).
const bookmarksJSON = `(SELECT json_group_array(json_object('id', b.id, 'at_ms', b.at_ms, 'name', b.name,
	'created_ms', b.created_at)) FROM (SELECT * FROM bookmarks WHERE recording_id = recordings.id ORDER BY at_ms, id) b)`

type storedMark struct {
	ID        string `json:"id"`
	AtMS      int64  `json:"at_ms"`
	Name      string `json:"name"`
	CreatedMS int64  `json:"created_ms"`
}

func decodeBookmarks(s string) ([]api.Bookmark, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var ms []storedMark
	if err := json.Unmarshal([]byte(s), &ms); err != nil {
		return nil, err
	}
	out := make([]api.Bookmark, len(ms))
	for i, m := range ms {
		out[i] = api.Bookmark{ID: m.ID, AtMS: m.AtMS, Name: m.Name, CreatedAt: time.UnixMilli(m.CreatedMS).UTC()}
	}
	return out, nil
}

// encodeBase and decodeBase keep SyncItem.Base in sync_items.remote_meta
// ("" when unknown).
func encodeBase(m *MetaSet) string {
	if m == nil {
		return ""
	}
	n := normalized(*m)
	b, _ := json.Marshal(n) // plain data: cannot fail
	return string(b)
}

func decodeBase(s string) *MetaSet {
	if s == "" {
		return nil
	}
	var m MetaSet
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil // unreadable: treated as unknown, so a merge keeps both sides
	}
	return &m
}

// normalized is m with empty lists as nil and times in UTC milliseconds, so
// equal sets encode alike.
func normalized(m MetaSet) MetaSet {
	n := MetaSet{Favorite: m.Favorite}
	if len(m.Tags) > 0 {
		n.Tags = slices.Clone(m.Tags)
	}
	for _, b := range m.Bookmarks {
		b.CreatedAt = time.UnixMilli(b.CreatedAt.UnixMilli()).UTC()
		n.Bookmarks = append(n.Bookmarks, b)
	}
	return n
}

// writeMeta replaces a recording's tags, favourite flag and bookmarks.
func writeMeta(ctx context.Context, tx *sql.Tx, id string, m MetaSet) error {
	if err := writeTags(ctx, tx, id, m.Tags); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET favorite = ? WHERE id = ?`, m.Favorite, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM bookmarks WHERE recording_id = ?`, id); err != nil {
		return err
	}
	for _, b := range m.Bookmarks {
		if err := insertBookmark(ctx, tx, id, b); err != nil {
			return err
		}
	}
	return nil
}

// TranscriptsBehind lists the recordings whose transcript the server holds
// in a newer version than this device, and which have no local change
// waiting to go up (those are merged when pushed): the ones to fetch.
func (x *SyncIndex) TranscriptsBehind(ctx context.Context) ([]string, error) {
	rows, err := x.l.db.QueryContext(ctx, `SELECT s.id FROM sync_items s
		JOIN recordings r ON r.id = s.id LEFT JOIN transcripts t ON t.id = s.id
		WHERE s.remote_transcript > COALESCE(t.remote_version, 0) AND COALESCE(t.dirty, 0) = 0
			AND r.deleted_at IS NULL ORDER BY r.created_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("list transcripts to fetch: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list transcripts to fetch: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
