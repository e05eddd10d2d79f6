package server

import (
	"slices"

	"github.com/earshot/earshot/api"
)

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
