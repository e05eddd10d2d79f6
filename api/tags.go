package api

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on the metadata a recording carries; the server refuses more.
const (
	MaxTagLen          = 40   // characters in one tag
	MaxTags            = 32   // tags on one recording
	MaxBookmarkNameLen = 200  // characters in a bookmark's name
	MaxBookmarks       = 1000 // bookmarks on one recording
)

// MetaError says why a tag or a bookmark name was refused, in one line a
// person can act on.
type MetaError struct {
	What   string // e.g. `the tag "wo\ak"`
	Reason string // e.g. "has a control character"
	Fix    string // what to do instead
}

func (e *MetaError) Error() string { return e.What + " " + e.Reason + "; " + e.Fix }

// NormalizeTag returns the stored form of a tag as a person typed it:
// trimmed, a leading '#' dropped, runs of spaces made one, lower case (tags
// match whatever the case they were typed in, on every device). It refuses an
// empty tag, control characters, commas, a leading '+' or '-' (the command
// line's add and remove) and tags longer than MaxTagLen.
func NormalizeTag(s string) (string, error) {
	what := fmt.Sprintf("the tag %q", s)
	if !utf8.ValidString(s) || strings.IndexFunc(strings.TrimSpace(s), isControl) >= 0 {
		return "", &MetaError{What: what, Reason: "has a control character", Fix: "use letters, digits, spaces, '-' or '_'"}
	}
	t := strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimSpace(s), "#")), " ")
	t = strings.ToLower(t)
	switch {
	case t == "":
		return "", &MetaError{What: "a tag", Reason: "is empty", Fix: "give a word such as work"}
	case strings.ContainsRune(t, ','):
		return "", &MetaError{What: what, Reason: "has a comma", Fix: "give tags one at a time"}
	case t[0] == '+' || t[0] == '-':
		return "", &MetaError{What: what, Reason: "starts with '" + t[:1] + "'", Fix: "start it with a letter or digit"}
	case utf8.RuneCountInString(t) > MaxTagLen:
		return "", &MetaError{What: what, Reason: fmt.Sprintf("is longer than %d characters", MaxTagLen), Fix: "shorten it"}
	}
	return t, nil
}

// NormalizeTags normalises every tag, drops repeats and sorts them; the first
// bad tag refuses them all. More than MaxTags is refused too.
func NormalizeTags(tags []string) ([]string, error) {
	seen := make(map[string]bool, len(tags))
	out := make([]string, 0, len(tags))
	for _, s := range tags {
		t, err := NormalizeTag(s)
		if err != nil {
			return nil, err
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		return nil, &MetaError{What: "a recording", Reason: fmt.Sprintf("can carry at most %d tags", MaxTags), Fix: "remove some first"}
	}
	slices.Sort(out)
	return out, nil
}

// NormalizeBookmarkName returns a bookmark's name trimmed; an empty name is
// allowed (the bookmark shows its time). Control characters, line breaks
// included, and names longer than MaxBookmarkNameLen are refused.
func NormalizeBookmarkName(s string) (string, error) {
	n := strings.TrimSpace(s)
	what := fmt.Sprintf("the bookmark name %q", s)
	switch {
	case !utf8.ValidString(n) || strings.IndexFunc(n, isControl) >= 0:
		return "", &MetaError{What: what, Reason: "has a control character", Fix: "give it on one line, in plain text"}
	case utf8.RuneCountInString(n) > MaxBookmarkNameLen:
		return "", &MetaError{What: what, Reason: fmt.Sprintf("is longer than %d characters", MaxBookmarkNameLen), Fix: "shorten it"}
	}
	return n, nil
}

// isControl is true for C0/C1 controls and for the invisible format
// characters (bidi overrides, zero-width) that would make one tag look like
// another.
func isControl(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029'
}

// CheckBookmarks checks a recording's bookmarks as they travel and returns
// them in stored form: ids UUIDv7 and unique, moments inside the recording
// (0..durationMS), names as NormalizeBookmarkName leaves them, at most
// MaxBookmarks, sorted by moment then id.
func CheckBookmarks(marks []Bookmark, durationMS int64) ([]Bookmark, error) {
	if len(marks) > MaxBookmarks {
		return nil, &MetaError{What: "a recording", Reason: fmt.Sprintf("can hold at most %d bookmarks", MaxBookmarks), Fix: "remove some first"}
	}
	out := make([]Bookmark, 0, len(marks))
	seen := make(map[string]bool, len(marks))
	for _, b := range marks {
		name, err := NormalizeBookmarkName(b.Name)
		if err != nil {
			return nil, err
		}
		what := fmt.Sprintf("the bookmark %q", b.ID)
		switch {
		case !ValidID(b.ID):
			return nil, &MetaError{What: what, Reason: "has no valid id", Fix: "give each bookmark a UUIDv7"}
		case seen[b.ID]:
			return nil, &MetaError{What: what, Reason: "is listed twice", Fix: "send each bookmark once"}
		case b.AtMS < 0 || b.AtMS > durationMS:
			return nil, &MetaError{What: what, Reason: fmt.Sprintf("is at %d ms, outside the recording (0 to %d ms)", b.AtMS, durationMS), Fix: "move it inside"}
		}
		seen[b.ID] = true
		b.Name = name
		b.CreatedAt = b.CreatedAt.UTC().Truncate(time.Millisecond)
		out = append(out, b)
	}
	SortBookmarks(out)
	return out, nil
}

// SortBookmarks orders bookmarks by moment, then id (so by creation).
func SortBookmarks(marks []Bookmark) {
	slices.SortFunc(marks, func(a, b Bookmark) int {
		if c := cmp.Compare(a.AtMS, b.AtMS); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
