package ui

import (
	"fmt"
	"time"

	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
)

// clock formats a length by the rule the CLI shares (human.Length):
// tenths below a second, else rounded to the nearest second.
func clock(d time.Duration) string { return human.Length(d) }

// size formats a byte count by the rule the CLI shares (human.Size).
func size(n int64) string { return human.Size(n) }

// when formats a creation time in the local zone: the time of day for today,
// the date otherwise.
func when(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return "Today " + t.Format("15:04")
	}
	if t.Year() == now.Year() {
		return t.Format("2 Jan 15:04")
	}
	return t.Format("2 Jan 2006")
}

// transfer is what a recording's row, its details and the transfer bar
// show of where it stands: all three come from transferOf, so they never
// disagree.
type transfer struct {
	label    string  // the badge: "Synced", "Uploading 42 %"
	running  bool    // an upload or download is moving: the bar shows
	fraction float64 // of the running transfer, 0..1
}

// transferOf says where r stands. p is the latest progress heard for it;
// it counts only while it fits r's state (an upload's for a recording on
// its way up, a download's for one on its way down), so an event that
// arrives late never paints a finished or failed recording as moving.
// Signed out, nothing syncs: the label says what is on this device.
func transferOf(r library.Recording, p Progress, signedIn bool) transfer {
	if !signedIn {
		if r.HasAudio {
			return transfer{label: "Local copy"}
		}
		return transfer{label: "Cloud copy — sign in to sync"}
	}
	up := r.HasAudio && (r.SyncState == library.Uploading || r.SyncState == library.Queued || r.SyncState == library.LocalOnly)
	down := !r.HasAudio && (r.SyncState == library.Downloading || r.SyncState == library.CloudOnly)
	if p.Total > 0 && p.Done < p.Total && (up || down) {
		f := float64(p.Done) / float64(p.Total)
		verb := "Uploading"
		if down {
			verb = "Downloading"
		}
		return transfer{label: fmt.Sprintf("%s %d %%", verb, p.Done*100/p.Total), running: true, fraction: f}
	}
	t := transfer{label: stateWords(r.SyncState)}
	if r.SyncState == library.Uploading || r.SyncState == library.Downloading {
		t.running = true // started, no bytes confirmed yet
	}
	return t
}

// stateWords names a sync state for a row.
func stateWords(s library.SyncState) string {
	switch s {
	case library.LocalOnly, "":
		return "Local only"
	case library.Queued:
		return "Queued"
	case library.Uploading:
		return "Uploading"
	case library.Synced:
		return "Synced"
	case library.CloudOnly:
		return "Cloud only"
	case library.Downloading:
		return "Downloading"
	case library.PendingDelete:
		return "Deleting"
	case library.Failed:
		return "Error"
	}
	return string(s)
}

// subtitle is a row's second line: date, length, size; for a recording
// whose sync failed, the reason instead of the size (the details show it whole).
func subtitle(r library.Recording, now time.Time) string {
	s := when(r.CreatedAt, now) + " · " + clock(r.Duration)
	if r.SyncState == library.Failed && r.SyncError != "" {
		s += " · " + r.SyncError
	} else {
		s += " · " + size(r.Size)
	}
	if r.Recovered {
		s += " · recovered"
	}
	return s
}
