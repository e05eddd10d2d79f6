package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/earshot/earshot/api"
)

// Kind says what a failure means for the engine: whether to retry, when,
// and what to tell the user.
type Kind int

// The kinds of failure. Offline, Transient and RateLimited are retried with
// backoff; the others wait for the user (or for a state change).
const (
	KindPermanent   Kind = iota // bad request, too large, quota: retrying as is cannot help
	KindOffline                 // the server could not be reached at all
	KindTransient               // 5xx, a connection broken mid-transfer, a timeout, bytes corrupted in transit
	KindRateLimited             // 429: retry after RetryAfter
	KindAuth                    // not signed in, or the session was revoked: log in again
	KindNotFound                // the recording is not on the server (or belongs to someone else)
	KindConflict                // 412/409: someone else changed it first
	KindCanceled                // the context ended
)

var kindNames = [...]string{"permanent", "offline", "transient", "rate limited", "auth", "not found", "conflict", "canceled"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Retryable reports whether a failure of this kind goes away by itself.
func (k Kind) Retryable() bool {
	return k == KindOffline || k == KindTransient || k == KindRateLimited
}

// Error is a classified failure of a request to the server or of a transfer.
type Error struct {
	Op         string        // what was being done: "upload 0192…", "list"
	Kind       Kind          // what it means
	Status     int           // the HTTP status, 0 when no answer came
	Code       string        // api.Error.Code from the answer's body, if any
	Message    string        // api.Error.Message, for a person
	RetryAfter time.Duration // from Retry-After on 429/503, 0 when absent
	Err        error         // the underlying error, if any
	// Current is the server's metadata sent with a 412, when it sent it.
	Current *api.Recording
}

func (e *Error) Error() string {
	switch {
	case e.Message != "":
		return fmt.Sprintf("%s: %s", e.Op, e.Message)
	case e.Err != nil:
		return fmt.Sprintf("%s: %v", e.Op, e.Err)
	case e.Status != 0:
		return fmt.Sprintf("%s: server answered %d %s", e.Op, e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Kind)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrChecksum is wrapped by errors about bytes that do not match their
// SHA-256 (a download corrupted in transit, an upload the server refused).
var ErrChecksum = errors.New("checksum mismatch")

// KindOf classifies any error from this package, the network or a context.
func KindOf(err error) Kind {
	if err == nil {
		return KindPermanent
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return classifyTransport(err)
}

// Retryable reports whether err is worth retrying later without a change.
func Retryable(err error) bool { return err != nil && KindOf(err).Retryable() }

// RetryAfterOf returns the server's requested delay carried by err, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// classifyTransport sorts errors that carry no HTTP answer: a refused or
// unroutable connection means offline; a connection that broke after it was
// made, a timeout or a truncated body is transient.
func classifyTransport(err error) Kind {
	if errors.Is(err, context.Canceled) {
		return KindCanceled
	}
	if errors.Is(err, ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return KindTransient
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTDOWN) {
		return KindOffline
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return KindOffline
	}
	var op *net.OpError
	if errors.As(err, &op) {
		if op.Op == "dial" {
			return KindOffline
		}
		return KindTransient
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTransient
	}
	return KindPermanent
}

// kindForStatus maps an HTTP answer to a Kind.
func kindForStatus(status int, code string) Kind {
	switch {
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status == http.StatusUnauthorized:
		return KindAuth
	case status == http.StatusNotFound || status == http.StatusGone:
		return KindNotFound
	case status == http.StatusPreconditionFailed || status == http.StatusConflict:
		return KindConflict
	case code == api.CodeChecksum:
		// The bytes the server received did not match: they were damaged on
		// the way, so sending them again can succeed.
		return KindTransient
	case status == http.StatusNotImplemented || code == api.CodeNotImplemented:
		return KindPermanent
	case status == http.StatusRequestTimeout || status >= 500:
		return KindTransient
	}
	return KindPermanent
}

// asError finds the *Error in err's chain.
func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
