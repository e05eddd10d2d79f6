package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/earshot/earshot/api"
)

// Health asks GET /healthz; a nil error means the server is reachable.
func (c *Client) Health(ctx context.Context) error {
	return c.doJSON(ctx, request{op: "health check", method: http.MethodGet, path: "/healthz"}, nil)
}

// Signup creates an account (POST /v1/accounts).
func (c *Client) Signup(ctx context.Context, email, password string) (api.Account, error) {
	return c.SignupInvited(ctx, email, password, "")
}

// SignupInvited is Signup with an invite code ("" for none).
func (c *Client) SignupInvited(ctx context.Context, email, password, invite string) (api.Account, error) {
	var out api.Account
	err := c.doJSON(ctx, request{op: "sign up", method: http.MethodPost, path: "/v1/accounts",
		header: jsonHeader(), body: jsonBody(api.Credentials{Email: email, Password: password, Invite: invite})}, &out)
	return out, err
}

// Login opens a session (POST /v1/sessions).
func (c *Client) Login(ctx context.Context, email, password string) (api.Session, error) {
	var out api.Session
	err := c.doJSON(ctx, request{op: "log in", method: http.MethodPost, path: "/v1/sessions",
		header: jsonHeader(), body: jsonBody(api.Credentials{Email: email, Password: password})}, &out)
	return out, err
}

// RefreshSession trades a refresh token for a new pair (POST
// /v1/sessions/refresh). The old refresh token is spent either way.
func (c *Client) RefreshSession(ctx context.Context, refreshToken string) (api.Session, error) {
	var out api.Session
	err := c.doJSON(ctx, request{op: "refresh session", method: http.MethodPost, path: "/v1/sessions/refresh",
		header: jsonHeader(), body: jsonBody(api.RefreshRequest{RefreshToken: refreshToken})}, &out)
	return out, err
}

// ForkSession asks for a new session of its own for the holder of
// refreshToken, which stays valid (POST /v1/sessions/fork).
func (c *Client) ForkSession(ctx context.Context, refreshToken string) (api.Session, error) {
	var out api.Session
	err := c.doJSON(ctx, request{op: "fork session", method: http.MethodPost, path: "/v1/sessions/fork",
		header: jsonHeader(), body: jsonBody(api.RefreshRequest{RefreshToken: refreshToken})}, &out)
	return out, err
}

// Logout revokes the current session (DELETE /v1/sessions/current).
func (c *Client) Logout(ctx context.Context) error {
	return c.doJSON(ctx, request{op: "log out", method: http.MethodDelete, path: "/v1/sessions/current", authed: true}, nil)
}

