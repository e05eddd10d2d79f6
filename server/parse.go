package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/earshot/earshot/api"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 64 << 10

// decodeJSON reads one JSON value of at most maxJSONBody bytes into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeJSONFrom(http.MaxBytesReader(w, r.Body, maxJSONBody), v)
}

func decodeJSONFrom(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		return jsonFailure(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("the body must hold one JSON value and nothing after it")
	}
	return nil
}

// jsonFailure answers a body that could not be decoded, in plain words: a
// body too large, too slow, cut off, of the wrong shape, or not JSON.
func jsonFailure(err error) error {
	var mbe *http.MaxBytesError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return errorf(http.StatusRequestEntityTooLarge, api.CodeTooLarge, "the request body is too large")
	case errors.Is(err, os.ErrDeadlineExceeded):
		return errorf(http.StatusRequestTimeout, api.CodeTimeout, "the request body came too slowly and the server stopped waiting; send it again")
	case errors.As(err, &te) && te.Field != "":
		return badRequest(fmt.Sprintf("the field %q has the wrong type; see docs/api.md", te.Field))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the body ended before the JSON value did; send the whole body")
	}
	return badRequest("the body is not valid JSON for this request; see docs/api.md")
}

// checkID refuses anything but a canonical UUIDv7.
func checkID(id string) error {
	if !api.ValidID(id) {
		return badRequest("recording ids are UUIDv7 in lowercase canonical form")
	}
	return nil
}

// normaliseEmail trims and lower-cases an email and checks its shape: one
// @, a local part of at most 64 bytes, a domain of dot-separated labels
// (letters, digits, hyphens; at least two labels), and no spaces, control
// or invisible characters (U+200B and the like), which would make two
// accounts look the same.
func normaliseEmail(s string) (string, error) {
	bad := badRequest("enter a valid email address, such as name@example.com")
	e := strings.ToLower(strings.TrimSpace(s))
	local, domain, ok := strings.Cut(e, "@")
	if !ok || !utf8.ValidString(e) || len(e) > 254 || local == "" || len(local) > 64 ||
		strings.ContainsFunc(e, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar
		}) {
		return "", bad
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", bad
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' ||
			strings.ContainsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
			return "", bad
		}
	}
	return e, nil
}

// checkMeta validates a recording's metadata from a client.
func checkMeta(m *api.RecordingMeta) error {
	if err := api.CheckTitle(m.Title); err != nil {
		return badRequest(err.Error())
	}
	switch {
	case m.CreatedAt.IsZero():
		return badRequest("created_at is required")
	case m.DurationMS < 0:
		return badRequest("duration_ms must not be negative")
	case !validFormat(m.Format):
		return badRequest("format must be a short lowercase word such as opus, flac or wav")
	case m.SampleRate < 0 || m.SampleRate > 1_000_000:
		return badRequest("sample_rate out of range")
	case m.Channels < 0 || m.Channels > 64:
		return badRequest("channels out of range")
	case m.SizeBytes < 0:
		return badRequest("size_bytes must not be negative")
	case !validSHA256(m.SHA256):
		return badRequest("sha256 must be 64 lowercase hex digits")
	}
	return nil
}

func validFormat(f string) bool {
	if f == "" || len(f) > 16 {
		return false
	}
	for i := 0; i < len(f); i++ {
		if c := f[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// parseIfMatch reads If-Match: a version as "N", N or W/"N". ok is false when
// the header is absent.
func parseIfMatch(h string) (version int64, ok bool, err error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false, nil
	}
	h = strings.TrimPrefix(h, "W/")
	if len(h) >= 2 && h[0] == '"' && h[len(h)-1] == '"' {
		h = h[1 : len(h)-1]
	}
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 || strconv.FormatInt(v, 10) != h {
		return 0, false, badRequest(`If-Match must be a recording version, e.g. "3"`)
	}
	return v, true, nil
}

// contentRange is a parsed "bytes START-END/TOTAL" header.
type contentRange struct {
	start, end, total int64 // end inclusive; total -1 for "*"
}

// parseContentRange parses a chunk's Content-Range.
func parseContentRange(h string) (contentRange, error) {
	bad := badRequest(`Content-Range must be "bytes START-END/TOTAL"`)
	rest, ok := strings.CutPrefix(h, "bytes ")
	if !ok {
		return contentRange{}, bad
	}
	span, total, ok := strings.Cut(rest, "/")
	if !ok {
		return contentRange{}, bad
	}
	a, b, ok := strings.Cut(span, "-")
	if !ok {
		return contentRange{}, bad
	}
	cr := contentRange{total: -1}
	var err error
	if cr.start, err = parseOffset(a); err != nil {
		return contentRange{}, bad
	}
	if cr.end, err = parseOffset(b); err != nil || cr.end < cr.start {
		return contentRange{}, bad
	}
	if total != "*" {
		if cr.total, err = parseOffset(total); err != nil || cr.end >= cr.total {
			return contentRange{}, bad
		}
	}
	return cr, nil
}

// parseOffset parses a non-negative decimal without sign or leading zeros.
func parseOffset(s string) (int64, error) {
	if s == "" || len(s) > 18 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("bad offset %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("bad offset %q", s)
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// errRangeUnsatisfiable: the Range lies outside the content.
var errRangeUnsatisfiable = errors.New("range not satisfiable")

// parseRange parses a single-range Range header against a content of size
// bytes, returning the offset and length. ok is false when the whole content
// should be sent (no header, several ranges, or another unit).
func parseRange(h string, size int64) (off, n int64, ok bool, err error) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if h == "" || !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, errRangeUnsatisfiable
	}
	if a == "" { // suffix: the last b bytes
		k, err := parseOffset(b)
		if err != nil || k == 0 || size == 0 {
			return 0, 0, false, errRangeUnsatisfiable
		}
		k = min(k, size)
		return size - k, k, true, nil
	}
	start, err := parseOffset(a)
	if err != nil || start >= size {
		return 0, 0, false, errRangeUnsatisfiable
	}
	end := size - 1
	if b != "" {
		if end, err = parseOffset(b); err != nil || end < start {
			return 0, 0, false, errRangeUnsatisfiable
		}
		end = min(end, size-1)
	}
	return start, end - start + 1, true, nil
}

// cursor is the position in a user's change feed handed to clients, with
// when it was issued so that one older than the tombstone retention is
// refused rather than silently missing deletions.
type cursor struct {
	seq    int64
	issued time.Time
}

func (c cursor) String() string {
	return "c1." + strconv.FormatInt(c.seq, 10) + "." + strconv.FormatInt(c.issued.Unix(), 10)
}

func parseCursor(s string) (cursor, error) {
	bad := badRequest("since must be a cursor returned by an earlier listing")
	rest, ok := strings.CutPrefix(s, "c1.")
	if !ok {
		return cursor{}, bad
	}
	a, b, ok := strings.Cut(rest, ".")
	if !ok {
		return cursor{}, bad
	}
	seq, err1 := parseOffset(a)
	ts, err2 := parseOffset(b)
	if err1 != nil || err2 != nil {
		return cursor{}, bad
	}
	return cursor{seq: seq, issued: time.Unix(ts, 0)}, nil
}
