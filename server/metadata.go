package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/meta"
)

// maxStoredBytes bounds a recording's stored metadata (its JSON), well
// inside DynamoDB's 400 KB item limit with room for the item's keys.
const maxStoredBytes = 350_000

// fitting passes on a decided change unless the recording would be too
// large to store: a recording with many long-named bookmarks could reach
// it, where the per-field limits alone do not prevent it.
func fitting(r *meta.Recording, err error) (*meta.Recording, error) {
	if err != nil || r == nil {
		return r, err
	}
	b, err := json.Marshal(r.Recording)
	if err != nil {
		return nil, err
	}
	if len(b) > maxStoredBytes {
		return nil, errorf(http.StatusRequestEntityTooLarge, api.CodeTooLarge, fmt.Sprintf(
			"this recording's metadata would take %d KB, more than the %d KB it may; remove some bookmarks or shorten their names",
			len(b)/1000, maxStoredBytes/1000))
	}
	return r, nil
}

// checkExtras checks the tags and bookmarks of a PUT and puts them in their
// stored form (normalised, sorted; no list rather than an empty one).
func checkExtras(m *api.RecordingMeta) error {
	tags, err := api.NormalizeTags(m.Tags)
	if err != nil {
		return badRequest(err.Error())
	}
	marks, err := api.CheckBookmarks(m.Bookmarks, m.DurationMS)
	if err != nil {
		return badRequest(err.Error())
	}
	m.Tags, m.Bookmarks = nilIfEmpty(tags), nilIfEmpty(marks)
	return nil
}

// sameExtras reports whether a and b carry the same tags, favourite and
// bookmarks.
func sameExtras(a, b *api.RecordingMeta) bool {
	return a.Favorite == b.Favorite && slices.Equal(a.Tags, b.Tags) && slices.EqualFunc(a.Bookmarks, b.Bookmarks, sameBookmark)
}

func sameBookmark(a, b api.Bookmark) bool {
	return a.ID == b.ID && a.AtMS == b.AtMS && a.Name == b.Name && a.CreatedAt.Equal(b.CreatedAt)
}

// nilIfEmpty stores no list rather than an empty one, so the JSON of a
// recording without tags or bookmarks stays as it was before they existed.
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
