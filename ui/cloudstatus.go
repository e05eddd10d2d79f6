package ui

import (
	"fmt"
	"time"

	"github.com/earshot/earshot/sync"
)

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
	// State is the engine's ("" signed out); NextRetry is when it tries
	// again while offline or waiting on a busy server.
	State     sync.State
	NextRetry time.Time
}

// stateLine says in a few words what sync is doing, the same on the
// Account tab and under the list: one line, from one status.
func stateLine(s CloudStatus) string {
	switch {
	case !s.SignedIn:
		return "Signed out"
	case s.State == sync.StateOffline:
		return "Offline" + waitingText(s.Waiting)
	case s.State == sync.StateWaiting:
		when := ""
		if !s.NextRetry.IsZero() {
			when = " at " + s.NextRetry.Local().Format("15:04:05")
		}
		return "Server busy — retrying" + when + waitingText(s.Waiting)
	case s.Uploads+s.Downloads > 0 && s.Total > 0:
		verb := "Syncing"
		if s.Downloads == 0 {
			verb = "Uploading"
		} else if s.Uploads == 0 {
			verb = "Downloading"
		}
		return fmt.Sprintf("%s %d %% of %s", verb, min(s.Done*100/s.Total, 100), size(s.Total))
	case s.Syncing:
		return "Syncing…"
	case s.Failed > 0:
		return plural(s.Failed, "recording", "recordings") + " failed — select one to see why"
	case s.Waiting > 0:
		return plural(s.Waiting, "change", "changes") + " waiting"
	}
	return "Up to date"
}

// waitingText is " — 3 changes waiting", or "" for none.
func waitingText(n int) string {
	if n == 0 {
		return ""
	}
	return " — " + plural(n, "change", "changes") + " waiting"
}

// plural says "1 change", "3 changes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%s %s", thousands(n), many)
}

// Progress is one transfer's advance, or (zero) a change of CloudStatus.
type Progress struct {
	ID          string
	Done, Total int64
}
