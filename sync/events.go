package sync

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Op is what the engine does to one recording.
type Op string

// The operations.
const (
	OpUpload   Op = "upload"
	OpDownload Op = "download"
	OpDelete   Op = "delete"
	OpRename   Op = "rename"
	// OpRemote is a change learnt from the server and applied here: a new
	// cloud-only entry, a rename, a deletion (the recording went to the trash).
	OpRemote Op = "remote"
)

// EventKind says what an Event reports.
type EventKind int

// The kinds of Event.
const (
	ItemStarted   EventKind = iota // an operation on ID began; Total is its size in bytes, if any
	ItemProgress                   // Done of Total bytes moved
	ItemDone                       // the operation finished and is recorded in the library
	ItemFailed                     // the operation failed with Err; the recording shows Error or waits for a retry
	StatusChanged                  // Status changed; read it from Event.Status
)

// Event is one report from the engine. Observers get them on the engine's
// goroutines and must return quickly (copy, hand over, return).
type Event struct {
	Kind  EventKind
	Op    Op
	ID    string
	Title string
	Done  int64
	Total int64
	// Pass is where all transfers of the pass stand, on the ItemStarted,
	// ItemProgress, ItemDone and ItemFailed events of uploads and downloads.
	Pass   Progress
	Err    error
	Status Status // set on StatusChanged
}

// Progress is where a pass's transfers stand as a whole: what a progress
// line like rclone's shows (bytes done of total, speed, time left, files,
// the current file).
type Progress struct {
	// BytesDone of BytesTotal: the pass's uploads and downloads, counting
	// what resumed transfers held already.
	BytesDone, BytesTotal int64
	// BytesMoved were sent or received by this pass itself; speed and time
	// left come from these, not from bytes moved by an earlier run.
	BytesMoved int64
	// Started is when the pass's first transfer began; zero before.
	Started time.Time
	// FilesDone of FilesTotal transfers have ended (failed ones included).
	FilesDone, FilesTotal int
	// Current is the title of the file that moved last; "" before any.
	Current string
}

// Speed is the pass's bytes per second so far (0 before any moved).
func (p Progress) Speed(now time.Time) float64 {
	d := now.Sub(p.Started).Seconds()
	if p.Started.IsZero() || d <= 0 {
		return 0
	}
	return float64(p.BytesMoved) / d
}

// ETA is the time left at that speed; 0 when it cannot be told yet.
func (p Progress) ETA(now time.Time) time.Duration {
	v := p.Speed(now)
	left := p.BytesTotal - p.BytesDone
	if v <= 0 || left <= 0 {
		return 0
	}
	return time.Duration(float64(left) / v * float64(time.Second))
}

// State is the engine's overall condition, for a status line.
type State string

// The engine's states.
const (
	StateIdle      State = "idle"       // nothing running; see LastSync and Failed
	StateSyncing   State = "syncing"    // a pass is running
	StateOffline   State = "offline"    // the server cannot be reached; retried as soon as it answers
	StateWaiting   State = "waiting"    // the server is busy or failing (429/5xx): retry at NextRetry
	StateSignedOut State = "signed_out" // the session ended: log in again
)

// Transfer is one upload or download in progress.
type Transfer struct {
	ID    string
	Title string
	Op    Op
	Done  int64
	Total int64
}

// Status is a snapshot of the engine for a GUI or a status line.
type Status struct {
	State     State
	Waiting   int        // recordings with something left to do (upload, download, delete, rename)
	Failed    int        // recordings whose last attempt failed (their SyncError says why)
	Transfers []Transfer // running now, by id
	// Progress covers the transfers of the current (or last) pass.
	Progress
	LastSync  time.Time // when a pass last finished with the server reachable
	NextRetry time.Time // when the engine tries again (offline or waiting)
	Err       error     // why offline, waiting or signed out
}

// String says the status in a few words: "offline, 3 waiting".
func (s Status) String() string {
	waiting := ""
	if s.Waiting > 0 {
		waiting = fmt.Sprintf(", %d waiting", s.Waiting)
	}
	failed := ""
	if s.Failed > 0 {
		failed = fmt.Sprintf(", %d failed", s.Failed)
	}
	switch s.State {
	case StateOffline:
		return "offline" + waiting + failed
	case StateWaiting:
		return "server busy, retrying" + waiting + failed
	case StateSignedOut:
		return "signed out: run earshot login" + waiting
	case StateSyncing:
		if s.BytesTotal > 0 {
			return fmt.Sprintf("syncing %d%%", s.BytesDone*100/s.BytesTotal) + waiting + failed
		}
		return "syncing" + waiting + failed
	}
	if s.Waiting == 0 && s.Failed == 0 {
		return "in sync"
	}
	return strings.TrimPrefix(waiting+failed, ", ")
}

func (s Status) clone() Status {
	s.Transfers = append([]Transfer(nil), s.Transfers...)
	return s
}

func sortedTransfers(m map[string]*Transfer) []Transfer {
	out := make([]Transfer, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
