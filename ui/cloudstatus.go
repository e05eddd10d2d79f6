package ui

import "time"

// CloudStatus is the account and sync state the window shows, built from
// the account and the engine's Status by SyncCloud.Status.
type CloudStatus struct {
	SignedIn     bool
	Email        string
	Server       string
	LastSync     time.Time // zero: never
	Offline      bool
	Waiting      int // recordings with something left to do (upload, download, delete, rename)
	Failed       int // recordings whose last attempt failed
	AutoDownload bool
	LastError    string // the current sync problems, for a person; "" when fine
	// Syncing is true while a pass runs; Uploads and Downloads count the
	// transfers running now, and Done of Total bytes of the pass's
	// transfers have moved.
	Syncing            bool
	Uploads, Downloads int
	Done, Total        int64
}

// Progress is one transfer's advance, or (zero) a change of CloudStatus.
type Progress struct {
	ID          string
	Done, Total int64
}
