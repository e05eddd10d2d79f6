// Package api holds the wire types shared by earshot-server and the desktop
// client's sync engine, so that the two sides of the HTTP API cannot drift.
// The routes themselves are documented in docs/api.md.
package api

import (
	"fmt"
	"time"
)

// Recording is a recording's metadata as the server stores and lists it:
// what the client sent (RecordingMeta, whose fields read as Recording's own,
// in Go and in JSON) and the server's bookkeeping.
type Recording struct {
	ID string `json:"id"`
	RecordingMeta

	// Version increases by one with every metadata change; send it back in
	// If-Match to update.
	Version int64 `json:"version"`
	// Available is true once the content has been uploaded and verified.
	Available bool `json:"available"`
	// Deleted marks a tombstone: the recording was deleted at DeletedAt,
	// in DeleteScope.
	Deleted   bool       `json:"deleted"`
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	// DeleteScope says what a tombstone's deletion meant: ScopeEverywhere
	// (devices move their copies to the trash) or ScopeCloud (only the cloud
	// copy went; devices keep theirs). Empty on older tombstones: everywhere.
	DeleteScope string    `json:"delete_scope,omitempty"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Seq is the user's change sequence number of the last change.
	Seq int64 `json:"seq"`
	// TranscriptVersion is the version of the recording's transcript (0:
	// none), counted apart from Version; a new one moves the recording in
	// the change feed. TranscriptSHA256 is the SHA-256 of its stored form,
	// TranscriptBytes that form's size, which counts toward the account's
	// quota with SizeBytes.
	TranscriptVersion int64  `json:"transcript_version,omitempty"`
	TranscriptSHA256  string `json:"transcript_sha256,omitempty"`
	TranscriptBytes   int64  `json:"transcript_bytes,omitempty"`
}

// RecordingMeta is the body of PUT /v1/recordings/{id}, and the part of a
// Recording its owner writes. A field added here is stored, listed and
// synced with the rest.
type RecordingMeta struct {
	Title      string    `json:"title"`
	CreatedAt  time.Time `json:"created_at"`
	DurationMS int64     `json:"duration_ms"`
	Format     string    `json:"format"`
	SampleRate int       `json:"sample_rate"`
	Channels   int       `json:"channels"`
	SizeBytes  int64     `json:"size_bytes"`
	SHA256     string    `json:"sha256"` // lowercase hex of the finished file

	// Tags (NormalizeTag's form, sorted), Favorite and Bookmarks (by
	// moment, see CheckBookmarks) are versioned with the title: a PUT
	// replaces them all with what it carries.
	Tags      []string   `json:"tags,omitempty"`
	Favorite  bool       `json:"favorite,omitempty"`
	Bookmarks []Bookmark `json:"bookmarks,omitempty"`
}

// ListResponse is the body of GET /v1/recordings. Cursor is passed back as
// since= to get what changed afterwards; More says another page is waiting.
type ListResponse struct {
	Recordings []Recording `json:"recordings"`
	Cursor     string      `json:"cursor"`
	More       bool        `json:"more"`
}

// Credentials is the body of POST /v1/accounts and POST /v1/sessions.
type Credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// Invite is the invite code a sign-up needs on a server with
	// --signup invite (made by its owner: earshot-server invite create).
	Invite string `json:"invite,omitempty"`
}

// PasswordChange is the body of PUT /v1/account/password: the current
// password, or a one-time reset code from the server's owner, and the new
// password.
type PasswordChange struct {
	Email           string `json:"email,omitempty"` // with ResetCode: the account's
	CurrentPassword string `json:"current_password,omitempty"`
	ResetCode       string `json:"reset_code,omitempty"`
	NewPassword     string `json:"new_password"`
}

// Account is the answer to POST /v1/accounts.
type Account struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
}

// Session is the answer to POST /v1/sessions and /v1/sessions/refresh.
type Session struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	ExpiresAt    time.Time `json:"expires_at"`
	UserID       string    `json:"user_id"`
}

// RefreshRequest is the body of POST /v1/sessions/refresh.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// UploadStatus is the answer to GET /v1/recordings/{id}/upload: how many
// bytes of the content the server holds, so a broken upload resumes there.
type UploadStatus struct {
	Received int64 `json:"received"`
	Size     int64 `json:"size"`
	Complete bool  `json:"complete"`
}

// Error is the body of every non-2xx answer.
type Error struct {
	Code    string `json:"error"`   // machine-readable, e.g. "not_found"
	Message string `json:"message"` // one line for a person: what happened, what to do
}

// Error codes used in Error.Code.
const (
	CodeBadRequest     = "bad_request"
	CodeUnauthorized   = "unauthorized"
	CodeNotFound       = "not_found"
	CodeConflict       = "conflict"
	CodePrecondition   = "precondition_failed"
	CodeTooLarge       = "too_large"
	CodeQuota          = "quota_exceeded"
	CodeRateLimited    = "rate_limited"
	CodeChecksum       = "checksum_mismatch"
	CodeInternal       = "internal"
	CodeUnavailable    = "unavailable"
	CodeNotImplemented = "not_implemented"
	// CodeOffsetMismatch: a chunk's Content-Range does not start at the
	// bytes the server holds; GET /v1/recordings/{id}/upload and resume there.
	CodeOffsetMismatch = "offset_mismatch"
	// CodeCursorExpired (410): the since= cursor is older than the tombstone
	// retention, so deletions may have been forgotten; list again without since.
	CodeCursorExpired = "cursor_expired"
	// CodeTimeout (408): the request's body came too slowly or stalled and
	// the server stopped waiting; send it again (a chunked upload resumes).
	CodeTimeout = "timeout"
	// CodeForbidden (403): the server does not allow this (sign-up closed,
	// an invite needed or not valid, an account disabled).
	CodeForbidden = "forbidden"
	// CodeWeakPassword (400): the new password is too easy to guess; the
	// message says why.
	CodeWeakPassword = "weak_password"
)

// StaleError is the body of a 412 answer to PUT or DELETE /v1/recordings/{id}
// with a stale If-Match (or none where one is needed): the error, plus the
// recording's current metadata so the client can merge and retry with
// If-Match: Current.Version.
type StaleError struct {
	Error
	Current Recording `json:"current"`
}

// The scopes of DELETE /v1/recordings/{id}?scope=…, kept on the tombstone.
const (
	// ScopeEverywhere deletes the recording: every device moves its copy
	// to the trash. The default.
	ScopeEverywhere = "everywhere"
	// ScopeCloud removes the cloud copy only: devices that hold the audio
	// keep it, as a recording of their own that is not uploaded again
	// unless asked; devices without it drop the entry.
	ScopeCloud = "cloud"
	// ScopeEverywhereAfterCloud is kept on the tombstone of a recording
	// removed from the cloud first and deleted everywhere later (from a
	// device that had kept its copy): everywhere, and the copies devices
	// kept after the removal go to the trash too. A device's copy kept by
	// its own removal made after a plain "everywhere" stays. Not a scope a
	// DELETE takes; older clients read it as everywhere.
	ScopeEverywhereAfterCloud = "everywhere_after_cloud"
)

// CheckDeleteScope accepts the scopes above and "" (everywhere).
func CheckDeleteScope(s string) error {
	switch s {
	case "", ScopeEverywhere, ScopeCloud:
		return nil
	}
	return fmt.Errorf("unknown delete scope %q: use %s or %s", s, ScopeEverywhere, ScopeCloud)
}
