package api

import "time"

// Bookmark is a moment in a recording the user marked, while recording or
// while listening. Bookmarks travel in the recording's metadata
// (RecordingMeta.Bookmarks), versioned like the title; two devices that add
// bookmarks at once both keep theirs, because a merge is a union by ID.
type Bookmark struct {
	// ID is a UUIDv7 made by the device that added the bookmark.
	ID        string    `json:"id"`
	AtMS      int64     `json:"at_ms"` // from the recording's first sample
	Name      string    `json:"name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}
