package library

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/earshot/earshot/api"
)

// SetTags replaces a recording's tags (normalised by api.NormalizeTag; the
// first bad one refuses them all and changes nothing). Version is bumped
// only when the set really changes, so the sync engine sends it up once.
func (l *Library) SetTags(ctx context.Context, id string, tags []string) error {
	want, err := api.NormalizeTags(tags)
	if err != nil {
		return fmt.Errorf("tag %s: %w", id, err)
	}
	return l.editTags(ctx, id, func([]string) []string { return want })
}

// EditTags adds and removes tags on a recording in one change: what is in
// both lists ends up removed. Adding a tag it has, or removing one it lacks,
// changes nothing. A bad tag refuses the whole edit.
func (l *Library) EditTags(ctx context.Context, id string, add, remove []string) error {
	add, err := api.NormalizeTags(add)
	if err == nil {
		remove, err = normalizeEach(remove)
	}
	if err != nil {
		return fmt.Errorf("tag %s: %w", id, err)
	}
	return l.editTags(ctx, id, func(have []string) []string {
		out := slices.Clone(have)
		for _, t := range add {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
		return slices.DeleteFunc(out, func(t string) bool { return slices.Contains(remove, t) })
	})
}

// normalizeEach normalises tags without the count limit: removing more tags
// than a recording can carry is fine.
func normalizeEach(tags []string) ([]string, error) {
	out := make([]string, 0, len(tags))
	for _, s := range tags {
		t, err := api.NormalizeTag(s)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// editTags reads the tags, lets change decide the new set, and writes it in
// the same transaction, so two processes tagging at once both count.
func (l *Library) editTags(ctx context.Context, id string, change func(have []string) []string) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		r, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		want := slices.Clone(change(r.Tags))
		slices.Sort(want)
		want = slices.Compact(want)
		if slices.Equal(want, r.Tags) || (len(want) == 0 && len(r.Tags) == 0) {
			return nil
		}
		if len(want) > api.MaxTags {
			return &api.MetaError{What: "a recording", Reason: fmt.Sprintf("can carry at most %d tags", api.MaxTags), Fix: "remove some first"}
		}
		if err := writeTags(ctx, tx, id, want); err != nil {
			return err
		}
		return l.bumpVersion(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("tag %s: %w", id, err)
	}
	return nil
}

// writeTags replaces the tag rows of one recording.
func writeTags(ctx context.Context, tx *sql.Tx, id string, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recording_tags WHERE recording_id = ?`, id); err != nil {
		return err
	}
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recording_tags (recording_id, tag) VALUES (?, ?)`, id, t); err != nil {
			return err
		}
	}
	return nil
}

// bumpVersion marks a metadata change of id: a new Version for the sync
// engine to send, and a change for subscribers.
func (l *Library) bumpVersion(ctx context.Context, tx *sql.Tx, id string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET version = version + 1 WHERE id = ?`, id); err != nil {
		return err
	}
	return logChange(ctx, tx, id, Updated, l.now())
}

// SetFavorite marks or unmarks a recording as a favourite. Setting what it
// already is changes nothing.
func (l *Library) SetFavorite(ctx context.Context, id string, fav bool) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recordings SET favorite = ?, version = version + 1
			WHERE id = ? AND deleted_at IS NULL AND favorite != ?`, fav, id, fav)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			_, err := get(ctx, tx, id) // unknown id, or already so
			return err
		}
		return logChange(ctx, tx, id, Updated, l.now())
	})
	if err != nil {
		return fmt.Errorf("mark %s as favourite: %w", id, err)
	}
	return nil
}

// TagCount is one tag and how many recordings outside the trash carry it.
type TagCount struct {
	Tag   string
	Count int
}

// TagCounts lists every tag in use outside the trash, by name.
func (l *Library) TagCounts(ctx context.Context) ([]TagCount, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT t.tag, COUNT(*) FROM recording_tags t
		JOIN recordings r ON r.id = t.recording_id
		WHERE r.trashed_at IS NULL AND r.deleted_at IS NULL
		GROUP BY t.tag ORDER BY t.tag`)
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	defer rows.Close()
	var out []TagCount
	for rows.Next() {
		var c TagCount
		if err := rows.Scan(&c.Tag, &c.Count); err != nil {
			return nil, fmt.Errorf("list tags: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	return out, nil
}

// RenameTag renames a tag on every recording that carries it (trash
// included) and returns how many changed. Renaming onto a tag a recording
// already has merges the two. Each recording changed gets a new Version.
func (l *Library) RenameTag(ctx context.Context, from, to string) (int, error) {
	old, err := api.NormalizeTag(from)
	if err == nil {
		to, err = api.NormalizeTag(to)
	}
	if err != nil {
		return 0, fmt.Errorf("rename tag: %w", err)
	}
	var n int
	err = l.write(ctx, func(tx *sql.Tx) error {
		ids, err := idsWithTag(ctx, tx, old)
		if err != nil || old == to {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM recording_tags WHERE recording_id = ? AND tag = ?`, id, old); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO recording_tags (recording_id, tag) VALUES (?, ?)`, id, to); err != nil {
				return err
			}
			if err := l.bumpVersion(ctx, tx, id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("rename tag %s: %w", old, err)
	}
	return n, nil
}

func idsWithTag(ctx context.Context, tx *sql.Tx, tag string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT t.recording_id FROM recording_tags t
		JOIN recordings r ON r.id = t.recording_id WHERE t.tag = ? AND r.deleted_at IS NULL`, tag)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// filterTag is the stored form of a tag typed into a filter; one that could
// never be stored matches nothing rather than failing the list.
func filterTag(s string) string {
	if t, err := api.NormalizeTag(s); err == nil {
		return t
	}
	return "\x00" + strings.ToLower(s)
}
