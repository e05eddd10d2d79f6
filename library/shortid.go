package library

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ShortIDLen is the length of a recording's short id.
const ShortIDLen = 8

// idLen is the length of a full id (a UUID in its 8-4-4-4-12 form).
const idLen = 36

// ShortID is the form of id that people read and type: its last ShortIDLen
// hex digits. The start of a UUIDv7 is its creation time (recordings of one
// day share their first 8 digits), its end is random: 32 bits, so two
// recordings among 5,000 share a short id about once in 300 libraries, and
// Resolve then lists both.
func ShortID(id string) string {
	if len(id) < ShortIDLen {
		return id
	}
	return id[len(id)-ShortIDLen:]
}

// ErrAmbiguous is matched (errors.Is) by an *AmbiguousError.
var ErrAmbiguous = errors.New("ambiguous id")

// AmbiguousError is Resolve's answer when what was typed names several
// recordings. Candidates (at most ten) say which, so the user can pick.
type AmbiguousError struct {
	Typed      string
	Candidates []Recording
	More       bool // more matched than Candidates holds
}

func (e *AmbiguousError) Error() string {
	var names []string
	for _, r := range e.Candidates {
		names = append(names, fmt.Sprintf("%s %q", r.ID, r.Title))
	}
	more := ""
	if e.More {
		more = ", …"
	}
	return fmt.Sprintf("%s matches %d recordings (%s%s); type more of the id", e.Typed, len(e.Candidates), strings.Join(names, ", "), more)
}

// Is makes errors.Is(err, ErrAmbiguous) true.
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// Resolve turns what a user typed into a recording's full id: the id, its
// short id (its end, as `earshot list` shows it), or a unique start or end
// of either (at least 4 characters). Tombstones never match. Several matches
// give an *AmbiguousError; none a *NotFoundError.
func (l *Library) Resolve(ctx context.Context, typed string) (string, error) {
	typed = strings.ToLower(strings.TrimSpace(typed))
	if len(typed) < 4 || strings.Trim(typed, "0123456789abcdef-") != "" {
		if typed == "" {
			typed = `""`
		}
		return "", &NotFoundError{ID: typed}
	}
	const limit = 10
	rows, err := l.db.QueryContext(ctx, `SELECT `+readColumns+` FROM recordings
		WHERE deleted_at IS NULL AND ((id >= ? AND id < ?) OR substr(id, -?) = ? OR substr(id, ?, ?) = ?)
		ORDER BY id = ? DESC, created_at DESC, id DESC LIMIT ?`,
		typed, typed+"\xff", len(typed), typed, idLen-ShortIDLen+1, len(typed), typed, typed, limit+1)
	if err != nil {
		return "", fmt.Errorf("find recording %s: %w", typed, err)
	}
	defer rows.Close()
	var found []Recording
	for rows.Next() {
		r, err := scanRecording(rows)
		if err != nil {
			return "", fmt.Errorf("find recording %s: %w", typed, err)
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("find recording %s: %w", typed, err)
	}
	switch {
	case len(found) == 0:
		return "", &NotFoundError{ID: typed}
	case len(found) == 1 || found[0].ID == typed:
		return found[0].ID, nil
	}
	return "", &AmbiguousError{Typed: typed, Candidates: found[:min(len(found), limit)], More: len(found) > limit}
}
