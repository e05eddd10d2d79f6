// Package blob defines where earshot-server keeps recordings' audio: a
// store of immutable objects under keys the server builds from a user id and
// a recording id (see Key), written whole or in parts. Implementations live
// in sub-packages (disk, s3store) and all pass the one contract suite in
// blobtest.
package blob

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
)

// Errors the stores return, to be matched with errors.Is.
var (
	// ErrNotFound: no object (or upload) under that key.
	ErrNotFound = errors.New("object not found")
	// ErrChecksum: the bytes did not match the SHA-256 they were sent with.
	ErrChecksum = errors.New("content does not match its SHA-256")
	// ErrSize: the body was shorter or longer than its declared size.
	ErrSize = errors.New("content does not match its declared size")
	// ErrBadKey: a key not built by Key.
	ErrBadKey = errors.New("invalid object key")
	// ErrDamaged: the store did not get, or does not hold, the bytes the
	// server sent it (they were damaged on the way, so they no longer
	// matched the checksum sent with them, or the object did not check
	// out afterwards). Nothing was stored; sending the same bytes again
	// can succeed. Unlike ErrChecksum it says nothing against the bytes
	// the server was given.
	ErrDamaged = errors.New("the object store refused the bytes as damaged on their way to it")
)

// Store keeps objects. Implementations are safe for concurrent use. Objects
// are private: nothing a store writes is readable without the server's
// credentials.
type Store interface {
	// Put stores exactly size bytes read from r under key, replacing any
	// object there, if their SHA-256 equals sum; otherwise it returns
	// ErrChecksum or ErrSize and the key keeps what it held before. It
	// returns nil only once the stored object is confirmed to be those
	// bytes; ErrDamaged when the store received others. Put streams: it
	// never holds the whole body in memory.
	Put(ctx context.Context, key string, r io.Reader, size int64, sum []byte) error
	// Get reads n bytes from offset off (n < 0: to the end); ErrNotFound.
	Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error)
	// Stat returns an object's size, and its SHA-256 when the store knows it.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes an object; no error if it is absent.
	Delete(ctx context.Context, key string) error

	// CreateUpload starts a multipart upload to key and returns its id.
	CreateUpload(ctx context.Context, key string) (string, error)
	// UploadPart stores part number n (from 1), exactly size bytes from r
	// that belong at byte offset off of the object, and describes it,
	// with the SHA-256 of the bytes read from r. A store across a network
	// sends that SHA-256 with the part and has the other end verify it:
	// ErrDamaged when the part arrived otherwise. A part that fails
	// midway stores nothing (ErrSize when r ended early); sending part n
	// again replaces it. Every part but the last must be at least
	// api.MinChunkSize bytes. It streams: at most a small buffer of the
	// part is held in memory.
	UploadPart(ctx context.Context, key, uploadID string, n int, off int64, r io.Reader, size int64) (Part, error)
	// CompleteUpload joins the parts, in order, into the object at key,
	// and confirms the object is them: its size is theirs and, where the
	// store keeps checksums, it was joined from parts with exactly their
	// SHA-256s. When it is not, it returns ErrDamaged, leaves nothing at
	// key and discards the upload: start again.
	CompleteUpload(ctx context.Context, key, uploadID string, parts []Part) error
	// AbortUpload discards an upload and its parts; no error if unknown.
	AbortUpload(ctx context.Context, key, uploadID string) error
}

// Part names one stored part of a multipart upload.
type Part struct {
	Number int
	ETag   string
	Size   int64
	SHA256 []byte // of the part's bytes; nil for parts stored before checksums were kept
}

// Info describes a stored object.
type Info struct {
	Size   int64
	SHA256 []byte // nil when the store does not know it
}

// Sweeper is an optional capability of a Store: removing multipart
// uploads begun before a time that nothing tracks any more (a server that
// crashed between starting an upload and recording it). The server's
// janitor calls it after aborting the abandoned uploads it knows of.
type Sweeper interface {
	// SweepUploads aborts uploads begun (or last written) before
	// before and says how many went.
	SweepUploads(ctx context.Context, before time.Time) (int, error)
}

// Presigner is an optional capability of a Store: a request the client sends
// straight to the object store to upload a whole object, refused by the
// store itself unless the bytes match sum.
type Presigner interface {
	PresignPut(ctx context.Context, key string, size int64, sum []byte, expires time.Duration) (api.PresignedUpload, error)
}

// Key is the object key of a recording: built only from the owner's id and
// the recording's id, both validated ids, never from a client's file name.
func Key(userID, recordingID string) string { return userID + "/" + recordingID }

// ValidKey reports whether k has Key's shape: two segments of lowercase
// letters, digits and dashes. Stores refuse anything else, so no key can
// climb out of a directory or address another user's prefix by accident.
func ValidKey(k string) bool {
	a, b, ok := strings.Cut(k, "/")
	return ok && validSegment(a) && validSegment(b)
}

func validSegment(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
