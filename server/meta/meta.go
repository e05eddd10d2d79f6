// Package meta defines where earshot-server keeps its metadata: accounts,
// session tokens, login-failure counters, recordings with their per-user
// change sequence, and the state of uploads in progress. Implementations live
// in sub-packages (sqlite, dynamo) and all pass the one contract suite in
// metatest.
//
// Every recording call is scoped by user id: an implementation looks up one
// user's items by key and never scans across users.
package meta

import (
	"context"
	"errors"
	"time"

	"github.com/earshot/earshot/api"
)

// Errors the stores return, to be matched with errors.Is.
var (
	// ErrNotFound: no such user, token, recording or upload.
	ErrNotFound = errors.New("not found")
	// ErrExists: the email is taken, or the token hash already stored.
	ErrExists = errors.New("already exists")
	// ErrConflict: a conditional write lost to a concurrent one (a refresh
	// token already used, an upload's received count moved on).
	ErrConflict = errors.New("conflicting concurrent change")
)

// Store is the metadata store. Implementations are safe for concurrent use,
// also by several server processes sharing one backing database.
type Store interface {
	Users
	Tokens
	Throttle
	Recordings
	Uploads
	// Close releases the store's resources.
	Close() error
}

// User is an account.
type User struct {
	ID           string
	Email        string // normalised: trimmed, lower case
	PasswordHash string // argon2id, PHC string form
	CreatedAt    time.Time
	UsedBytes    int64 // what Counted counts of the user's recordings, summed
	QuotaBytes   int64 // set by the owner; 0: the server's --quota-bytes
	Disabled     bool  // set by the owner: no sign-in, no refresh
}

// Users stores accounts.
type Users interface {
	// CreateUser adds u; ErrExists when u.Email is taken.
	CreateUser(ctx context.Context, u User) error
	// UserByEmail finds an account by its normalised email; ErrNotFound.
	UserByEmail(ctx context.Context, email string) (User, error)
	// UserByID finds an account by id; ErrNotFound.
	UserByID(ctx context.Context, id string) (User, error)
	// ListUsers returns up to limit accounts (0: all), in no set order;
	// for the owner's commands and the first sign-up: on DynamoDB it
	// scans the table.
	ListUsers(ctx context.Context, limit int) ([]User, error)
	// SetPassword replaces an account's password hash; ErrNotFound.
	SetPassword(ctx context.Context, id, hash string) error
	// SetLimits sets an account's quota (0: the server's) and whether it
	// is disabled; ErrNotFound.
	SetLimits(ctx context.Context, id string, quotaBytes int64, disabled bool) error
}

// Token kinds.
const (
	Access  = "access"
	Refresh = "refresh"
)

// Token is a session token as stored: only the hash of the secret.
type Token struct {
	Hash      string // hex SHA-256 of the secret the client holds
	Kind      string // Access or Refresh
	UserID    string
	FamilyID  string // all tokens from one login share it; revoking it logs that session out
	ExpiresAt time.Time
	// Pair is, on a refresh token, the hash of the access token issued with it.
	Pair string
	// Used is set on a refresh token once it has been exchanged.
	Used bool
}

// Tokens stores session tokens and revoked session families.
type Tokens interface {
	// PutToken stores t; ErrExists if the hash is already stored.
	PutToken(ctx context.Context, t Token) error
	// GetToken returns the token with this hash; ErrNotFound, also once it
	// has expired.
	GetToken(ctx context.Context, hash string) (Token, error)
	// UseToken marks a refresh token used, atomically: ErrConflict if it
	// was used already (a replay), ErrNotFound if it does not exist.
	UseToken(ctx context.Context, hash string) error
	// DeleteToken removes a token; no error if it is absent.
	DeleteToken(ctx context.Context, hash string) error
	// RevokeFamily marks a session family revoked until the given time
	// (the longest lifetime of its tokens).
	RevokeFamily(ctx context.Context, familyID string, until time.Time) error
	// FamilyRevoked reports whether a session family is revoked.
	FamilyRevoked(ctx context.Context, familyID string) (bool, error)
}

