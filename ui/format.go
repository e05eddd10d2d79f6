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

// size formats a byte count for people: 532 B, 14.2 KB, 3.1 MB, 1.2 GB.
func size(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"KB", "MB", "GB"} {
		f /= unit
		if f < unit {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return fmt.Sprintf("%.1f TB", f/unit)
}

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

// badge is the short sync-state word shown on a row; p is the transfer's
// progress when one is running.
func badge(r library.Recording, p Progress) string {
	pct := ""
	if p.Total > 0 && p.Done < p.Total {
		pct = fmt.Sprintf(" %d %%", p.Done*100/p.Total)
		// Progress can arrive before the list has reloaded the new state.
		if r.SyncState != library.Uploading && r.SyncState != library.Downloading {
			if r.HasAudio {
				return "Uploading" + pct
			}
			return "Downloading" + pct
		}
	}
	switch r.SyncState {
	case library.LocalOnly, "":
		return "Local only"
	case library.Queued:
		return "Queued"
	case library.Uploading:
		return "Uploading" + pct
	case library.Synced:
		return "Synced"
	case library.CloudOnly:
		return "Cloud only"
	case library.Downloading:
		return "Downloading" + pct
	case library.PendingDelete:
		return "Deleting"
	case library.Error:
		return "Error"
	}
	return string(r.SyncState)
}

// subtitle is a row's second line: date, length, size; for a recording
// whose sync failed, the reason instead of the size (the details show it whole).
func subtitle(r library.Recording, now time.Time) string {
	s := when(r.CreatedAt, now) + " · " + clock(r.Duration)
	if r.SyncState == library.Error && r.SyncError != "" {
		s += " · " + r.SyncError
	} else {
		s += " · " + size(r.Size)
	}
	if r.Recovered {
		s += " · recovered"
	}
	return s
}
