package api

import "time"

// Chunked uploads. A PUT /v1/recordings/{id}/content with a Content-Range
// header ("bytes START-END/TOTAL", TOTAL = size_bytes) sends one chunk. START
// must equal the bytes the server already holds (GET /v1/recordings/{id}/upload
// says how many); a chunk that breaks off is dropped whole, so a client always
// resumes at UploadStatus.Received. Every chunk but the last must be at least
// MinChunkSize bytes, because S3 multipart parts must be.
const (
	// ChunkSize is the chunk size clients should use for chunked uploads.
	ChunkSize = 8 << 20
	// MinChunkSize is the smallest chunk the server takes, except the last one.
	MinChunkSize = 5 << 20
	// MaxChunkSize is the largest chunk the server takes in one request.
	MaxChunkSize = 512 << 20
)

// HTTP headers of the API besides the standard ones.
const (
	// HeaderVersion carries a recording's Version on answers about it; the
	// same value also comes as a quoted ETag.
	HeaderVersion = "Earshot-Version"
	// HeaderTranscriptVersion carries a transcript's version on answers
	// about it (GET and PUT /v1/recordings/{id}/transcript).
	HeaderTranscriptVersion = "Earshot-Transcript-Version"
)

// PresignedUpload is the answer to POST /v1/recordings/{id}/upload-url: a
// request the client makes straight to object storage. The client sends
// Method to URL with every header in Headers (they are signed: among them
// x-amz-checksum-sha256, so the store itself refuses bytes that do not match
// the recording's SHA-256) and the whole file as the body, then calls
// POST /v1/recordings/{id}/upload/complete.
type PresignedUpload struct {
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// ServerInfo is the answer to GET /v1/info (no authentication): what this
// server supports and its limits, so a client picks its upload path.
type ServerInfo struct {
	// PresignedUploads is true when POST /v1/recordings/{id}/upload-url works
	// (the S3 blob store); otherwise upload through PUT …/content.
	PresignedUploads bool  `json:"presigned_uploads"`
	MaxObjectSize    int64 `json:"max_object_size"`
	MinChunkSize     int64 `json:"min_chunk_size"`
	MaxChunkSize     int64 `json:"max_chunk_size"`
	MinPasswordLen   int   `json:"min_password_length"`
}

// Usage is the answer to GET /v1/account: the caller's account and how much
// of its quota the recordings take (declared sizes of recordings not deleted).
type Usage struct {
	UserID     string `json:"user_id"`
	Email      string `json:"email"`
	UsedBytes  int64  `json:"used_bytes"`
	QuotaBytes int64  `json:"quota_bytes"`
}