// Throttle keeps counters in fixed time windows (sign-in attempts, sign-ups,
// known-good addresses), shared by every server instance so that a limit
// holds behind a load balancer.
type Throttle interface {
	// Count adds delta to key's counter in the window starting at window
	// and returns the new count; the counter may be forgotten after
	// expires. With limit > 0 it is a conditional write, atomic across
	// instances: when the count would go over limit nothing changes and
	// the error is ErrLimited. A negative delta that would take the count
	// below 0 changes nothing and returns 0.
	Count(ctx context.Context, key string, window, expires time.Time, delta, limit int64) (int64, error)
	// Counted returns key's count in the window starting at window.
	Counted(ctx context.Context, key string, window time.Time) (int64, error)
}

// ErrLimited: a conditional Count would have gone over its limit.
var ErrLimited = errors.New("over the limit")

// Recording is a recording as stored: the wire form plus when a tombstone
// may be forgotten.
type Recording struct {
	api.Recording
	// ExpiresAt is set on tombstones: after it the store treats the id as
	// never used (and may delete the item).
	ExpiresAt time.Time
}

// Counted is what a recording in state r counts toward its user's quota
// (UsedBytes): its declared size and its transcript as stored, nothing once
// deleted (nil: no recording).
func Counted(r *Recording) int64 {
	if r == nil || r.Deleted {
		return 0
	}
	return r.SizeBytes + r.TranscriptBytes
}

// UpdateFunc decides a change to one recording. It gets the current
// recording (nil when the id is unused or its tombstone has expired) and the
// user's used bytes, and returns the new state, or nil for no change, or an
// error to abort. The store sets Seq on the result; UsedBytes moves by the
// difference in Counted of the two states. It may be called more than
// once when a concurrent change forces a retry, so it must not have side
// effects.
type UpdateFunc func(cur *Recording, usedBytes int64) (*Recording, error)

// Recordings stores recordings with a per-user change sequence.
type Recordings interface {
	// GetRecording returns one of the user's recordings, tombstones
	// included until they expire; ErrNotFound.
	GetRecording(ctx context.Context, userID, id string) (Recording, error)
	// UpdateRecording applies fn atomically: no other change to the user's
	// recordings interleaves, and the change gets the user's next sequence
	// number. It returns the stored state (the current one when fn returns
	// nil) and fn's error unwrapped.
	UpdateRecording(ctx context.Context, userID, id string, fn UpdateFunc) (Recording, error)
	// ListChanges returns up to limit of the user's recordings whose Seq is
	// greater than since, in Seq order, tombstones included (expired ones
	// excluded). A change committed after a call never gets a Seq at or
	// below one this call returned, so since=last Seq misses nothing.
	ListChanges(ctx context.Context, userID string, since int64, limit int) ([]Recording, error)
	// PurgeExpired deletes tombstones and tokens expired before now, where
	// the backend does not do that itself, and says how many went.
	PurgeExpired(ctx context.Context, now time.Time) (int, error)
}

// Part is one stored part of a chunked upload.
type Part struct {
	Number int    `json:"n"`
	ETag   string `json:"etag"`
	Size   int64  `json:"size"`
	// SHA256 is the part's SHA-256 in lowercase hex, which the blob store
	// verified; empty for parts stored before it was kept.
	SHA256 string `json:"sha256,omitempty"`
}

// Upload is the state of a chunked upload in progress, saved after each
// chunk is stored so that any server instance can continue it.
type Upload struct {
	UserID      string
	RecordingID string
	// BlobUpload is the blob store's id for the upload (S3 UploadId).
	BlobUpload string
	Received   int64
	Parts      []Part
	// HashState is the marshalled SHA-256 state over the Received bytes.
	HashState []byte
	UpdatedAt time.Time
}

// Uploads stores the state of uploads in progress.
type Uploads interface {
	// GetUpload returns the upload in progress for a recording; ErrNotFound.
	GetUpload(ctx context.Context, userID, recordingID string) (Upload, error)
	// PutUpload saves u if the stored upload has prevReceived bytes, or, with
	// prevReceived < 0, if there is none; otherwise ErrConflict.
	PutUpload(ctx context.Context, u Upload, prevReceived int64) error
	// DeleteUpload forgets an upload; no error if absent.
	DeleteUpload(ctx context.Context, userID, recordingID string) error
	// StaleUploads returns up to limit uploads of any user last changed
	// before before, without their parts: for the janitor that collects
	// abandoned uploads (on DynamoDB a scan).
	StaleUploads(ctx context.Context, before time.Time, limit int) ([]Upload, error)
}

// UnixNano is how stores keep a time: nanoseconds since 1970, 0 for the zero
// time (so "never" survives a round trip).
func UnixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// FromUnixNano is UnixNano's inverse, in UTC.
func FromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
