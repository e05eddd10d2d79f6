package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"

	"github.com/earshot/earshot/api"
)

// Info asks GET /v1/info what the server supports (no authentication).
func (c *Client) Info(ctx context.Context) (api.ServerInfo, error) {
	var out api.ServerInfo
	err := c.doJSON(ctx, request{op: "server info", method: http.MethodGet, path: "/v1/info"}, &out)
	return out, err
}

// Usage returns the account and its quota use (GET /v1/account).
func (c *Client) Usage(ctx context.Context) (api.Usage, error) {
	var out api.Usage
	err := c.doJSON(ctx, request{op: "account", method: http.MethodGet, path: "/v1/account", authed: true}, &out)
	return out, err
}

// UploadURL asks for a presigned request that puts the content straight
// into object storage (POST /v1/recordings/{id}/upload-url).
func (c *Client) UploadURL(ctx context.Context, id string) (api.PresignedUpload, error) {
	var out api.PresignedUpload
	err := c.doJSON(ctx, request{op: "upload url " + id, method: http.MethodPost, path: recPath(id) + "/upload-url", authed: true}, &out)
	return out, err
}

// CompleteUpload tells the server that a presigned upload finished; the
// server checks the object and lists the recording as available.
func (c *Client) CompleteUpload(ctx context.Context, id string) (api.Recording, error) {
	var out api.Recording
	err := c.doJSON(ctx, request{op: "complete upload " + id, method: http.MethodPost, path: recPath(id) + "/upload/complete", authed: true}, &out)
	return out, err
}

// PutPresigned sends size bytes from open to object storage as p says. The
// signed headers include the SHA-256, so the store refuses damaged bytes.
func (c *Client) PutPresigned(ctx context.Context, id string, p api.PresignedUpload, size int64, open func() io.Reader) error {
	op := "direct upload " + id
	method := p.Method
	if method == "" {
		method = http.MethodPut
	}
	ctx, guard := newStallGuard(ctx, c.stall)
	defer guard.stop()
	req, err := http.NewRequestWithContext(ctx, method, p.URL, guard.reader(open()))
	if err != nil {
		return &Error{Op: op, Kind: KindPermanent, Err: err}
	}
	req.ContentLength = size
	if size == 0 {
		req.Body = http.NoBody
	}
	for k, v := range p.Headers {
		if http.CanonicalHeaderKey(k) == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return guard.explain(wrapErr(op, err))
	}
	defer drain(resp)
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		e := &Error{Op: op, Status: resp.StatusCode, Kind: kindForStatus(resp.StatusCode, ""),
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"))}
		switch {
		case resp.StatusCode == http.StatusBadRequest && containsChecksumError(body):
			e.Kind, e.Err = KindTransient, fmt.Errorf("%w: object storage refused the bytes", ErrChecksum)
		case resp.StatusCode == http.StatusConflict:
			// S3 answers a PUT with 409 when another change to the same
			// place is under way (OperationAborted, "try again"); Versity's
			// POSIX gateway does too (ExistingObjectIsDirectory) while a
			// delete removes the folder the new object goes into.
			e.Kind, e.Err = KindTransient, fmt.Errorf("%w (%s)", errStoreBusy, s3Code(body))
			e.Kind, e.Err = KindTransient, fmt.Errorf("object storage refused the signed request (expired?): %s", firstLine(body))
		default:
			e.Err = fmt.Errorf("object storage answered %d: %s", resp.StatusCode, firstLine(body))
		}
		return e
	}
	return nil
}

// errStoreBusy is object storage's 409 to a presigned upload: a moment
// later the same request goes through.
var errStoreBusy = errors.New("object storage was busy with another change; the upload will be tried again")

var s3CodeRE = regexp.MustCompile(`<Code>([A-Za-z]{1,64})</Code>`)

// s3Code is the error code in an S3 error body, or "no code".
func s3Code(body []byte) string {
	if m := s3CodeRE.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return "no code"
}

func containsChecksumError(body []byte) bool {
	for _, s := range []string{"BadDigest", "XAmzContentChecksumMismatch", "InvalidDigest", "Checksum"} {
		if bytesContains(body, s) {
			return true
		}
	}
	return false
}