// List returns one page of the caller's recordings that changed after the
// cursor since ("" for everything), tombstones included.
func (c *Client) List(ctx context.Context, since string, limit int) (api.ListResponse, error) {
	q := url.Values{}
	if since != "" {
		q.Set("since", since)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out api.ListResponse
	err := c.doJSON(ctx, request{op: "list recordings", method: http.MethodGet, path: "/v1/recordings", query: q, authed: true}, &out)
	return out, err
}

// GetRecording returns one recording's metadata (GET /v1/recordings/{id}).
func (c *Client) GetRecording(ctx context.Context, id string) (api.Recording, error) {
	var out api.Recording
	err := c.doJSON(ctx, request{op: "get " + id, method: http.MethodGet, path: recPath(id), authed: true}, &out)
	return out, err
}

// PutMeta creates (ifMatch 0) or updates (ifMatch = the version last seen)
// a recording's metadata. A stale ifMatch fails with KindConflict and the
// server's current metadata in Error.Current.
func (c *Client) PutMeta(ctx context.Context, id string, meta api.RecordingMeta, ifMatch int64) (api.Recording, error) {
	h := jsonHeader()
	if ifMatch > 0 {
		h.Set("If-Match", strconv.Quote(strconv.FormatInt(ifMatch, 10)))
	}
	var out api.Recording
	err := c.doJSON(ctx, request{op: "put metadata " + id, method: http.MethodPut, path: recPath(id),
		header: h, body: jsonBody(meta), authed: true}, &out)
	return out, err
}

// Delete deletes a recording in scope (api.ScopeEverywhere or
// api.ScopeCloud); the server keeps a tombstone that says which.
func (c *Client) Delete(ctx context.Context, id, scope string) error {
	_, err := c.DeleteTombstone(ctx, id, scope)
	return err
}

// DeleteTombstone is Delete that returns the server's tombstone: the one
// it wrote, or the one it had (a recording deleted already).
func (c *Client) DeleteTombstone(ctx context.Context, id, scope string) (api.Recording, error) {
	var out api.Recording
	err := c.doJSON(ctx, request{op: "delete " + id, method: http.MethodDelete, path: recPath(id),
		query: url.Values{"scope": {scope}}, authed: true}, &out)
	return out, err
}

// UploadStatus says how many bytes of the content the server holds.
func (c *Client) UploadStatus(ctx context.Context, id string) (api.UploadStatus, error) {
	var out api.UploadStatus
	err := c.doJSON(ctx, request{op: "upload status " + id, method: http.MethodGet, path: recPath(id) + "/upload", authed: true}, &out)
	return out, err
}

// PutContent sends bytes [off, off+n) of a recording's content, whose whole
// size is total; open returns a fresh reader over exactly those bytes
// (called again if the request must be repeated after a token refresh).
// The whole file in one piece goes without Content-Range. The answer to
// the last piece describes the recording, when the server sends it.
func (c *Client) PutContent(ctx context.Context, id string, off, n, total int64, open func() io.Reader) (api.Recording, error) {
	h := http.Header{"Content-Type": {"application/octet-stream"}}
	if off != 0 || n != total {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+n-1, total))
	}
	ctx, guard := newStallGuard(ctx, c.stall)
	defer guard.stop()
	resp, err := c.do(ctx, request{op: "upload " + id, method: http.MethodPut, path: recPath(id) + "/content", header: h, authed: true,
		body: func() (io.Reader, int64) { return guard.reader(open()), n }})
	if err != nil {
		return api.Recording{}, guard.explain(err)
	}
	defer drain(resp)
	var rec api.Recording
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&rec) // an UploadStatus after a middle chunk
	return rec, nil
}

// Download opens the content from byte off on. It returns the offset the
// body really starts at (0 when the server ignored the Range) and the whole
// size. The body stops with an error if it stalls; the caller closes it.
func (c *Client) Download(ctx context.Context, id string, off int64) (body io.ReadCloser, start, total int64, err error) {
	h := http.Header{}
	if off > 0 {
		h.Set("Range", fmt.Sprintf("bytes=%d-", off))
	}
	ctx, guard := newStallGuard(ctx, c.stall)
	resp, err := c.do(ctx, request{op: "download " + id, method: http.MethodGet, path: recPath(id) + "/content", header: h, authed: true})
	if err != nil {
		guard.stop()
		return nil, 0, 0, guard.explain(err)
	}
	total = resp.ContentLength
	if resp.StatusCode == http.StatusPartialContent {
		start, total = parseContentRange(resp.Header.Get("Content-Range"))
	}
	return &guardedBody{rc: resp.Body, g: guard, r: guard.reader(resp.Body)}, start, total, nil
}

// parseContentRange reads "bytes START-END/TOTAL"; -1 marks what is unknown.
func parseContentRange(v string) (start, total int64) {
	start, total = -1, -1
	v = strings.TrimPrefix(v, "bytes ")
	rng, size, ok := strings.Cut(v, "/")
	if !ok {
		return
	}
	if s, _, ok := strings.Cut(rng, "-"); ok {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			start = n
		}
	}
	if n, err := strconv.ParseInt(size, 10, 64); err == nil {
		total = n
	}
	return
}

func recPath(id string) string { return "/v1/recordings/" + url.PathEscape(id) }

type guardedBody struct {
	rc io.ReadCloser
	r  io.Reader
	g  *stallGuard
}

func (b *guardedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = b.g.explain(err)
	}
	return n, err
}

func (b *guardedBody) Close() error {
	b.g.stop()
	return b.rc.Close()
}
