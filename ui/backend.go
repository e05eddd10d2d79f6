package ui

import (
	"context"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/library"
)

// The window talks to the engine only through the small interfaces below, so
// that no malgo or HTTP call can happen on the Fyne goroutine by accident:
// every method may block, and the window calls them from goroutines of its
// own. engine.go adapts the real audio/device, library and sync packages.

// Backend is everything the window drives. Cloud may be nil (no sync built in).
type Backend struct {
	Library  Library
	Recorder Recorder
	Media    Media
	Cloud    Cloud
}

// Filter narrows the library list by where the audio is.
type Filter int

// The filters of the library list.
const (
	FilterAll       Filter = iota
	FilterLocal            // audio on this device
	FilterCloudOnly        // only in the cloud; downloads on demand
)

// Query selects recordings for the list; results come newest first.
type Query struct {
	Search  string // case-insensitive substring of the title; "" for all
	Filter  Filter
	Trashed bool // the trash instead of the library
}

// Library is the recordings index.
type Library interface {
	// List returns the recordings that match q, newest first.
	List(ctx context.Context, q Query) ([]library.Recording, error)
	Rename(ctx context.Context, id, title string) error
	// Trash moves a recording to the trash; Restore takes it back out.
	Trash(ctx context.Context, id string) error
	Restore(ctx context.Context, id string) error
	// Import copies an audio file into the library.
	Import(ctx context.Context, path string) (library.Recording, error)
	// Export writes the recording's audio to the file dst, converted to the
	// format dst's extension names.
	Export(ctx context.Context, id, dst string) error
	// Changes signals (coalesced) whenever the index changes. It is closed
	// once ctx has ended and the subscription is released.
	Changes(ctx context.Context) <-chan struct{}
	// Recovered lists the recordings repaired after a crash when the library opened.
	Recovered() []library.Recording
	// AudioPath is where a recording's audio lives on disk ("" if cloud-only).
	AudioPath(r library.Recording) string
}

// Device is an input device the user can pick.
type Device struct {
	ID, Name string
	Default  bool
}

// RecordOptions say what to record.
type RecordOptions struct {
	Title    string
	DeviceID string // "" for the system default
	Format   audio.Format
}

// Recorder starts recordings (library.BeginRecording + device.StartRecording).
type Recorder interface {
	Devices(ctx context.Context) ([]Device, error)
	Start(ctx context.Context, o RecordOptions) (Session, error)
}

// Session is one recording in progress.
type Session interface {
	Pause() error
	Resume() error
	// Elapsed is the recorded length so far (pauses excluded).
	Elapsed() time.Duration
	// Dropped counts samples lost because the writer fell behind; the window
	// warns as soon as it grows.
	Dropped() int64
	// Levels delivers meter readings, about every 20-50 ms; readings the
	// window does not take in time are dropped, never queued.
	Levels() <-chan audio.Level
	// Stop finalises the file and commits it to the library.
	Stop(ctx context.Context) (library.Recording, error)
	// Done is closed when the session ends by itself (device lost, disk full);
	// Err says why.
	Done() <-chan struct{}
	Err() error
}

// Media reads audio for the details pane.
type Media interface {
	// Overview returns n amplitudes (0..1) across the whole file.
	Overview(ctx context.Context, path string, n int) ([]float32, error)
	OpenPlayer(ctx context.Context, path string) (Player, error)
}

// Player plays one file.
type Player interface {
	Play() error
	Pause() error
	Seek(d time.Duration) error
	Position() time.Duration
	Duration() time.Duration
	Playing() bool
	Close() error
}

// DeleteScope is where a delete applies.
type DeleteScope int

// The three answers of the delete dialog.
const (
	DeleteHere       DeleteScope = iota // this device: keeps the cloud copy
	DeleteCloud                         // the cloud: keeps this device's copy
	DeleteEverywhere                    // both; the recording goes to the trash
)

// CloudStatus is the account and sync state shown in the window.
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

// Progress is one transfer's advance.
type Progress struct {
	ID          string
	Done, Total int64
}

// Cloud is the account and the sync engine.
type Cloud interface {
	// Resume picks up the login kept from an earlier run, if any, and starts
	// syncing; the window calls it once, at the start. Syncing stops when
	// ctx ends.
	Resume(ctx context.Context) error
	// Status is a snapshot; unlike the other methods it must not block
	// (the delete dialog asks it on the Fyne goroutine).
	Status() CloudStatus
	// Events delivers transfer progress and a zero Progress whenever Status
	// changed, until ctx ends. Slow readers miss events, never block the engine.
	Events(ctx context.Context) <-chan Progress
	SignUp(ctx context.Context, server, email, password string) error
	LogIn(ctx context.Context, server, email, password string) error
	LogOut(ctx context.Context) error
	SyncNow(ctx context.Context) error
	// Download fetches a cloud-only recording's audio.
	Download(ctx context.Context, id string) error
	Delete(ctx context.Context, id string, scope DeleteScope) error
	SetAutoDownload(ctx context.Context, on bool) error
}
