package library

import (
	"time"

	"github.com/earshot/earshot/audio"
)

// SyncState is where a recording stands between this device and the cloud.
// The words are the ones `earshot list --json` prints in sync_state.
type SyncState string

// Sync states; see docs/ARCHITECTURE.md for the transitions.
const (
	LocalOnly     SyncState = "local_only"
	Queued        SyncState = "queued"
	Uploading     SyncState = "uploading"
	Synced        SyncState = "synced"
	CloudOnly     SyncState = "cloud_only"
	Downloading   SyncState = "downloading"
	PendingDelete SyncState = "pending_delete"
	Failed        SyncState = "error" // a transfer or request failed; SyncError says why
)

// Recording is one entry of the library index.
type Recording struct {
	ID         string // UUIDv7, from api.NewID
	Title      string
	CreatedAt  time.Time
	Duration   time.Duration
	Format     audio.Format
	SampleRate int
	Channels   int
	Size       int64  // bytes of the finished file
	SHA256     string // lowercase hex of the finished file
	Recovered  bool   // repaired after a crash or kill
	Favorite   bool
	Tags       []string // api.NormalizeTag's form, sorted; nil when none

	// Version increases with every local metadata change (rename, tags,
	// favourite, bookmarks).
	Version int64
	// HasAudio is false for cloud-only entries whose audio is not on disk.
	HasAudio bool
	// TrashedAt is set while the recording is in the trash.
	TrashedAt *time.Time
	// DeletedAt is set on a tombstone: a recording purged on this device
	// (perhaps offline) whose deletion the sync engine has yet to pass on.
	// List and Get never return tombstones.
	DeletedAt *time.Time

	SyncState     SyncState
	SyncError     string // the reason, when SyncState is Error
	RemoteVersion int64  // the server's version last seen; 0 = never uploaded
}
